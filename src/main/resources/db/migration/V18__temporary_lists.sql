-- Where a synced list's members are in Spotler: its audience (NULL), or, on an edition without lists
-- (403 on /audience), a temporary list that is replaced as a whole at every sync ('templist').
ALTER TABLE synced_list ADD COLUMN spotler_target VARCHAR(16);
