package dev.spotbridge.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trace of each change while a consumer works on it, by event key: what the history entries,
 * the log lines and the decision spans of that change belong to, though the batch that carries it
 * is the current span.
 */
public final class ChangeTraces {

    private static final Map<String, Context> BY_EVENT = new ConcurrentHashMap<>();

    private ChangeTraces() {}

    public static void bind(String eventKey, Context context) {
        if (eventKey != null && Tracing.traceId(context) != null) {
            BY_EVENT.put(eventKey, context);
        }
    }

    public static void unbind(String eventKey) {
        if (eventKey != null) {
            BY_EVENT.remove(eventKey);
        }
    }

    /** The change's context, or the current one. */
    public static Context context(String eventKey) {
        Context bound = eventKey == null ? null : BY_EVENT.get(eventKey);
        return bound != null ? bound : Context.current();
    }

    /** The change's trace id, or the current span's; null when nothing is traced. */
    public static String traceId(String eventKey) {
        Context bound = eventKey == null ? null : BY_EVENT.get(eventKey);
        if (bound != null) {
            return Tracing.traceId(bound);
        }
        var current = Span.current().getSpanContext();
        return current.isValid() ? current.getTraceId() : null;
    }
}
