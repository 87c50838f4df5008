package dev.spotbridge.dataverse;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dataverse refused a write because the org lacks a column that Spotbridge's solution adds (400,
 * 0x80060888 "The property 'sb_syncstatus' does not exist on type
 * 'Microsoft.Dynamics.CRM.contact'"): the solution is not installed yet, or not complete. No row of
 * such a write can succeed, so it is neither split nor written row by row, which would spend the
 * request budget on refusals; what was to be written waits, as in an outage, until the setup has
 * added what is missing.
 */
public class DataverseNotSetUpException extends DataverseUnavailableException {

    /** Dataverse's words for a property the entity type does not have; sb_ is the solution's. */
    private static final Pattern MISSING =
            Pattern.compile("The property '(sb_[A-Za-z0-9_]+)' does not exist on type '([^']+)'");

    private DataverseNotSetUpException(String message) {
        super(message);
    }

    /**
     * Throws when the refusal is a missing part of the solution; returns otherwise.
     *
     * @param what the request, as the log names it
     * @param answer what Dataverse answered (status and body)
     */
    static void raiseIfMissingColumn(String what, String answer) {
        Matcher m = answer == null ? null : MISSING.matcher(answer);
        if (m == null || !m.find()) {
            return;
        }
        String type = m.group(2).substring(m.group(2).lastIndexOf('.') + 1);
        throw new DataverseNotSetUpException(
                what
                        + ": the org has no column "
                        + m.group(1)
                        + " on table "
                        + type
                        + ", which the Spotbridge solution adds: run the setup (POST"
                        + " /api/setup/dataverse) or let it finish; tried again later");
    }
}
