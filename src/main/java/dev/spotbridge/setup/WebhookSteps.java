package dev.spotbridge.setup;

import dev.spotbridge.mapping.Mapping;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The webhook steps Spotbridge needs, derived from the mapping in force: every step asynchronous,
 * post-operation, on the Spotbridge endpoint. Filtering attributes and images of contact, lead and
 * account hold the mapped columns and the ones the sync decides on, never the columns Spotbridge
 * writes back (so its own write-back raises no webhook).
 */
public final class WebhookSteps {

    /** Columns Spotbridge writes on the records it syncs: never a reason to sync again. */
    public static final Set<String> WRITTEN_BACK =
            Set.of("sb_syncstatus", "sb_lastsyncedon", "sb_lastsyncerror");

    /** The columns the sync decides on, besides the mapped ones. */
    static final List<String> DECISIVE = List.of("statecode", "donotbulkemail", "sb_syncenabled");

    static final String PERMISSION_COLUMNS =
            "sb_bit,sb_name,sb_subscribed,sb_contactid,sb_leadid,sb_accountid";

    /** An image of a step: 0 pre-image, 1 post-image. */
    public record ImageSpec(String alias, int type, String attributes, String messageProperty) {}

    /**
     * A step: its name (the natural key), message, table, filtering attributes (null: any change)
     * and images.
     *
     * @param optional Spotbridge can do without it where the org offers no such message for the
     *     table
     */
    public record StepSpec(
            String name,
            String message,
            String table,
            String filteringAttributes,
            List<ImageSpec> images,
            boolean optional) {}

    private WebhookSteps() {}

    public static List<StepSpec> desired(Mapping mapping) {
        List<StepSpec> steps = new ArrayList<>();
        for (String table : List.of("contact", "lead", "account")) {
            if (!mapping.maps(table)) {
                continue;
            }
            Set<String> columns = new LinkedHashSet<>(mapping.columns(table));
            columns.addAll(DECISIVE);
            columns.removeAll(WRITTEN_BACK);
            String filtering = String.join(",", columns);
            Set<String> image = new LinkedHashSet<>(columns);
            image.add("modifiedon");
            steps.add(step("Create", table, null));
            steps.add(
                    step(
                            "Update",
                            table,
                            filtering,
                            new ImageSpec("PostImage", 1, String.join(",", image), "Target")));
            steps.add(step("Delete", table, null));
            // a record restored from the recycle bin, where the org offers the message
            steps.add(optional(step("Restore", table, null)));
        }
        steps.add(
                step(
                        "Create",
                        "sb_permission",
                        null,
                        new ImageSpec("PostImage", 1, PERMISSION_COLUMNS, "Target")));
        steps.add(
                step(
                        "Update",
                        "sb_permission",
                        "sb_subscribed,sb_bit,sb_name",
                        new ImageSpec("PostImage", 1, PERMISSION_COLUMNS, "Target")));
        steps.add(
                step(
                        "Delete",
                        "sb_permission",
                        null,
                        new ImageSpec("PreImage", 0, PERMISSION_COLUMNS, "Target")));
        steps.add(step("Update", "list", "listname,query,statecode"));
        steps.add(step("Delete", "list", null));
        steps.add(step("AddMember", "list", null));
        steps.add(step("AddListMembers", "list", null));
        steps.add(step("RemoveMember", "list", null));
        // Manage Members (remove or evaluate with Advanced Find) and Copy to another list: where
        // an org cannot register a step on them, setup says so and the next Sync to Spotler
        // brings the members over
        steps.add(optional(step("QualifyMemberList", "list", null)));
        steps.add(optional(step("CopyMembersList", "list", null)));
        steps.add(step("Create", "sb_syncjob", null));
        return steps;
    }

    private static StepSpec step(
            String message, String table, String filtering, ImageSpec... images) {
        return new StepSpec(
                "Spotbridge: " + message + " of " + table,
                message,
                table,
                filtering,
                List.of(images),
                false);
    }

    private static StepSpec optional(StepSpec step) {
        return new StepSpec(
                step.name(),
                step.message(),
                step.table(),
                step.filteringAttributes(),
                step.images(),
                true);
    }
}
