package dev.spotbridge.sync;

import dev.spotbridge.queue.ChangeEvent.Operation;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What a D365 change means for its record's Spotler contact, and why: skip it, blank the contact,
 * restore it, write its values, stop or resume syncing, or first read the record from Dataverse.
 * Pure: it sees the record's sync state and the change, never Spotler, Dataverse or the database;
 * {@link ContactSync} carries the decision out. The rules, tried in this order (the first that
 * matches decides; SyncDecisionTest has a test per row):
 *
 * <pre>
 *  #   the change                                  the record                 decision
 *  1   its key already applied                     -                          SKIP     duplicate delivery
 *  2a  Create or Restore newer than the Delete      deleted in D365            REVIVE   restored from the recycle bin: read, then by its values
 *  2   any other                                   deleted in D365            SKIP     a late or repeated event never brings it back
 *  3   Create/Update/SetState older than the       -                          SKIP     older
 *      applied version (not a Delete, nor a change that reads the record: a Resync, an Update without its image)
 *  4   Create/Update older than a complete         -                          SKIP     superseded (the newer carries its values)
 *      change of the record already queued
 *  5   Delete                                      -                          TOMBSTONE blank, and never again
 *  6   SetState to 0 (active)                      -                          READ     the record, then by its values
 *  7   SetState to another state                   syncing, not opted out     BLANK    deactivated
 *  8   SetState to another state                   disabled or opted out      SKIP     deactivated; nothing written
 *  9   Create/Update with the whole record         -                          by its values (12-)
 *  10  Update with changed columns only            -                          READ     the record, then by its values
 *  11  Resync                                      -                          RESYNC   Spotler opt-out checked, then everything
 *
 *  after a READ:
 *  R1  the record is no longer in Dataverse        -                          SKIP
 *  R2  Dataverse's version older than applied      -                          SKIP
 *  R3  otherwise                                   -                          by its values (12-)
 *
 *  by the values (sb_syncenabled; statecode, unknown: as the record is now):
 *  12  sb_syncenabled false                        syncing                    DISABLE  stop syncing (no change in Spotler)
 *  13  sb_syncenabled false                        disabled                   SKIP     still disabled
 *  14  sb_syncenabled not given                    disabled                   SKIP     disabled: nothing written
 *  15  sb_syncenabled true                         disabled                   ENABLE   everything written again (by state, 17-19)
 *  16  any                                         opted out in Spotler       SKIP     opted out: nothing written until a resync
 *  17  inactive (statecode other than 0)           -                          BLANK    inactive
 *  18  active                                      blanked                    RESTORE  data and permissions back
 *  19  active                                      not blanked                WRITE    the changed values (everything after 15, 11)
 * </pre>
 *
 * A decision "moves the version" when the change counts as applied: its version becomes the
 * record's, so older changes that arrive later are skipped (rule 3).
 */
public final class SyncDecision {

    private SyncDecision() {}

    /** What to do. */
    public enum Action {
        /** nothing is written; the reason says why */
        SKIP,
        /** read the record from Dataverse, then decide by its values ({@link #ofRead}) */
        READ,
        /** an admin's resync: clear a Spotler opt-out if Spotler allows, then write everything */
        RESYNC,
        /** blank the Spotler contact (personal data purged, permissions off) */
        BLANK,
        /** blank the Spotler contact and remember the record as deleted for good */
        TOMBSTONE,
        /**
         * a deleted record exists again (restored from the recycle bin): lift the tombstone, read
         * the record, then decide by its values
         */
        REVIVE,
        /** stop syncing the record (sb_syncenabled false); Spotler is not written */
        DISABLE,
        /** sync the record again (sb_syncenabled true): everything written, by its state */
        ENABLE,
        /** the record is active again after a blank: its data and saved permissions go back */
        RESTORE,
        /** write the mapped values (those changed, or all of them) */
        WRITE
    }

    /** How much of a record a write carries. */
    public enum Scope {
        /** only what differs from what Spotbridge last wrote */
        CHANGES,
        /** every mapped value and the permissions of the record's rows */
        EVERYTHING
    }

    /**
     * A decision.
     *
     * @param reason why, in words for the record's history (for WRITE: why everything, or null)
     * @param scope what a WRITE carries
     * @param movesVersion the change counts as applied (its version becomes the record's)
     */
    public record Decision(Action action, String reason, Scope scope, boolean movesVersion) {

        static Decision skip(String reason) {
            return new Decision(Action.SKIP, reason, null, false);
        }
    }

    /** What the decision needs of the record's sync state. */
    public record Record(
            boolean deleted,
            boolean blanked,
            boolean syncEnabled,
            boolean optedOut,
            Instant appliedVersion) {}

    /**
     * What the decision needs of the change.
     *
     * @param state the statecode a SetState sets (null: unknown)
     * @param alreadyApplied its idempotency key is in the ledger
     * @param newerQueued the version of a newer complete change of the record already queued, or
     *     null
     * @param values the values the change carries (those of the whole record when complete)
     */
    public record Change(
            Operation operation,
            Instant version,
            boolean complete,
            Integer state,
            boolean alreadyApplied,
            Instant newerQueued,
            Values values,
            boolean creates) {

        /** A change that does not create the record (an Update, a SetState, …). */
        public Change(
                Operation operation,
                Instant version,
                boolean complete,
                Integer state,
                boolean alreadyApplied,
                Instant newerQueued,
                Values values) {
            this(operation, version, complete, state, alreadyApplied, newerQueued, values, false);
        }
    }

    /**
     * The record's values that the decision reads.
     *
     * @param statecode null when not given
     * @param syncEnabled sb_syncenabled; null when not given
     */
    public record Values(Integer statecode, Boolean syncEnabled) {}

    /** Rules 1-11: what the change means before any of the record's values are looked at. */
    public static Decision ofEvent(Record record, Change change) {
        if (change.alreadyApplied()) {
            return Decision.skip(
                    "duplicate delivery of an event already applied; no second effect");
        }
        if (record.deleted()
                && change.creates()
                && change.version() != null
                && record.appliedVersion() != null
                && change.version().isAfter(record.appliedVersion())) {
            return new Decision(
                    Action.REVIVE,
                    "created again after its deletion (restored from the recycle bin)",
                    null,
                    false);
        }
        if (record.deleted()) {
            return Decision.skip(
                    "the record was deleted in D365; a late or repeated event never brings it back");
        }
        Operation operation = change.operation();
        boolean readsRecord =
                operation == Operation.RESYNC
                        || (operation == Operation.UPSERT && !change.complete());
        if (operation != Operation.DELETE
                && !readsRecord
                && older(change.version(), record.appliedVersion())) {
            return Decision.skip(
                    "older ("
                            + change.version()
                            + ") than the change already applied ("
                            + record.appliedVersion()
                            + ")");
        }
        if (operation == Operation.UPSERT
                && change.version() != null
                && change.newerQueued() != null
                && change.newerQueued().isAfter(change.version())) {
            return Decision.skip(
                    "superseded by a newer complete change of this record already queued ("
                            + change.newerQueued()
                            + "), which carries these values: one Spotler write for both");
        }
        return switch (operation) {
            case DELETE -> new Decision(Action.TOMBSTONE, "deleted in D365", null, true);
            case SET_STATE -> {
                if (change.state() != null && change.state() == 0) {
                    yield new Decision(Action.READ, "reactivated in D365", null, false);
                }
                yield record.syncEnabled() && !record.optedOut()
                        ? new Decision(
                                Action.BLANK,
                                "deactivated in D365 (statecode " + change.state() + ")",
                                null,
                                true)
                        : new Decision(
                                Action.SKIP, "deactivated in D365; " + whyNot(record), null, true);
            }
            case UPSERT ->
                    change.complete()
                            ? byValues(record, change.values())
                            : new Decision(
                                    Action.READ,
                                    "the change carries changed columns only",
                                    null,
                                    false);
            case RESYNC -> new Decision(Action.RESYNC, "resync requested", Scope.EVERYTHING, false);
            case PERMISSION, LIST_SYNC, LIST_CHANGE, LIST_MEMBERS, JOB ->
                    throw new IllegalArgumentException(operation + " events are not record events");
        };
    }

    /**
     * Rules R1-R3: after a READ, by what Dataverse holds now.
     *
     * @param values the record's values; null when it is no longer in Dataverse
     * @param version its modifiedon, or null
     */
    public static Decision ofRead(Record record, Values values, Instant version) {
        if (values == null) {
            return Decision.skip("no longer in Dataverse; its Delete event blanks the contact");
        }
        // modifiedon has whole seconds, the applied version (an event's time) milliseconds: a row
        // written in the same second as the change applied is not older than it
        if (version != null
                && record.appliedVersion() != null
                && version.isBefore(record.appliedVersion().truncatedTo(ChronoUnit.SECONDS))) {
            return Decision.skip(
                    "Dataverse holds an older version than the change already applied");
        }
        return byValues(record, values);
    }

    /** Rules 12-19: by the record's values. */
    public static Decision byValues(Record record, Values values) {
        if (Boolean.FALSE.equals(values.syncEnabled())) {
            String reason =
                    "sync disabled in D365 (sb_syncenabled = false): nothing is written to Spotler";
            return record.syncEnabled()
                    ? new Decision(Action.DISABLE, reason, null, true)
                    : new Decision(Action.SKIP, reason, null, true);
        }
        if (!record.syncEnabled() && values.syncEnabled() == null) {
            return new Decision(Action.SKIP, whyNot(record), null, true);
        }
        if (!record.syncEnabled()) {
            return new Decision(
                    Action.ENABLE,
                    "sync re-enabled in D365 (sb_syncenabled = true)",
                    Scope.EVERYTHING,
                    true);
        }
        if (record.optedOut()) {
            return new Decision(Action.SKIP, whyNot(record), null, true);
        }
        return byState(record, values.statecode(), Scope.CHANGES, null);
    }

    /**
     * Rules 17-19: active → write (or restore after a blank), inactive → blank.
     *
     * @param statecode the record's statecode; null: unknown, the contact stays as it is (blank or
     *     not)
     * @param why why everything is written (after ENABLE or RESYNC), or null
     */
    public static Decision byState(Record record, Integer statecode, Scope scope, String why) {
        boolean active = statecode == null ? !record.blanked() : statecode == 0;
        if (!active) {
            return new Decision(
                    Action.BLANK, "inactive in D365 (statecode " + statecode + ")", null, true);
        }
        if (record.blanked()) {
            return new Decision(Action.RESTORE, "reactivated in D365", Scope.EVERYTHING, true);
        }
        return new Decision(Action.WRITE, why, scope, true);
    }

    /** Why nothing is written to a record that is not synced. */
    static String whyNot(Record record) {
        if (!record.syncEnabled()) {
            return "sync disabled in D365 (sb_syncenabled = false): nothing written";
        }
        if (record.optedOut()) {
            return "opted out in Spotler: nothing written until a resync after re-activation there";
        }
        return "nothing written";
    }

    private static boolean older(Instant version, Instant applied) {
        return version != null && applied != null && version.isBefore(applied);
    }
}
