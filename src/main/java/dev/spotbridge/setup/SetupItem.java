package dev.spotbridge.setup;

/**
 * One thing setup looks after, as the check found it.
 *
 * @param area solution, choice, table, column, endpoint, step, image or spotler
 * @param name what it is (contact.sb_syncstatus, "Spotbridge: Update of contact", …)
 * @param status OK, MISSING or DRIFTED
 * @param detail what is wrong, in words an admin can act on (empty when OK)
 * @param fix the one call that makes it right (empty when OK)
 */
public record SetupItem(String area, String name, Status status, String detail, String fix) {

    public enum Status {
        OK,
        MISSING,
        DRIFTED
    }

    static SetupItem ok(String area, String name) {
        return new SetupItem(area, name, Status.OK, "", "");
    }

    static SetupItem missing(String area, String name, String detail) {
        return new SetupItem(area, name, Status.MISSING, detail, DataverseSetup.FIX);
    }

    static SetupItem drifted(String area, String name, String detail) {
        return new SetupItem(area, name, Status.DRIFTED, detail, DataverseSetup.FIX);
    }

    /** An item setup cannot fix: the admin has to (a setting, a Spotler property). */
    static SetupItem drifted(String area, String name, String detail, String fix) {
        return new SetupItem(area, name, Status.DRIFTED, detail, fix);
    }

    /**
     * Something this org does not offer and Spotbridge can do without (a step on a message the org
     * has no filter for): OK, with what it means.
     */
    static SetupItem notAvailable(String area, String name, String detail) {
        return new SetupItem(area, name, Status.OK, detail, "");
    }

    public boolean ok() {
        return status == Status.OK;
    }
}
