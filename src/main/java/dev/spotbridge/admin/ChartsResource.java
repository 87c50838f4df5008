package dev.spotbridge.admin;

import dev.spotbridge.json.Json;
import dev.spotbridge.metrics.SyncMetrics;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GET /api/charts[?hours=24]: the overview's charts, per minute over all nodes (docs/runbook.md):
 * each series a list of [epoch second of the minute, value], minutes without a figure left out.
 * Counts are summed over the nodes; gauges (queue depth, back-sync lag, limits) are the highest any
 * node saw; the end-to-end p50 and p99 are read from the nodes' latency buckets together.
 */
@RequestScoped
@Path("charts")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class ChartsResource {

    /** Series of counts: name in the answer → name of the figure. */
    static final Map<String, String> COUNTS = new LinkedHashMap<>();

    /** Series of gauges. */
    static final Map<String, String> GAUGES = new LinkedHashMap<>();

    static {
        COUNTS.put("webhooksIn", "webhooks.in");
        COUNTS.put("changesWritten", "changes.written");
        COUNTS.put("failedTransient", "changes.failed");
        COUNTS.put("failedRejected", "changes.rejected");
        COUNTS.put("deadLettered", "dead.lettered");
        COUNTS.put("pullItemsFailed", "pull.item.failed");
        COUNTS.put("dataverseRequests", "dataverse.requests");
        COUNTS.put("dataverseThrottled", "dataverse.throttled");
        COUNTS.put("spotlerRequests", "spotler.requests");
        COUNTS.put("spotlerThrottled", "spotler.throttled");
        GAUGES.put("queueDepth", "queue.depth");
        GAUGES.put("backsyncLagSeconds", "backsync.lag");
        GAUGES.put("dataverseLimit", "dataverse.limit");
        GAUGES.put("spotlerLimit", "spotler.limit");
    }

    @Inject MinuteStore store;

    @GET
    public JsonObject charts(@QueryParam("hours") @DefaultValue("24") int hours) {
        if (hours < 1 || hours > 168) {
            throw new BadRequestException("hours must be 1 to 168");
        }
        Instant to = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant from = to.minus(Duration.ofHours(hours));
        List<MinuteStore.Figure> figures = store.since(from);
        Map<String, TreeMap<Long, Double>> series = new LinkedHashMap<>();
        Map<Long, long[]> latency = new TreeMap<>();
        for (MinuteStore.Figure f : figures) {
            long t = f.minute().getEpochSecond();
            if (f.name().startsWith("e2e.")) {
                int bucket = Integer.parseInt(f.name().substring(4));
                if (bucket < SyncMetrics.latencyBuckets()) {
                    latency.computeIfAbsent(t, k -> new long[SyncMetrics.latencyBuckets()])[
                                    bucket] +=
                            (long) f.sum();
                }
                continue;
            }
            series.computeIfAbsent(f.name(), k -> new TreeMap<>())
                    .put(t, GAUGES.containsValue(f.name()) ? f.max() : f.sum());
        }
        JsonObjectBuilder out = Json.createObjectBuilder();
        COUNTS.forEach((key, name) -> out.add(key, points(series.get(name))));
        GAUGES.forEach((key, name) -> out.add(key, points(series.get(name))));
        TreeMap<Long, Double> p50 = new TreeMap<>();
        TreeMap<Long, Double> p99 = new TreeMap<>();
        latency.forEach(
                (t, counts) -> {
                    p50.put(t, Math.round(SyncMetrics.quantileMillis(counts, 0.5) * 10) / 10.0);
                    p99.put(t, Math.round(SyncMetrics.quantileMillis(counts, 0.99) * 10) / 10.0);
                });
        out.add("e2eP50Ms", points(p50)).add("e2eP99Ms", points(p99));
        return Json.createObjectBuilder()
                .add("from", from.toString())
                .add("to", to.toString())
                .add("stepSeconds", 60)
                .add("series", out)
                .build();
    }

    private static JsonArrayBuilder points(TreeMap<Long, Double> values) {
        JsonArrayBuilder points = Json.createArrayBuilder();
        if (values != null) {
            values.forEach(
                    (t, v) -> {
                        if (v == Math.rint(v)) {
                            points.add(Json.createArrayBuilder().add(t).add((long) (double) v));
                        } else {
                            points.add(Json.createArrayBuilder().add(t).add(v));
                        }
                    });
        }
        return points;
    }
}
