package dev.spotbridge.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The spans of the latest traces on this node, in memory (the last {@link #MAX_TRACES} traces, at
 * most {@link #MAX_SPANS} spans each), so that the admin page shows a change's trace without a
 * tracing system. Only names, times, outcome and a few attributes without values of a record are
 * kept: no URL query, no body.
 */
public final class RecentSpans {

    static final int MAX_TRACES = 2000;
    static final int MAX_SPANS = 200;

    /** The attributes kept: the call, its status, Spotbridge's own. */
    static final List<String> KEPT =
            List.of(
                    "http.request.method",
                    "http.response.status_code",
                    "http.route",
                    "server.address",
                    "url.path",
                    "messaging.destination.name",
                    "spotbridge.batch.size",
                    "spotbridge.outcome",
                    "spotbridge.record");

    /** One span as the admin page shows it. */
    public record Item(
            String traceId,
            String spanId,
            String parentSpanId,
            String name,
            String kind,
            Instant start,
            double millis,
            String status,
            Map<String, String> attributes,
            List<String> links) {}

    private static final LinkedHashMap<String, List<Item>> TRACES =
            new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, List<Item>> eldest) {
                    return size() > MAX_TRACES;
                }
            };

    private RecentSpans() {}

    static void add(SpanData span) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String key : KEPT) {
            Object value = span.getAttributes().get(AttributeKey.stringKey(key));
            if (value == null) {
                value = span.getAttributes().get(AttributeKey.longKey(key));
            }
            if (value != null) {
                attributes.put(key, value.toString());
            }
        }
        List<String> links = new ArrayList<>();
        span.getLinks().forEach(l -> links.add(l.getSpanContext().getTraceId()));
        Item item =
                new Item(
                        span.getTraceId(),
                        span.getSpanId(),
                        span.getParentSpanContext().isValid() ? span.getParentSpanId() : null,
                        span.getName(),
                        span.getKind().name(),
                        Instant.ofEpochSecond(0, span.getStartEpochNanos()),
                        (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6,
                        span.getStatus().getStatusCode().name(),
                        attributes,
                        links);
        synchronized (TRACES) {
            List<Item> spans = TRACES.computeIfAbsent(span.getTraceId(), k -> new ArrayList<>());
            if (spans.size() < MAX_SPANS) {
                spans.add(item);
            }
        }
    }

    /** The spans of a trace this node saw, oldest first. */
    public static Optional<List<Item>> of(String traceId) {
        synchronized (TRACES) {
            List<Item> spans = TRACES.get(traceId);
            if (spans == null) {
                return Optional.empty();
            }
            List<Item> copy = new ArrayList<>(spans);
            copy.sort(java.util.Comparator.comparing(Item::start));
            return Optional.of(copy);
        }
    }
}
