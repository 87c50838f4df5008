package dev.spotbridge.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The spans of the latest traces on this node, in memory, so that the admin page shows a change's
 * trace without a tracing system: the last spotbridge.tracing.recent-traces traces (100; 0 keeps
 * none), at most {@link #MAX_SPANS} spans each. Few, on purpose: under load a trace is replaced
 * within a second, so what is kept dies young and costs the collector nothing; in a quiet org,
 * where an operator follows one record, the last hundred changes stay. Only names, times, outcome
 * and a few attributes without values of a record are kept: no URL query, no body.
 */
public final class RecentSpans {

    static final int MAX_SPANS = 100;

    /** The attributes kept: the call, its status, Spotbridge's own. */
    private static final List<AttributeKey<String>> TEXTS =
            List.of(
                    AttributeKey.stringKey("http.request.method"),
                    AttributeKey.stringKey("http.route"),
                    AttributeKey.stringKey("server.address"),
                    AttributeKey.stringKey("url.path"),
                    AttributeKey.stringKey("messaging.destination.name"),
                    AttributeKey.stringKey("spotbridge.outcome"));

    private static final List<AttributeKey<Long>> NUMBERS =
            List.of(
                    AttributeKey.longKey("http.response.status_code"),
                    AttributeKey.longKey("spotbridge.batch.size"));

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

    private static volatile int capacity = 100;

    private static final LinkedHashMap<String, List<Item>> TRACES =
            new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, List<Item>> eldest) {
                    return size() > capacity;
                }
            };

    private RecentSpans() {}

    /** How many traces are kept (spotbridge.tracing.recent-traces); 0 keeps none. */
    static void capacity(int traces) {
        capacity = Math.max(0, traces);
    }

    static boolean keeping() {
        return capacity > 0;
    }

    static void add(SpanData span) {
        Attributes all = span.getAttributes();
        Map<String, String> attributes = new LinkedHashMap<>(8);
        for (AttributeKey<String> key : TEXTS) {
            String value = all.get(key);
            if (value != null) {
                attributes.put(key.getKey(), value);
            }
        }
        for (AttributeKey<Long> key : NUMBERS) {
            Long value = all.get(key);
            if (value != null) {
                attributes.put(key.getKey(), value.toString());
            }
        }
        List<String> links =
                span.getLinks().isEmpty()
                        ? List.of()
                        : span.getLinks().stream()
                                .map(l -> l.getSpanContext().getTraceId())
                                .toList();
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
            List<Item> spans = TRACES.computeIfAbsent(span.getTraceId(), k -> new ArrayList<>(8));
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
