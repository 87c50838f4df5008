package dev.spotbridge.queue;

import java.util.function.Supplier;
import org.jboss.logging.MDC;

/**
 * The Dataverse ids of a change (CorrelationId, OperationId) and its record in the log context
 * while its work runs, so every log line of that work names them.
 */
public final class LogContext {

    private LogContext() {}

    public static <T> T of(ChangeEvent event, Supplier<T> work) {
        MDC.put("correlationId", String.valueOf(event.correlationId()));
        MDC.put("operationId", String.valueOf(event.operationId()));
        MDC.put("record", event.group());
        String traceId = dev.spotbridge.tracing.ChangeTraces.traceId(event.key());
        if (traceId != null) {
            MDC.put("traceId", traceId);
        }
        try {
            return work.get();
        } finally {
            MDC.remove("correlationId");
            MDC.remove("operationId");
            MDC.remove("record");
            MDC.remove("traceId");
        }
    }
}
