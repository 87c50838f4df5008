package dev.spotbridge.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This node's counts per minute since they were last written ({@link MetricMinutes} writes each
 * ended minute to the database): what the overview's charts read, next to the Prometheus meters
 * that count the same events.
 */
@ApplicationScoped
public class MinuteCounts {

    /** epoch minute → name → count. */
    private final ConcurrentSkipListMap<Long, Map<String, LongAdder>> minutes =
            new ConcurrentSkipListMap<>();

    public void add(String name, long n) {
        long minute = System.currentTimeMillis() / 60_000;
        minutes.computeIfAbsent(minute, m -> new ConcurrentHashMap<>())
                .computeIfAbsent(name, k -> new LongAdder())
                .add(n);
    }

    /**
     * The counts of the minutes before {@code beforeMinute} (epoch minutes), taken away from here:
     * minute → name → count.
     */
    public Map<Long, Map<String, Long>> take(long beforeMinute) {
        Map<Long, Map<String, Long>> ended = new TreeMap<>();
        for (Long minute : minutes.headMap(beforeMinute).keySet()) {
            Map<String, LongAdder> counts = minutes.remove(minute);
            Map<String, Long> values = new TreeMap<>();
            counts.forEach((name, adder) -> values.put(name, adder.sum()));
            ended.put(minute, values);
        }
        return ended;
    }

    /** Counts that could not be written go back, to be written with the next minute. */
    public void putBack(Map<Long, Map<String, Long>> counts) {
        counts.forEach(
                (minute, values) ->
                        values.forEach(
                                (name, n) ->
                                        minutes.computeIfAbsent(
                                                        minute, m -> new ConcurrentHashMap<>())
                                                .computeIfAbsent(name, k -> new LongAdder())
                                                .add(n)));
    }
}
