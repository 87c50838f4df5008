package dev.spotbridge.sync;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.mapping.ActiveMapping;
import dev.spotbridge.spotler.PermissionBits;
import dev.spotbridge.spotler.SpotlerContact;
import dev.spotbridge.spotler.SpotlerGateway;
import dev.spotbridge.spotler.SpotlerRejectedException;
import dev.spotbridge.sync.ChangeEvent.Operation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies one change event to Spotler, at most once in effect, inside the consumer's transaction:
 * the idempotency ledger, the record's state and its history commit together with the message
 * acknowledgement. A transient failure propagates (the transaction rolls back, the broker
 * redelivers); a permanent Spotler refusal is recorded as Failed and reported as {@link
 * Result#REJECTED} so the consumer dead-letters the message.
 */
@ApplicationScoped
@Transactional
public class ContactSync {

    /** What became of an event. */
    public enum Result {
        WRITTEN,
        NO_CHANGE,
        SKIPPED,
        REJECTED
    }

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject SpotlerGateway spotler;

    @Inject PermissionBits permissionBits;

    @Inject DataverseGateway dataverse;

    @Inject ActiveMapping mapping;

    /** The outcome and the history line of one attempt. */
    private record Step(Result result, String detail) {}

    public Result apply(ChangeEvent event) {
        SyncRecord record =
                em.find(SyncRecord.class, SyncRecord.key(event.entity(), event.recordId()));
        if (record == null) {
            record = new SyncRecord(event.entity(), event.recordId());
            em.persist(record);
        }
        Step step;
        if (em.find(ProcessedEvent.class, event.key()) != null) {
            step =
                    new Step(
                            Result.SKIPPED,
                            "duplicate delivery of an event already applied; no second effect");
        } else {
            try {
                step = decide(event, record);
            } catch (SpotlerRejectedException e) {
                record.failed("Spotler rejected the change: " + e.getMessage(), true);
                history(
                        record,
                        event,
                        "Failed",
                        "Spotler rejected the change, not retried: "
                                + e.getMessage()
                                + "; the message is in the dead-letter queue");
                return Result.REJECTED;
            }
            em.persist(new ProcessedEvent(event.key()));
        }
        if (step.result() == Result.WRITTEN || step.result() == Result.NO_CHANGE) {
            record.succeeded();
        }
        history(
                record,
                event,
                switch (step.result()) {
                    case WRITTEN -> "Succeeded";
                    case NO_CHANGE -> "NoChange";
                    default -> "Skipped";
                },
                step.detail());
        return step.result();
    }

    private Step decide(ChangeEvent event, SyncRecord record) {
        if (record.deleted()) {
            return new Step(
                    Result.SKIPPED,
                    "the record was deleted in D365; a late or repeated event never brings it back");
        }
        // an event that only triggers a read of the current record is checked against the version
        // it reads instead
        boolean readsCurrent = event.operation() == Operation.UPSERT && !event.complete();
        if (event.operation() != Operation.DELETE
                && !readsCurrent
                && event.version() != null
                && record.appliedVersion() != null
                && event.version().isBefore(record.appliedVersion())) {
            return new Step(
                    Result.SKIPPED,
                    "older ("
                            + event.version()
                            + ") than the change already applied ("
                            + record.appliedVersion()
                            + ")");
        }
        return switch (event.operation()) {
            case DELETE -> {
                Step step = blank(record, "deleted in D365");
                record.tombstone();
                record.applied(event.version());
                yield step;
            }
            case SET_STATE ->
                    event.state() != null && event.state() == 0
                            ? fromDataverse(event, record)
                            : applied(
                                    record,
                                    event.version(),
                                    blank(
                                            record,
                                            "deactivated in D365 (statecode "
                                                    + event.state()
                                                    + ")"));
            case UPSERT ->
                    event.complete()
                            ? sync(record, event.attributes(), event.version(), false)
                            : fromDataverse(event, record);
        };
    }

    /**
     * Reads the current record (the event carried only changed columns, or none) and syncs that.
     */
    private Step fromDataverse(ChangeEvent event, SyncRecord record) {
        Optional<Map<String, JsonValue>> current = current(record);
        if (current.isEmpty()) {
            return new Step(
                    Result.SKIPPED, "no longer in Dataverse; its Delete event blanks the contact");
        }
        Instant version =
                Optional.ofNullable(current.get().get("modifiedon"))
                        .filter(v -> v instanceof JsonString)
                        .map(
                                v ->
                                        dev.spotbridge.dataverse.DataverseValues.instant(
                                                ((JsonString) v).getString()))
                        .orElse(event.version());
        if (version != null
                && record.appliedVersion() != null
                && version.isBefore(record.appliedVersion())) {
            return new Step(
                    Result.SKIPPED,
                    "Dataverse holds an older version than the change already applied");
        }
        return sync(record, current.get(), version, true);
    }

    private Step sync(
            SyncRecord record, Map<String, JsonValue> columns, Instant version, boolean fresh) {
        Integer state = columns.get("statecode") instanceof JsonNumber n ? n.intValue() : null;
        boolean active = state == null ? !record.blanked() : state == 0;
        Step step;
        if (!active) {
            step = blank(record, "inactive in D365 (statecode " + state + ")");
        } else if (record.blanked()) {
            step = restore(record, columns, fresh);
        } else {
            step = upsert(record, columns);
        }
        record.applied(version);
        return step;
    }

    private Step upsert(SyncRecord record, Map<String, JsonValue> columns) {
        Map<String, JsonValue> mapped = mapping.get().apply(record.entity(), columns);
        Map<String, JsonValue> before = record.writtenProperties();
        Map<String, JsonValue> after = new LinkedHashMap<>(before);
        Map<String, JsonValue> request = new LinkedHashMap<>();
        Set<String> changed = new LinkedHashSet<>();
        mapped.forEach(
                (property, value) -> {
                    JsonValue previous = before.get(property);
                    if (value.getValueType() == JsonValue.ValueType.NULL) {
                        if (previous != null) {
                            request.put(property, JsonValue.NULL);
                            after.remove(property);
                            changed.add(property);
                        }
                    } else {
                        request.put(property, value);
                        after.put(property, value);
                        if (!value.equals(previous)) {
                            changed.add(property);
                        }
                    }
                });
        if (changed.isEmpty() && record.inSpotler()) {
            return new Step(Result.NO_CHANGE, "mapped values unchanged; no Spotler write");
        }
        boolean created = !record.inSpotler();
        spotler.upsert(record.recordId(), request, Map.of(), created);
        record.written(after);
        return new Step(
                Result.WRITTEN,
                (created ? "created in Spotler" : "updated in Spotler")
                        + "; changed: "
                        + String.join(", ", changed));
    }

    /**
     * Reactivation: the contact was blanked, so everything is written again, from the record as
     * Dataverse holds it now.
     */
    private Step restore(SyncRecord record, Map<String, JsonValue> eventColumns, boolean fresh) {
        Map<String, JsonValue> columns =
                fresh ? eventColumns : current(record).orElse(eventColumns);
        Map<String, JsonValue> mapped = mapping.get().apply(record.entity(), columns);
        Map<String, JsonValue> request = new LinkedHashMap<>();
        mapped.forEach(
                (property, value) -> {
                    if (value.getValueType() != JsonValue.ValueType.NULL) {
                        request.put(property, value);
                    }
                });
        Map<Long, Boolean> permissions = record.savedPermissions();
        spotler.upsert(record.recordId(), request, permissions, !record.inSpotler());
        record.written(request);
        record.restored();
        return new Step(
                Result.WRITTEN,
                "reactivated in D365: data restored ("
                        + String.join(", ", request.keySet())
                        + ") and "
                        + permissions.values().stream().filter(b -> b).count()
                        + " permission(s) restored");
    }

    private Step blank(SyncRecord record, String why) {
        if (record.blanked()) {
            return new Step(Result.NO_CHANGE, why + "; the Spotler contact is already blank");
        }
        Optional<SpotlerContact> current = spotler.find(record.recordId());
        if (current.isEmpty()) {
            record.blanked(Map.of());
            return new Step(
                    Result.NO_CHANGE, why + "; Spotler has no such contact, nothing to blank");
        }
        Set<Long> bits = new LinkedHashSet<>(permissionBits.all());
        bits.addAll(current.get().permissions().keySet());
        spotler.blank(record.recordId(), List.copyOf(bits));
        record.blanked(current.get().permissions());
        return new Step(
                Result.WRITTEN,
                why
                        + "; Spotler contact blanked: personal data purged, "
                        + bits.size()
                        + " permission bit(s) off");
    }

    /**
     * The record's mapped columns, statecode and modifiedon as Dataverse holds them now; empty when
     * it is gone.
     */
    private Optional<Map<String, JsonValue>> current(SyncRecord record) {
        List<String> columns = new ArrayList<>(mapping.get().columns(record.entity()));
        columns.add("statecode");
        columns.add("modifiedon");
        return dataverse.record(record.entity(), record.recordId(), columns);
    }

    private static Step applied(SyncRecord record, Instant version, Step step) {
        record.applied(version);
        return step;
    }

    private void history(SyncRecord record, ChangeEvent event, String outcome, String detail) {
        em.persist(
                new SyncHistoryEntry(record.key(), event.message(), outcome, detail, event.key()));
    }
}
