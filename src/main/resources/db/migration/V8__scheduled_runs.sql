-- One row per scheduled firing of a job that some node claimed: every node has its own timer, the first node to
-- claim a slot (the minute the schedule fired for) runs it, the others skip it. The key makes "once per slot in
-- total" hold across all nodes that share the database; the rows are the history of scheduled runs.
CREATE TABLE scheduled_run (
    job         VARCHAR(64)              NOT NULL,
    slot        TIMESTAMP WITH TIME ZONE NOT NULL,
    node        VARCHAR(100)             NOT NULL,
    claimed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (job, slot)
);
