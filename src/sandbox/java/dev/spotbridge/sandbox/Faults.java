package dev.spotbridge.sandbox;

import jakarta.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault switch of a sandbox: after letting {@code after} matching requests through, the next
 * {@code count} matching requests answer {@code status} (with Retry-After when set) after {@code
 * delayMs}; status 0 with a delay only slows requests down (for timeouts). With {@code afterEffect}
 * (Spotler sandbox) the request is carried out first and only its answer is the fault: a write
 * whose answer was lost, as when a connection breaks after the server acted. Besides the switch, a
 * latency every request waits (0 unless set).
 */
final class Faults {

    private volatile Fault current;

    /**
     * Every request's answer waits this long, as a service reached over the internet answers
     * (default: the system property sandbox.latency-ms, else 0).
     */
    private volatile long latencyMs = Long.getLong("sandbox.latency-ms", 0L);

    void latency(long ms) {
        latencyMs = Math.max(0, ms);
    }

    long latency() {
        return latencyMs;
    }

    record Fault(
            int status,
            AtomicInteger passing,
            AtomicInteger remaining,
            Integer retryAfter,
            long delayMs,
            String method,
            String pathContains,
            boolean afterEffect) {}

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
                        spec.getString("path", null),
                        spec.getBoolean("afterEffect", false));
    }

    void clear() {
        current = null;
    }

    /** The fault this request meets, after its delay; null when it goes through. */
    Fault meet(String method, String path) {
        if (latencyMs > 0) {
            sleep(latencyMs);
        }
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
            sleep(fault.delayMs());
        }
        return fault.status() == 0 ? null : fault;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
