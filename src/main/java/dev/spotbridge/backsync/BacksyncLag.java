package dev.spotbridge.backsync;

import dev.spotbridge.metrics.SyncMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The back-sync lag per feed (spotbridge_backsync_lag_seconds{feed}): how far behind now the end of
 * its last complete window is. Read from the shared watermarks every minute, so every node shows
 * the same lag whichever node ran the feed. A failed refresh keeps the last values (the lag then
 * grows on the next successful refresh; nothing depends on it). Readers never wait for a refresh
 * (the positions are a concurrent map; two refreshes at once only write the same values).
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@Startup
@DependsOn("Migrations")
public class BacksyncLag {

    @Inject Watermarks watermarks;

    @Inject SyncMetrics metrics;

    private final Map<String, Instant> positions = new ConcurrentHashMap<>();

    @PostConstruct
    void start() {
        refresh();
    }

    /** Every minute, and after each back-sync run on this node. */
    @Schedule(hour = "*", minute = "*", persistent = false)
    public void refresh() {
        watermarks
                .positions()
                .forEach(
                        (feed, position) -> {
                            if (positions.put(feed, position) == null) {
                                metrics.gauge(
                                        "spotbridge.backsync.lag.seconds",
                                        "feed",
                                        feed,
                                        () -> lagSeconds(feed));
                            }
                        });
    }

    /** The lag of the feed furthest behind, in seconds; empty before any feed has run. */
    public java.util.OptionalDouble maxSeconds() {
        return positions.keySet().stream()
                .mapToDouble(this::lagSeconds)
                .filter(d -> !Double.isNaN(d))
                .max();
    }

    private double lagSeconds(String feed) {
        Instant position = positions.get(feed);
        return position == null
                ? Double.NaN
                : Duration.between(position, Instant.now()).toMillis() / 1000.0;
    }
}
