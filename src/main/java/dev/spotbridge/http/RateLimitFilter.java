package dev.spotbridge.http;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.io.IOException;

/**
 * Holds every request of a REST client to a {@link RateLimit}. A request whose turn is too far away
 * is not sent: the filter throws {@link Throttled}, which the client hands to the gateway wrapped
 * in a ProcessingException (see {@link Throttled#in(Throwable)}).
 */
public class RateLimitFilter implements ClientRequestFilter {

    /** The request was not sent: the client-side rate has no room for it now. */
    public static class Throttled extends RuntimeException {
        Throttled(String message) {
            super(message);
        }

        /** The Throttled in a failure's cause chain, if the request failed for that reason. */
        public static Throttled in(Throwable failure) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof Throttled throttled) {
                    return throttled;
                }
            }
            return null;
        }
    }

    private final RateLimit limit;
    private final String what;

    public RateLimitFilter(RateLimit limit, String what) {
        this.limit = limit;
        this.what = what;
    }

    @Override
    public void filter(ClientRequestContext request) throws IOException {
        try {
            if (!limit.acquire()) {
                throw new Throttled(what + " request rate reached; tried again later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Throttled("interrupted while waiting for the " + what + " request rate");
        }
    }
}
