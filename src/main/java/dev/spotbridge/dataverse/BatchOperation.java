package dev.spotbridge.dataverse;

import jakarta.json.JsonObject;

/**
 * One request of a Dataverse $batch: POST to an entity set (create) or PATCH of a row (update only:
 * If-Match: *).
 *
 * @param target "emails" for a create, "emails(<id>)" for an update
 */
public record BatchOperation(String method, String target, JsonObject body) {

    public static BatchOperation create(String entitySet, JsonObject body) {
        return new BatchOperation("POST", entitySet, body);
    }

    public static BatchOperation update(String entitySet, String id, JsonObject body) {
        return new BatchOperation("PATCH", entitySet + "(" + id + ")", body);
    }
}
