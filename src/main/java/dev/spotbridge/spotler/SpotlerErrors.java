package dev.spotbridge.spotler;

import dev.spotbridge.http.RetryAfter;
import dev.spotbridge.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.time.Duration;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * The one place Spotler's error answers become exceptions, for every client of the gateway: 429 and
 * 5xx are {@link SpotlerUnavailableException} (worth retrying; a 429 whose Retry-After is longer
 * than a call may wait is {@link SpotlerThrottledException}, and a shorter one is waited out here,
 * on the calling thread, before the gateway's retry), 404 is {@link SpotlerNotFoundException}, any
 * other 4xx {@link SpotlerRejectedException} with Spotler's ErrorResponse (errorType, message).
 */
class SpotlerErrors implements ResponseExceptionMapper<RuntimeException> {

    private final long maxRetryAfterSeconds;

    SpotlerErrors(long maxRetryAfterSeconds) {
        this.maxRetryAfterSeconds = maxRetryAfterSeconds;
    }

    @Override
    public boolean handles(int status, MultivaluedMap<String, Object> headers) {
        return status >= 400;
    }

    @Override
    public RuntimeException toThrowable(Response response) {
        int status = response.getStatus();
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        if (status == 429) {
            Duration wait = RetryAfter.parse(response.getHeaderString("Retry-After"));
            String message = "429 Too Many Requests (Retry-After " + wait.toSeconds() + " s)";
            if (wait.toSeconds() > maxRetryAfterSeconds) {
                // longer than a call may wait: the work goes back on its queue for that long
                return new SpotlerThrottledException(message, wait);
            }
            RetryAfter.sleep(wait);
            return SpotlerUnavailableException.answered(message);
        }
        JsonObject error = errorObject(body);
        String message = status + " " + describe(error, body);
        if (status >= 500) {
            return SpotlerUnavailableException.answered(message);
        }
        String errorType = error.getString("errorType", "");
        return status == 404
                ? new SpotlerNotFoundException(errorType, message, error)
                : new SpotlerRejectedException(status, errorType, message, error);
    }

    private static JsonObject errorObject(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            JsonValue value = reader.readValue();
            return value.getValueType() == JsonValue.ValueType.OBJECT
                    ? value.asJsonObject()
                    : JsonValue.EMPTY_JSON_OBJECT;
        } catch (RuntimeException e) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
    }

    /** "INVALID_PROPERTY: Email is invalid", else the start of the body as it came. */
    private static String describe(JsonObject error, String body) {
        if (error.containsKey("message")) {
            String type = error.getString("errorType", "");
            return (type.isEmpty() ? "" : type + ": ") + error.getString("message", "");
        }
        return body.length() > 300 ? body.substring(0, 300) : body;
    }
}
