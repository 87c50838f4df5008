-- Erasure: a record erased on request (a GDPR erasure, POST /api/records/{entity}/{id}/erase) is no longer synced
-- until someone asks for a resync; erased_at says when.
ALTER TABLE sync_record ADD COLUMN erased_at TIMESTAMP WITH TIME ZONE;
-- Retention: the daily prune deletes by age, oldest first, a batch at a time.
CREATE INDEX sync_history_by_time ON sync_history (happened_at);
CREATE INDEX processed_event_by_time ON processed_event (processed_at);
CREATE INDEX consent_change_by_time ON consent_change (happened_at);
CREATE INDEX interaction_by_time ON interaction (happened_at);
CREATE INDEX scheduled_run_by_time ON scheduled_run (claimed_at);
CREATE INDEX bounce_task_by_time ON bounce_task (created_at);
INSERT INTO run_lock (name, holder, locked_until) VALUES ('retention', NULL, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00');
