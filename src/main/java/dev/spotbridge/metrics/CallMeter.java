package dev.spotbridge.metrics;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;

/**
 * Counts every answer a REST client receives, by HTTP status, into {@link SyncMetrics}. Registered
 * on the Spotler and Dataverse clients; calls that got no answer are counted by the gateways as
 * "unreachable".
 */
public class CallMeter implements ClientResponseFilter {

    private final SyncMetrics metrics;
    private final String api;

    public CallMeter(SyncMetrics metrics, String api) {
        this.metrics = metrics;
        this.api = api;
    }

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
        metrics.outboundCall(api, Integer.toString(response.getStatus()));
    }

    /** For the gateways' catch of a call that got no answer (connection refused, timeout). */
    public void unreachable() {
        metrics.outboundCall(api, "unreachable");
    }
}
