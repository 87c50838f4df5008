-- sb_permission rows Spotbridge keeps in D365: what is still to be created or updated there
CREATE TABLE permission_row_write (
    row_id              VARCHAR(36)  NOT NULL PRIMARY KEY,
    record_key          VARCHAR(80)  NOT NULL,
    bit                 BIGINT       NOT NULL,
    name                VARCHAR(200),
    subscribed          BOOLEAN      NOT NULL,
    is_new              BOOLEAN      NOT NULL,
    requested_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX permission_row_write_by_record ON permission_row_write (record_key);
