package dev.spotbridge.tracing;

import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;

/**
 * Adds {@link SpanCapture} to the tracer provider WildFly builds for this deployment (found by the
 * OpenTelemetry autoconfiguration through META-INF/services).
 */
public class TracingCustomizer implements AutoConfigurationCustomizerProvider {

    @Override
    public void customize(AutoConfigurationCustomizer customizer) {
        RecentSpans.capacity(
                org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getOptionalValue("spotbridge.tracing.recent-traces", Integer.class)
                        .orElse(100));
        customizer.addTracerProviderCustomizer(
                (builder, config) -> builder.addSpanProcessor(new SpanCapture()));
    }
}
