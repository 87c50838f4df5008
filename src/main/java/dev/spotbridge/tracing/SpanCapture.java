package dev.spotbridge.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Every span that ends goes to {@link RecentSpans}, whatever the exporter; and no span leaves with
 * a URL's query, where a Dataverse search carries the text searched for (an email address): the
 * query of url.full is cut at its start, before any exporter sees it.
 */
final class SpanCapture implements SpanProcessor {

    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        String url = span.getAttribute(URL_FULL);
        if (url != null && url.indexOf('?') >= 0) {
            span.setAttribute(URL_FULL, withoutQuery(url));
        }
    }

    static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?…";
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        if (RecentSpans.keeping()) {
            RecentSpans.add(span.toSpanData());
        }
    }

    @Override
    public boolean isEndRequired() {
        return RecentSpans.keeping();
    }
}
