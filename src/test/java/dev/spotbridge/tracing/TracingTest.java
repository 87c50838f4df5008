package dev.spotbridge.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.junit.jupiter.api.Test;

/** The trace context of a queue message, and what a span's URL may say. */
class TracingTest {

    @Test
    void aTraceparentNamesItsTrace() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertEquals(
                "4bf92f3577b34da6a3ce929d0e0e4736", Tracing.traceId(Tracing.parent(traceparent)));
        assertNull(Tracing.traceId(Tracing.parent(null)));
        assertNull(Tracing.traceId(Tracing.parent("not a traceparent")));
    }

    @Test
    void aSpanContextGoesOutAsTheTraceparentItCameIn() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertEquals(
                traceparent,
                Tracing.traceparent(
                        Span.fromContext(Tracing.parent(traceparent)).getSpanContext()));
        assertNull(Tracing.traceparent(SpanContext.getInvalid()));
    }

    @Test
    void aUrlLeavesWithoutItsQuery() {
        assertEquals(
                "https://org.crm4.dynamics.com/api/data/v9.2/contacts?…",
                SpanCapture.withoutQuery(
                        "https://org.crm4.dynamics.com/api/data/v9.2/contacts?$filter=emailaddress1"
                                + " eq 'ada@example.com'"));
        assertEquals("http://h/contact/1", SpanCapture.withoutQuery("http://h/contact/1"));
    }
}
