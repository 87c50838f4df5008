-- The trace of the change a history entry is about (MicroProfile Telemetry): the admin page links it to the tracing
-- UI (SPOTBRIDGE_TRACE_URL) and shows the node's own spans of it (GET /api/traces/{traceId}).
ALTER TABLE sync_history ADD COLUMN trace_id VARCHAR(32);
