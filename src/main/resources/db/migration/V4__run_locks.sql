-- One run at a time of the scheduled work across every node that shares this database.
CREATE TABLE run_lock (
    name                VARCHAR(64)  NOT NULL PRIMARY KEY,
    holder              VARCHAR(100),
    locked_until        TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO run_lock (name, holder, locked_until) VALUES ('backsync', NULL, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00');
INSERT INTO run_lock (name, holder, locked_until) VALUES ('reconcile', NULL, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00');
