-- The overview's charts: per-minute figures of each node (counts summed over the minute, gauges sampled at its end),
-- read across nodes for the last 24 hours. Each node writes only its own rows; the retention prunes them
-- (spotbridge.retention.metric-days).
CREATE TABLE metric_minute (
    at_minute TIMESTAMP WITH TIME ZONE NOT NULL,
    node    VARCHAR(100)             NOT NULL,
    name    VARCHAR(64)              NOT NULL,
    amount  DOUBLE PRECISION         NOT NULL,
    PRIMARY KEY (at_minute, node, name)
);
CREATE INDEX metric_minute_by_time ON metric_minute (at_minute);
