package dev.spotbridge.ingest;

import dev.spotbridge.dataverse.DataverseValues;
import dev.spotbridge.dataverse.RecordRow;
import dev.spotbridge.dataverse.RemoteExecutionContext;
import dev.spotbridge.dataverse.SbPermission;
import dev.spotbridge.dataverse.SyncJobRow;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.ChangeEvent.Operation;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a RemoteExecutionContext into the change event that goes on the queue; says which events
 * are handled.
 */
public final class ChangeEvents {

    public static final Set<String> ENTITIES =
            Set.of("contact", "lead", "account", SbPermission.TABLE, "list", SyncJobRow.TABLE);
    private static final Set<String> PERMISSION_MESSAGES = Set.of("Create", "Update", "Delete");
    private static final Set<String> LIST_MESSAGES =
            Set.of(
                    "Update",
                    "Delete",
                    "SetState",
                    "SetStateDynamicEntity",
                    "AddMember",
                    "AddListMembers",
                    "RemoveMember",
                    "QualifyMemberList",
                    "CopyMembersList");

    /**
     * Messages that change a list's members: one by one, or (QualifyMemberList: Manage Members →
     * remove or evaluate with Advanced Find; CopyMembersList: Copy to another list) many at once.
     */
    private static final Set<String> MEMBER_MESSAGES =
            Set.of(
                    "AddMember",
                    "AddListMembers",
                    "RemoveMember",
                    "QualifyMemberList",
                    "CopyMembersList");

    public static final Set<String> MESSAGES =
            Set.of("Create", "Update", "Delete", "SetState", "SetStateDynamicEntity", "Restore");

    private ChangeEvents() {}

    /** Empty when handled; otherwise why not. */
    public static Optional<String> unhandled(RemoteExecutionContext context) {
        if (!ENTITIES.contains(context.primaryEntityName())) {
            return Optional.of(
                    "entity '"
                            + context.primaryEntityName()
                            + "' is not handled (handled: account, contact, lead, sb_permission, list, sb_syncjob)");
        }
        if (context.primaryEntityId().equals("00000000-0000-0000-0000-000000000000")) {
            return Optional.of(
                    "PrimaryEntityId is empty (a "
                            + context.messageName()
                            + " before the record exists): "
                            + "register the step at PostOperation (stage 40)");
        }
        if ("list".equals(context.primaryEntityName())
                && !LIST_MESSAGES.contains(context.messageName())) {
            return Optional.of(
                    "message '"
                            + context.messageName()
                            + "' on list is not handled (handled: "
                            + LIST_MESSAGES
                            + ")");
        }
        if (SyncJobRow.TABLE.equals(context.primaryEntityName())) {
            return "Create".equals(context.messageName())
                    ? Optional.empty()
                    : Optional.of(
                            "message '"
                                    + context.messageName()
                                    + "' on sb_syncjob is not handled (handled: Create)");
        }
        if ("list".equals(context.primaryEntityName())) {
            return Optional.empty();
        }
        boolean permission = SbPermission.TABLE.equals(context.primaryEntityName());
        if (permission && !PERMISSION_MESSAGES.contains(context.messageName())) {
            return Optional.of(
                    "message '"
                            + context.messageName()
                            + "' on sb_permission is not handled (handled: Create, Update, Delete)");
        }
        if (!MESSAGES.contains(context.messageName())) {
            return Optional.of(
                    "message '"
                            + context.messageName()
                            + "' on "
                            + context.primaryEntityName()
                            + " is not handled (handled: Create, Update, Delete, SetState, SetStateDynamicEntity, Restore)");
        }
        return Optional.empty();
    }

    public static ChangeEvent from(RemoteExecutionContext context) {
        String message = context.messageName();
        String recordId = context.primaryEntityId();
        Map<String, JsonValue> attributes = new LinkedHashMap<>();
        Operation operation;
        Integer state = null;
        boolean complete = false;
        switch (message) {
            case "Create", "Update" -> {
                Optional<Map<String, JsonValue>> image = context.registeredPostImage();
                image.ifPresent(attributes::putAll);
                attributes.putAll(context.targetAttributes());
                complete =
                        !context.inputsStripped()
                                && ("Create".equals(message) || image.isPresent());
                state = new RecordRow(attributes).state();
                operation = Operation.UPSERT;
            }
            case "Delete" -> {
                operation = Operation.DELETE;
                // the pre-image (if registered) still says which record a deleted permission row
                // belonged to
                context.preImages().values().stream().findFirst().ifPresent(attributes::putAll);
            }
            default -> {
                JsonValue moniker = context.inputParameters().get("EntityMoniker");
                if (moniker != null && moniker.getValueType() == JsonValue.ValueType.OBJECT) {
                    JsonValue id = moniker.asJsonObject().get("id");
                    if (id instanceof JsonString s && DataverseValues.guid(s.getString()) != null) {
                        recordId = DataverseValues.guid(s.getString());
                    }
                }
                state = context.intParameter("State").orElse(null);
                // a stripped SetState has no State: read the record's current state instead
                operation = state == null ? Operation.UPSERT : Operation.SET_STATE;
            }
        }
        if (SbPermission.TABLE.equals(context.primaryEntityName())) {
            operation = Operation.PERMISSION;
        } else if (SyncJobRow.TABLE.equals(context.primaryEntityName())) {
            operation = Operation.JOB;
        } else if ("list".equals(context.primaryEntityName())) {
            operation =
                    MEMBER_MESSAGES.contains(message)
                            ? Operation.LIST_MEMBERS
                            : Operation.LIST_CHANGE;
            if (operation == Operation.LIST_MEMBERS) {
                for (String key :
                        List.of(
                                "ListId",
                                "EntityId",
                                "MemberIds",
                                "MembersId",
                                "OverrideorRemove",
                                "SourceListId",
                                "TargetListId")) {
                    JsonValue value = context.inputParameters().get(key);
                    if (value != null) {
                        attributes.put(key, value);
                    }
                }
                // CopyMembersList changes the members of its target list
                if ("CopyMembersList".equals(message)
                        && attributes.get("TargetListId") instanceof JsonString target
                        && DataverseValues.guid(target.getString()) != null) {
                    recordId = DataverseValues.guid(target.getString());
                }
            }
        }
        Instant version =
                new RecordRow(attributes).modifiedOn().orElse(context.operationCreatedOn());
        String key =
                String.join(
                        "|",
                        String.valueOf(context.stepId()),
                        context.operationId(),
                        message,
                        context.primaryEntityName(),
                        recordId);
        return new ChangeEvent(
                key,
                context.primaryEntityName(),
                recordId,
                message,
                operation,
                version,
                state,
                attributes,
                complete,
                context.correlationId(),
                context.operationId());
    }

    private static Integer intValue(JsonValue value) {
        return value instanceof JsonNumber n ? n.intValue() : null;
    }
}
