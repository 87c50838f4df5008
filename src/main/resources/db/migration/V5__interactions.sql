-- Spotler mailing interactions Spotbridge has put on the D365 timeline: one row per interaction, exactly once.
CREATE TABLE interaction (
    interaction_id      VARCHAR(100) NOT NULL PRIMARY KEY,
    kind                VARCHAR(16)  NOT NULL,
    record_key          VARCHAR(80)  NOT NULL,
    mailing_id          VARCHAR(100) NOT NULL,
    activity_id         VARCHAR(36)  NOT NULL,
    happened_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    bounce_type         VARCHAR(8)
);
CREATE INDEX interaction_by_mail ON interaction (record_key, mailing_id, kind);
CREATE INDEX interaction_by_activity ON interaction (activity_id, kind);
