-- Spotler numbers the interactions of each feed (sent, opened, clicked, bounced) on its own (int32 ids), so an
-- interaction is known by its feed and id ("opened:17"). Rows recorded before carry the bare id: they get their feed
-- (a bare row whose keyed twin is already there is the same interaction, recorded twice: the twin stays).
DELETE FROM interaction
    WHERE kind IN ('sent', 'sent-sms') AND interaction_id NOT LIKE '%:%'
    AND 'sent:' || interaction_id IN (SELECT interaction_id FROM interaction);
DELETE FROM interaction
    WHERE kind IN ('opened', 'clicked', 'bounced') AND interaction_id NOT LIKE '%:%'
    AND kind || ':' || interaction_id IN (SELECT interaction_id FROM interaction);
UPDATE interaction SET interaction_id = 'sent:' || interaction_id
    WHERE kind IN ('sent', 'sent-sms') AND interaction_id NOT LIKE '%:%';
UPDATE interaction SET interaction_id = kind || ':' || interaction_id
    WHERE kind IN ('opened', 'clicked', 'bounced') AND interaction_id NOT LIKE '%:%';
