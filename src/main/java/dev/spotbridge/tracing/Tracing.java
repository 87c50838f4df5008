package dev.spotbridge.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The spans Spotbridge adds to the ones the server and the REST clients make. */
@ApplicationScoped
public class Tracing {

    /** The message property of a queue message that carries its trace (W3C Trace Context). */
    public static final String TRACEPARENT = "traceparent";

    /** Links from a batch span to the changes after its first: OpenTelemetry keeps 128. */
    static final int MAX_LINKS = 100;

    private static final TextMapGetter<Map<String, String>> GETTER =
            new TextMapGetter<>() {
                @Override
                public Iterable<String> keys(Map<String, String> carrier) {
                    return carrier.keySet();
                }

                @Override
                public String get(Map<String, String> carrier, String key) {
                    return carrier == null ? null : carrier.get(key);
                }
            };

    @Inject Tracer tracer;

    /** The current span's context as a traceparent, or null when nothing is traced. */
    public static String traceparent() {
        return traceparent(Span.current().getSpanContext());
    }

    /** A span context as a W3C traceparent (version 00), or null when it is not valid. */
    public static String traceparent(SpanContext c) {
        return c.isValid()
                ? "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex()
                : null;
    }

    /** The context a traceparent names; the root context without one. */
    public static Context parent(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance()
                .extract(Context.root(), Map.of(TRACEPARENT, traceparent), GETTER);
    }

    /** The trace id of a context, or null when it has none. */
    public static String traceId(Context context) {
        SpanContext c = Span.fromContext(context).getSpanContext();
        return c.isValid() ? c.getTraceId() : null;
    }

    /** The wait of a message on its queue: from when it was queued until now. */
    public void queueWait(Context parent, String queue, long enqueuedAtMillis) {
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return;
        }
        tracer.spanBuilder("queue wait " + queue)
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.destination.name", queue)
                .setStartTimestamp(enqueuedAtMillis, TimeUnit.MILLISECONDS)
                .startSpan()
                .end();
    }

    /**
     * Work done for several changes at once (one Spotler call for a batch): a child of the first
     * change's trace, linked to the others'. Make it current while the work runs, and end it.
     */
    public Span batch(String name, List<Context> parents) {
        SpanBuilder builder =
                tracer.spanBuilder(name)
                        .setParent(parents.isEmpty() ? Context.root() : parents.get(0))
                        .setAttribute("spotbridge.batch.size", parents.size());
        parents.stream()
                .skip(1)
                .map(p -> Span.fromContext(p).getSpanContext())
                .filter(SpanContext::isValid)
                .limit(MAX_LINKS)
                .forEach(builder::addLink);
        return builder.startSpan();
    }

    /** Client spans for the calls of one REST client, registered on it. */
    public ClientSpans clientSpans(String api) {
        return new ClientSpans(tracer, api);
    }

    /** A span of one change's work, in its own trace. */
    public Span child(String name, Context parent) {
        return tracer.spanBuilder(name).setParent(parent).startSpan();
    }
}
