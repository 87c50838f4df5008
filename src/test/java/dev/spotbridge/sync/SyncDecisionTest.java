package dev.spotbridge.sync;

import static dev.spotbridge.sync.SyncDecision.Action.BLANK;
import static dev.spotbridge.sync.SyncDecision.Action.DISABLE;
import static dev.spotbridge.sync.SyncDecision.Action.ENABLE;
import static dev.spotbridge.sync.SyncDecision.Action.READ;
import static dev.spotbridge.sync.SyncDecision.Action.RESTORE;
import static dev.spotbridge.sync.SyncDecision.Action.RESYNC;
import static dev.spotbridge.sync.SyncDecision.Action.SKIP;
import static dev.spotbridge.sync.SyncDecision.Action.TOMBSTONE;
import static dev.spotbridge.sync.SyncDecision.Action.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spotbridge.queue.ChangeEvent.Operation;
import dev.spotbridge.sync.SyncDecision.Action;
import dev.spotbridge.sync.SyncDecision.Change;
import dev.spotbridge.sync.SyncDecision.Decision;
import dev.spotbridge.sync.SyncDecision.Record;
import dev.spotbridge.sync.SyncDecision.Scope;
import dev.spotbridge.sync.SyncDecision.Values;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One test per row of {@link SyncDecision}'s table, and the rows next to it that must not fire. */
class SyncDecisionTest {

    private static final Instant T1 = Instant.parse("2026-11-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-01T11:00:00Z");
    private static final Instant T3 = Instant.parse("2026-11-01T12:00:00Z");

    /** Synced, active, applied at T2. */
    private static final Record SYNCING = new Record(false, false, true, false, T2);

    private static final Values ACTIVE = new Values(0, null);

    private static Change change(Operation operation, Instant version) {
        return new Change(operation, version, true, null, false, null, ACTIVE);
    }

    private static Decision ofEvent(Record record, Change change) {
        return SyncDecision.ofEvent(record, change);
    }

    private static void assertDecision(
            Action action, String reasonPart, boolean movesVersion, Decision decision) {
        assertEquals(action, decision.action(), decision.toString());
        if (reasonPart != null) {
            assertTrue(
                    decision.reason() != null && decision.reason().contains(reasonPart),
                    decision.reason());
        }
        assertEquals(movesVersion, decision.movesVersion(), decision.toString());
    }

    @Test
    void row1AnAppliedKeyIsSkippedWhateverItSays() {
        Change delete = new Change(Operation.DELETE, T3, false, null, true, null, null);
        assertDecision(SKIP, "duplicate delivery", false, ofEvent(SYNCING, delete));
    }

    @Test
    void aCreateNewerThanTheDeleteRevivesTheRecordAnOlderOneDoesNot() {
        Record deleted = new Record(true, true, true, false, T2);
        Change later = new Change(Operation.UPSERT, T3, true, null, false, null, ACTIVE, true);
        assertEquals(SyncDecision.Action.REVIVE, ofEvent(deleted, later).action());
        Change earlier = new Change(Operation.UPSERT, T1, true, null, false, null, ACTIVE, true);
        assertEquals(SKIP, ofEvent(deleted, earlier).action());
        Change update = new Change(Operation.UPSERT, T3, true, null, false, null, ACTIVE, false);
        assertEquals(SKIP, ofEvent(deleted, update).action());
    }

    @Test
    void row2ADeletedRecordNeverComesBack() {
        Record deleted = new Record(true, true, true, false, T2);
        assertDecision(
                SKIP, "deleted in D365", false, ofEvent(deleted, change(Operation.UPSERT, T3)));
        assertDecision(
                SKIP,
                "deleted in D365",
                false,
                ofEvent(deleted, new Change(Operation.SET_STATE, T3, false, 0, false, null, null)));
    }

    @Test
    void row3AnOlderChangeIsSkipped() {
        assertDecision(SKIP, "older (" + T1, false, ofEvent(SYNCING, change(Operation.UPSERT, T1)));
        assertDecision(
                SKIP,
                "older",
                false,
                ofEvent(SYNCING, new Change(Operation.SET_STATE, T1, false, 1, false, null, null)));
    }

    @Test
    void row3DoesNotHoldForDeletesNorForChangesThatReadTheRecord() {
        assertDecision(
                TOMBSTONE,
                null,
                true,
                ofEvent(SYNCING, new Change(Operation.DELETE, T1, false, null, false, null, null)));
        assertDecision(
                READ,
                null,
                false,
                ofEvent(SYNCING, new Change(Operation.UPSERT, T1, false, null, false, null, null)));
        assertDecision(
                RESYNC,
                null,
                false,
                ofEvent(SYNCING, new Change(Operation.RESYNC, T1, false, null, false, null, null)));
    }

    @Test
    void row3AChangeWithoutVersionOrARecordWithoutOneIsNotOlder() {
        assertEquals(WRITE, ofEvent(SYNCING, change(Operation.UPSERT, null)).action());
        Record fresh = new Record(false, false, true, false, null);
        assertEquals(WRITE, ofEvent(fresh, change(Operation.UPSERT, T1)).action());
    }

    @Test
    void row4AChangeSupersededByANewerQueuedOneIsSkipped() {
        Change older =
                new Change(Operation.UPSERT, T3, true, null, false, T3.plusSeconds(1), ACTIVE);
        assertDecision(SKIP, "superseded", false, ofEvent(SYNCING, older));
        Change partial =
                new Change(Operation.UPSERT, T3, false, null, false, T3.plusSeconds(1), null);
        assertDecision(SKIP, "superseded", false, ofEvent(SYNCING, partial));
    }

    @Test
    void row4OnlyANewerQueuedChangeSupersedes() {
        Change same = new Change(Operation.UPSERT, T3, true, null, false, T3, ACTIVE);
        assertEquals(WRITE, ofEvent(SYNCING, same).action());
        Change delete =
                new Change(Operation.DELETE, T3, false, null, false, T3.plusSeconds(1), null);
        assertEquals(TOMBSTONE, ofEvent(SYNCING, delete).action());
    }

    @Test
    void row5ADeleteBlanksForGood() {
        Decision d =
                ofEvent(SYNCING, new Change(Operation.DELETE, T3, false, null, false, null, null));
        assertDecision(TOMBSTONE, "deleted in D365", true, d);
        Record disabled = new Record(false, false, false, true, T2);
        assertEquals(
                TOMBSTONE,
                ofEvent(disabled, new Change(Operation.DELETE, T3, false, null, false, null, null))
                        .action());
    }

    @Test
    void row6ASetStateToActiveReadsTheRecord() {
        assertDecision(
                READ,
                null,
                false,
                ofEvent(SYNCING, new Change(Operation.SET_STATE, T3, false, 0, false, null, null)));
    }

    @Test
    void row7ASetStateToInactiveBlanksASyncedRecord() {
        assertDecision(
                BLANK,
                "deactivated in D365 (statecode 1)",
                true,
                ofEvent(SYNCING, new Change(Operation.SET_STATE, T3, false, 1, false, null, null)));
        assertDecision(
                BLANK,
                "statecode null",
                true,
                ofEvent(
                        SYNCING,
                        new Change(Operation.SET_STATE, T3, false, null, false, null, null)));
    }

    @Test
    void row8ASetStateToInactiveOfARecordNotSyncedWritesNothing() {
        Change setState = new Change(Operation.SET_STATE, T3, false, 2, false, null, null);
        assertDecision(
                SKIP,
                "deactivated in D365; sync disabled",
                true,
                ofEvent(new Record(false, false, false, false, T2), setState));
        assertDecision(
                SKIP,
                "deactivated in D365; opted out in Spotler",
                true,
                ofEvent(new Record(false, false, true, true, T2), setState));
    }

    @Test
    void row9AWholeRecordIsDecidedByItsValues() {
        assertDecision(WRITE, null, true, ofEvent(SYNCING, change(Operation.UPSERT, T3)));
        Change inactive =
                new Change(Operation.UPSERT, T3, true, null, false, null, new Values(1, null));
        assertDecision(BLANK, "inactive in D365 (statecode 1)", true, ofEvent(SYNCING, inactive));
    }

    @Test
    void row10AnUpdateWithChangedColumnsOnlyReadsTheRecord() {
        Change partial =
                new Change(Operation.UPSERT, T3, false, null, false, null, new Values(1, false));
        assertDecision(READ, "changed columns only", false, ofEvent(SYNCING, partial));
    }

    @Test
    void row11AResyncWritesEverything() {
        Decision d =
                ofEvent(SYNCING, new Change(Operation.RESYNC, T3, false, null, false, null, null));
        assertDecision(RESYNC, "resync requested", false, d);
        assertEquals(Scope.EVERYTHING, d.scope());
    }

    @Test
    void otherOperationsAreNoRecordEvents() {
        for (Operation operation :
                new Operation[] {
                    Operation.PERMISSION,
                    Operation.LIST_SYNC,
                    Operation.LIST_CHANGE,
                    Operation.LIST_MEMBERS,
                    Operation.JOB
                }) {
            Change change = new Change(operation, T3, false, null, false, null, null);
            assertThrows(IllegalArgumentException.class, () -> ofEvent(SYNCING, change));
        }
    }

    @Test
    void rowR1ARecordGoneFromDataverseIsSkipped() {
        assertDecision(
                SKIP, "no longer in Dataverse", false, SyncDecision.ofRead(SYNCING, null, T3));
    }

    @Test
    void rowR2AnOlderVersionInDataverseIsSkipped() {
        assertDecision(SKIP, "older version", false, SyncDecision.ofRead(SYNCING, ACTIVE, T1));
    }

    /**
     * Dataverse's modifiedon has whole seconds: a row written in the same second as the change
     * applied (a reactivation just after a deactivation) is not older than it.
     */
    @Test
    void rowR2ARowOfTheSameSecondAsTheAppliedChangeIsNotOlder() {
        Record applied = new Record(false, false, true, false, T1.plusMillis(825));
        assertDecision(WRITE, null, true, SyncDecision.ofRead(applied, ACTIVE, T1));
        assertDecision(
                SKIP,
                "older version",
                false,
                SyncDecision.ofRead(applied, ACTIVE, T1.minusSeconds(1)));
    }

    @Test
    void rowR3TheRecordAsReadIsDecidedByItsValues() {
        assertDecision(WRITE, null, true, SyncDecision.ofRead(SYNCING, ACTIVE, T3));
        assertDecision(WRITE, null, true, SyncDecision.ofRead(SYNCING, ACTIVE, null));
    }

    @Test
    void row12SyncDisabledStopsASyncedRecord() {
        assertDecision(
                DISABLE,
                "sync disabled in D365",
                true,
                SyncDecision.byValues(SYNCING, new Values(0, false)));
    }

    @Test
    void row13SyncDisabledOfADisabledRecordIsSkipped() {
        Record disabled = new Record(false, false, false, false, T2);
        assertDecision(
                SKIP,
                "sync disabled in D365 (sb_syncenabled = false): nothing is written",
                true,
                SyncDecision.byValues(disabled, new Values(0, false)));
    }

    @Test
    void row14ADisabledRecordStaysSoWithoutTheSwitch() {
        Record disabled = new Record(false, false, false, false, T2);
        assertDecision(
                SKIP,
                "sync disabled in D365 (sb_syncenabled = false): nothing written",
                true,
                SyncDecision.byValues(disabled, new Values(0, null)));
    }

    @Test
    void row15SyncReEnabledWritesEverything() {
        Record disabled = new Record(false, false, false, true, T2);
        Decision d = SyncDecision.byValues(disabled, new Values(0, true));
        assertDecision(ENABLE, "sync re-enabled", true, d);
        assertEquals(Scope.EVERYTHING, d.scope());
    }

    @Test
    void row16AnOptedOutRecordIsNotWritten() {
        Record optedOut = new Record(false, false, true, true, T2);
        assertDecision(SKIP, "opted out in Spotler", true, SyncDecision.byValues(optedOut, ACTIVE));
        assertDecision(
                SKIP,
                "opted out in Spotler",
                true,
                SyncDecision.byValues(optedOut, new Values(1, true)));
    }

    @Test
    void row17AnInactiveRecordIsBlanked() {
        assertDecision(
                BLANK,
                "inactive in D365 (statecode 1)",
                true,
                SyncDecision.byValues(SYNCING, new Values(1, true)));
        Record blanked = new Record(false, true, true, false, T2);
        assertEquals(BLANK, SyncDecision.byValues(blanked, new Values(2, null)).action());
    }

    @Test
    void row17AnUnknownStateOfABlankedRecordKeepsItBlank() {
        Record blanked = new Record(false, true, true, false, T2);
        assertEquals(BLANK, SyncDecision.byValues(blanked, new Values(null, null)).action());
    }

    @Test
    void row18AnActiveRecordThatWasBlankedIsRestored() {
        Record blanked = new Record(false, true, true, false, T2);
        Decision d = SyncDecision.byValues(blanked, ACTIVE);
        assertDecision(RESTORE, "reactivated", true, d);
        assertEquals(Scope.EVERYTHING, d.scope());
    }

    @Test
    void row19AnActiveRecordIsWrittenWithItsChanges() {
        Decision d = SyncDecision.byValues(SYNCING, ACTIVE);
        assertDecision(WRITE, null, true, d);
        assertEquals(Scope.CHANGES, d.scope());
        assertNull(d.reason());
        assertEquals(WRITE, SyncDecision.byValues(SYNCING, new Values(null, true)).action());
    }

    @Test
    void row19AfterEnableOrResyncEverythingIsWrittenAndSaysWhy() {
        Decision d = SyncDecision.byState(SYNCING, 0, Scope.EVERYTHING, "resync requested");
        assertDecision(WRITE, "resync requested", true, d);
        assertEquals(Scope.EVERYTHING, d.scope());
    }

    @Test
    void skipsOfRowsOneToFourNeverMoveTheVersion() {
        assertFalse(
                ofEvent(new Record(true, true, true, false, T2), change(Operation.UPSERT, T3))
                        .movesVersion());
        assertFalse(ofEvent(SYNCING, change(Operation.UPSERT, T1)).movesVersion());
    }
}
