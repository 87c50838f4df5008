/**
 * Metrics: Spotbridge's own meters (webhooks received and rejected by reason, changes processed by
 * outcome, dead letters, outbound calls by status, end-to-end latency, back-sync lag), registered
 * in WildFly's Micrometer registry and scraped with the server's own metrics at
 * http://127.0.0.1:9990/metrics. A meter that cannot be recorded never fails the work it measures.
 */
package dev.spotbridge.metrics;
