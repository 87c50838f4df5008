package dev.spotbridge.dataverse;

import jakarta.json.JsonObject;

/**
 * One request of a Dataverse $batch: POST to an entity set (create) or PATCH of a row (update only:
 * If-Match: *).
 *
 * @param target "emails" for a create, "emails(<id>)" for an update
 * @param withoutAsyncSteps sent with MSCRM.BypassBusinessLogicExecution: CustomAsync, so no
 *     asynchronous step (Spotbridge's own webhook among them) runs for it
 */
public record BatchOperation(
        String method, String target, JsonObject body, boolean withoutAsyncSteps) {

    public static BatchOperation create(String entitySet, JsonObject body) {
        return new BatchOperation("POST", entitySet, body, false);
    }

    public static BatchOperation update(String entitySet, String id, JsonObject body) {
        return new BatchOperation("PATCH", entitySet + "(" + id + ")", body, false);
    }

    /** The entity set it writes to: "emails" of "emails(<id>)". */
    public String entitySet() {
        int key = target.indexOf('(');
        return key < 0 ? target : target.substring(0, key);
    }

    /**
     * The same request without its asynchronous steps: for rows that are Spotbridge's own, whose
     * webhook would only echo back what Spotbridge already knows (needs
     * prvBypassCustomBusinessLogic).
     */
    public BatchOperation quietly() {
        return new BatchOperation(method, target, body, true);
    }
}
