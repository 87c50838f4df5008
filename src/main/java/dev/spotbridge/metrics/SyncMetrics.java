package dev.spotbridge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The meters the features record into. Names follow Prometheus conventions once exported
 * (spotbridge_webhooks_received_total, ...); docs/runbook.md lists them. Labels are small closed
 * sets (reasons, outcomes, status codes): never a record id, an email address or anything else
 * personal.
 *
 * <p>Only the registry's name-and-tags methods are used: WildFly's deployment registry forwards
 * those to the server's Prometheus registry, while meters built with Counter.builder(..).register
 * stay in the deployment and are never exported. The latency histogram is therefore kept as
 * cumulative counters with an le label (spotbridge_end_to_end_buckets_total, le in seconds;
 * Prometheus reserves the _bucket suffix), which histogram_quantile() reads like any Prometheus
 * histogram, next to a timer for count, sum and max.
 */
@ApplicationScoped
public class SyncMetrics {

    /** Upper bounds of the end-to-end latency buckets, in seconds. */
    static final double[] LATENCY_BUCKETS = {
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60, 300,
        900, 3600
    };

    @Inject MeterRegistry registry;

    @Inject MinuteCounts minutes;

    private final List<Supplier<Number>> gauges = new CopyOnWriteArrayList<>();

    /**
     * Meters once looked up: WildFly's deployment registry finds a meter by scanning every meter of
     * the server, too slow for each of thousands of changes a second.
     */
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

    private volatile Timer endToEndTimer;

    private Counter counter(String name, String... tags) {
        List<String> key = new ArrayList<>(tags.length + 1);
        key.add(name);
        key.addAll(List.of(tags));
        return counters.computeIfAbsent(key, k -> registry.counter(name, Tags.of(tags)));
    }

    public void webhookReceived() {
        counter("spotbridge.webhooks.received").increment();
        minutes.add("webhooks.in", 1);
    }

    /** A refused webhook: reason is the error code of the answer (unauthorized, too_large, ...). */
    public void webhookRejected(int status, String reason) {
        counter(
                        "spotbridge.webhooks.rejected",
                        "status",
                        Integer.toString(status),
                        "reason",
                        reason)
                .increment();
    }

    public void webhookEnqueued(String entity) {
        counter("spotbridge.webhooks.enqueued", "entity", entity).increment();
    }

    /** One processing attempt of a queued change: written, no_change, skipped, rejected, failed. */
    public void processed(String outcome) {
        counter("spotbridge.changes.processed", "outcome", outcome).increment();
        minutes.add("changes." + outcome, 1);
    }

    /** A change moved to the dead-letter queue: refused, or attempts_exhausted. */
    public void deadLettered(String why) {
        counter("spotbridge.dead.lettered", "why", why).increment();
        minutes.add("dead.lettered", 1);
    }

    /** An item of a back-sync feed that could not be applied and was skipped. */
    public void pullItemFailed(String feed) {
        counter("spotbridge.pull.item.failures", "feed", feed).increment();
        minutes.add("pull.item.failed", 1);
    }

    /** An outbound HTTP call; status is the HTTP status, or "unreachable" when none came back. */
    public void outboundCall(String api, String status) {
        counter("spotbridge.outbound.calls", "api", api, "status", status).increment();
        minutes.add(api + ".requests", 1);
        if ("429".equals(status)) {
            minutes.add(api + ".throttled", 1);
        }
    }

    /** Time from the event's enqueueing (its JMS timestamp) to the end of its Spotler write. */
    public void endToEnd(long enqueuedAtMillis) {
        if (enqueuedAtMillis <= 0) {
            return;
        }
        long elapsedMillis = Math.max(0, System.currentTimeMillis() - enqueuedAtMillis);
        double seconds = elapsedMillis / 1000.0;
        minutes.add("e2e." + bucketOf(seconds), 1);
        for (double bound : LATENCY_BUCKETS) {
            if (seconds <= bound) {
                bucket(label(bound));
            }
        }
        bucket("+Inf");
        // the count last: a scrape that sees it counted sees the buckets too
        Timer timer = endToEndTimer;
        if (timer == null) {
            timer = registry.timer("spotbridge.end.to.end", Tags.empty());
            endToEndTimer = timer;
        }
        timer.record(Duration.ofMillis(elapsedMillis));
    }

    /** The index of the smallest bucket a latency fits in; LATENCY_BUCKETS.length for +Inf. */
    static int bucketOf(double seconds) {
        for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
            if (seconds <= LATENCY_BUCKETS[i]) {
                return i;
            }
        }
        return LATENCY_BUCKETS.length;
    }

    /**
     * The q-quantile in milliseconds of latencies counted per bucket (counts[i] of bucket i, the
     * last +Inf), interpolated within its bucket; NaN without a count.
     */
    public static double quantileMillis(long[] counts, double q) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0 && below + counts[i] >= rank) {
                double lower = i == 0 ? 0 : LATENCY_BUCKETS[i - 1];
                double upper = i < LATENCY_BUCKETS.length ? LATENCY_BUCKETS[i] : lower;
                double within = (rank - below) / counts[i];
                return (lower + (upper - lower) * within) * 1000;
            }
            below += counts[i];
        }
        return LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1] * 1000;
    }

    /** How many latency buckets the minute counts have (the last is +Inf). */
    public static int latencyBuckets() {
        return LATENCY_BUCKETS.length + 1;
    }

    private void bucket(String le) {
        counter("spotbridge.end.to.end.buckets", "le", le).increment();
    }

    private static String label(double bound) {
        return bound == Math.rint(bound)
                ? Long.toString((long) bound) + ".0"
                : Double.toString(bound);
    }

    /** A value read when scraped; the supplier must be cheap and must not throw. */
    public void gauge(String name, String tag, String tagValue, Supplier<Number> value) {
        // Micrometer holds a gauge's object weakly: keep it here for the deployment's life
        gauges.add(value);
        registry.gauge(name, Tags.of(tag, tagValue), value, v -> v.get().doubleValue());
    }

    /**
     * The circuit-breaker state of each guarded method of a gateway class, from the fault-tolerance
     * meters (ft.circuitbreaker.state.current is 1 for the current state): method → closed, open or
     * halfOpen. Methods whose breaker has not been used yet are absent.
     */
    public Map<String, String> circuitStates(Class<?> gateway) {
        Map<String, String> states = new TreeMap<>();
        String prefix = gateway.getName() + ".";
        for (Gauge gauge : registry.find("ft.circuitbreaker.state.current").gauges()) {
            String method = gauge.getId().getTag("method");
            String state = gauge.getId().getTag("state");
            if (method != null
                    && method.startsWith(prefix)
                    && state != null
                    && gauge.value() >= 1) {
                // a server that redeployed Spotbridge can still hold the gauges of the deployment
                // before: the worst state a call's gauges report is the one that counts
                states.merge(method.substring(prefix.length()), state, SyncMetrics::worse);
            }
        }
        return states;
    }

    private static String worse(String a, String b) {
        return "open".equals(a) || "open".equals(b)
                ? "open"
                : "halfOpen".equals(a) || "halfOpen".equals(b) ? "halfOpen" : a;
    }

    /**
     * A gateway's breakers together: open when any guarded call's breaker is open, else halfOpen
     * when any is, else closed (also before the first call).
     */
    public static String overall(Map<String, String> states) {
        return states.containsValue("open")
                ? "open"
                : states.containsValue("halfOpen") ? "halfOpen" : "closed";
    }
}
