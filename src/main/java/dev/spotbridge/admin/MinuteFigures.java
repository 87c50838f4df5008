package dev.spotbridge.admin;

import dev.spotbridge.backsync.BacksyncLag;
import dev.spotbridge.metrics.MinuteCounts;
import dev.spotbridge.queue.Queues;
import jakarta.annotation.Resource;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.Queue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every minute, this node's figures of the minutes that ended go to the database (the overview's
 * charts, GET /api/charts): its counts (webhooks in, changes by outcome, dead letters, requests to
 * Dataverse and Spotler, end-to-end latencies per bucket) and the gauges sampled now (sync queue
 * depth, back-sync lag, the request limits). Counts that cannot be written stay and go with the
 * next minute.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MinuteFigures {

    private static final Logger LOG = Logger.getLogger(MinuteFigures.class.getName());

    @Inject MinuteCounts counts;

    @Inject MinuteStore store;

    @Inject BrokerQueues broker;

    @Inject BacksyncLag lag;

    @Resource(lookup = Queues.SYNC)
    Queue sync;

    @Inject
    @ConfigProperty(name = "spotbridge.node-id", defaultValue = "spotbridge-1")
    String node;

    @Inject
    @ConfigProperty(name = "dataverse.max-requests-per-5-minutes", defaultValue = "6000")
    int dataverseLimit;

    @Inject
    @ConfigProperty(name = "spotler.max-requests-per-second", defaultValue = "0")
    double spotlerPerSecond;

    @Schedule(hour = "*", minute = "*", second = "1", persistent = false)
    public void write() {
        long now = System.currentTimeMillis() / 60_000;
        Map<Long, Map<String, Long>> ended = counts.take(now);
        Map<String, Double> gauges = gauges();
        Instant last = Instant.ofEpochSecond((now - 1) * 60);
        try {
            for (Map.Entry<Long, Map<String, Long>> minute : ended.entrySet()) {
                Instant at = Instant.ofEpochSecond(minute.getKey() * 60);
                store.write(at, node, minute.getValue(), at.equals(last) ? gauges : Map.of());
            }
            if (!ended.containsKey(now - 1)) {
                store.write(last, node, Map.of(), gauges);
            }
        } catch (RuntimeException e) {
            // the database is away: the counts wait here for the next minute
            counts.putBack(ended);
            LOG.warning(
                    "the minute's figures could not be written, kept for the next minute: " + e);
        }
    }

    private Map<String, Double> gauges() {
        Map<String, Double> gauges = new LinkedHashMap<>();
        try {
            gauges.put("queue.depth", broker.depth(sync).getJsonNumber("messages").doubleValue());
        } catch (RuntimeException e) {
            LOG.fine(() -> "no sync queue depth this minute: " + e);
        }
        lag.maxSeconds().ifPresent(s -> gauges.put("backsync.lag", s));
        gauges.put("dataverse.limit", dataverseLimit / 5.0);
        if (spotlerPerSecond > 0) {
            gauges.put("spotler.limit", spotlerPerSecond * 60);
        }
        return gauges;
    }
}
