-- The last run of each scheduled job, whichever node ran it, for the admin overview.
ALTER TABLE run_lock ADD COLUMN last_started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE run_lock ADD COLUMN last_finished_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE run_lock ADD COLUMN last_outcome VARCHAR(20);
ALTER TABLE run_lock ADD COLUMN last_detail VARCHAR(1000);
ALTER TABLE run_lock ADD COLUMN last_node VARCHAR(100);
