-- The admin search finds sync records by Dataverse id (any entity): an index on record_id, so a search does not read
-- the whole sync_record table (100 000 rows after a backfill).
CREATE INDEX sync_record_record_id ON sync_record (record_id);
