-- When Spotbridge last read the contact's status from Spotler (a sync with nothing to write asks it when the
-- record's last known Spotler state is older than the hourly pull's window, so an opt-out is recognised).
ALTER TABLE sync_record ADD COLUMN spotler_read_at TIMESTAMP WITH TIME ZONE;
