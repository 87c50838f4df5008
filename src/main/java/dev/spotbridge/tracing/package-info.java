/**
 * One trace per change, from the webhook to Spotler and back (MicroProfile Telemetry on WildFly's
 * OpenTelemetry): the W3C trace context travels with each queue message (its traceparent property),
 * the consumer adds the queue wait, its decision and its batch (whose Spotler and Dataverse calls
 * the REST clients trace), and the write-back. The trace id goes into the record's history and the
 * log; the latest spans stay in memory for the admin page (GET /api/traces/{id}). Export (OTLP) is
 * off unless the OpenTelemetry environment variables switch it on.
 */
package dev.spotbridge.tracing;
