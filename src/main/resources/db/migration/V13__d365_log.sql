-- the record's history in D365: which entries are sb_synclog events, and how far they were written
ALTER TABLE sync_history ADD COLUMN d365_event VARCHAR(40);
ALTER TABLE writeback_state ADD COLUMN last_error VARCHAR(2000);
ALTER TABLE writeback_state ADD COLUMN logged_through BIGINT;
