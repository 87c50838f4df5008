package dev.spotbridge.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;
import java.net.URI;

/**
 * A client span for each call of a gateway's REST client (registered on the Spotler and Dataverse
 * clients), a child of the current span, and the call carries its context to the service (W3C
 * traceparent header). A call that got no answer leaves its span unended: the gateway's retry and
 * the batch span record the failure.
 */
public final class ClientSpans implements ClientRequestFilter, ClientResponseFilter {

    private static final String SPAN = ClientSpans.class.getName() + ".span";

    /**
     * Before the server's own client instrumentation (which makes its span current for the filters
     * after it): the span is a child of Spotbridge's work, not of that one.
     */
    public static final int PRIORITY = 100;

    private final Tracer tracer;
    private final String api;

    public ClientSpans(Tracer tracer, String api) {
        this.tracer = tracer;
        this.api = api;
    }

    @Override
    public void filter(ClientRequestContext request) {
        URI uri = request.getUri();
        Span span =
                tracer.spanBuilder(request.getMethod() + " " + api)
                        .setSpanKind(SpanKind.CLIENT)
                        .setAttribute("http.request.method", request.getMethod())
                        .setAttribute("server.address", String.valueOf(uri.getHost()))
                        .setAttribute("url.path", String.valueOf(uri.getRawPath()))
                        .setAttribute("url.full", SpanCapture.withoutQuery(uri.toString()))
                        .startSpan();
        request.setProperty(SPAN, span);
        String traceparent = Tracing.traceparent(span.getSpanContext());
        if (traceparent != null) {
            request.getHeaders().putSingle(Tracing.TRACEPARENT, traceparent);
        }
    }

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
        if (request.getProperty(SPAN) instanceof Span span) {
            span.setAttribute("http.response.status_code", (long) response.getStatus());
            if (response.getStatus() >= 500 || response.getStatus() == 429) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }
    }
}
