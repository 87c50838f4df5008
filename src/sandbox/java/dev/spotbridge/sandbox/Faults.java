package dev.spotbridge.sandbox;

import jakarta.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault switch of a sandbox: after letting {@code after} matching requests through, the next
 * {@code count} matching requests answer {@code status} (with Retry-After when set) after {@code
 * delayMs}; status 0 with a delay only slows requests down (for timeouts).
 */
final class Faults {

    private volatile Fault current;

    record Fault(
            int status,
            AtomicInteger passing,
            AtomicInteger remaining,
            Integer retryAfter,
            long delayMs,
            String method,
            String pathContains) {}

    void set(JsonObject spec) {
        current =
                new Fault(
                        spec.getInt("status", 503),
                        new AtomicInteger(spec.getInt("after", 0)),
                        new AtomicInteger(spec.getInt("count", 1)),
                        spec.containsKey("retryAfter") ? spec.getInt("retryAfter") : null,
                        spec.getJsonNumber("delayMs") == null
                                ? 0
                                : spec.getJsonNumber("delayMs").longValue(),
                        spec.getString("method", null),
                        spec.getString("path", null));
    }

    void clear() {
        current = null;
    }

    /** The fault this request meets, after its delay; null when it goes through. */
    Fault meet(String method, String path) {
        Fault fault = current;
        if (fault == null
                || (fault.method() != null && !fault.method().equalsIgnoreCase(method))
                || (fault.pathContains() != null && !path.contains(fault.pathContains()))) {
            return null;
        }
        if (fault.passing().getAndDecrement() > 0) {
            return null;
        }
        if (fault.remaining().getAndDecrement() <= 0) {
            return null;
        }
        if (fault.delayMs() > 0) {
            try {
                Thread.sleep(fault.delayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return fault.status() == 0 ? null : fault;
    }
}
