-- Marketing lists pushed to Spotler audiences, their members as Spotbridge put them there, and campaign jobs.
CREATE TABLE synced_list (
    list_id             VARCHAR(36)  NOT NULL PRIMARY KEY,
    name                VARCHAR(300),
    member_entity       VARCHAR(32),
    active              BOOLEAN      NOT NULL,
    last_synced_at      TIMESTAMP WITH TIME ZONE,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE list_member (
    list_id             VARCHAR(36)  NOT NULL,
    record_key          VARCHAR(80)  NOT NULL,
    PRIMARY KEY (list_id, record_key)
);
-- list and job history lines go to sync_history with record_key 'list:<id>' / 'sb_syncjob:<id>'
