package dev.spotbridge.spotler;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/** Spotler refused the request for good (4xx such as "Email is invalid"): retrying cannot help. */
public class SpotlerRejectedException extends RuntimeException {

    private final int status;
    private final String errorType;
    private final JsonObject body;

    public SpotlerRejectedException(int status, String errorType, String message) {
        this(status, errorType, message, JsonValue.EMPTY_JSON_OBJECT);
    }

    SpotlerRejectedException(int status, String errorType, String message, JsonObject body) {
        super(message);
        this.status = status;
        this.errorType = errorType;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    /** Spotler's answer (ErrorResponse, or a result model some calls answer errors with). */
    JsonObject body() {
        return body;
    }

    /** The same refusal, its message naming the call. */
    SpotlerRejectedException in(String call) {
        return new SpotlerRejectedException(status, errorType, call + ": " + getMessage(), body);
    }
}
