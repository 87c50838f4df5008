-- sb_lastsyncedon is written back at most once per spotbridge.last-synced-interval per record: when a newer sync time
-- waits, due_at says when it goes to D365 (LastSyncedSweep asks for the write-back then).
ALTER TABLE writeback_state ADD COLUMN due_at TIMESTAMP;
CREATE INDEX writeback_state_due_at ON writeback_state (due_at);
