-- A bounce is a status of the Spotler contact (Inactive: Soft Bounce / Hard Bounce): the owner gets a task when the
-- record becomes bounced (or a soft bounce turns hard), not one per bounced mailing. NULL: active.
ALTER TABLE sync_record ADD COLUMN bounce_state VARCHAR(8);
