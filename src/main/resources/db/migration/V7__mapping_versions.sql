-- Every mapping that has been in force, numbered; the highest version is the active one.
-- origin: config (the file or built-in default, registered at start when its content changed) or admin (applied
-- through the admin API).
CREATE TABLE mapping_version (
    version             INTEGER      NOT NULL PRIMARY KEY,
    content             VARCHAR(1000000) NOT NULL,
    checksum            VARCHAR(64)  NOT NULL,
    origin              VARCHAR(16)  NOT NULL,
    source              VARCHAR(300) NOT NULL,
    applied_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    applied_by          VARCHAR(100),
    note                VARCHAR(500)
);

-- Which mapping version produced a change, and the property values it changed (before/after; erased when the
-- record is blanked).
ALTER TABLE sync_history ADD COLUMN mapping_version INTEGER;
ALTER TABLE sync_history ADD COLUMN changes VARCHAR(65535);
