-- GPS fixes by event time, one partition per UTC day. The primary key makes a repeated
-- (truck, timestamp) a duplicate that is stored once.
CREATE TABLE telemetry (
    truck_id     text             NOT NULL,
    ts           timestamptz      NOT NULL,
    lat          double precision NOT NULL,
    lon          double precision NOT NULL,
    speed_mps    real,
    heading_deg  real,
    accuracy_m   real,
    seq          bigint,
    source       smallint         NOT NULL,
    received_at  timestamptz      NOT NULL,
    PRIMARY KEY (truck_id, ts)
) PARTITION BY RANGE (ts);

COMMENT ON COLUMN telemetry.source IS '0 = WasteNotify JSON, 1 = OwnTracks';

-- Creates the partition holding one UTC day; safe to call concurrently and repeatedly.
CREATE FUNCTION telemetry_ensure_partition(day date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    lower_bound timestamptz := day::timestamp AT TIME ZONE 'UTC';
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('telemetry_ensure_partition'));
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF telemetry FOR VALUES FROM (%L) TO (%L)',
                   'telemetry_' || to_char(day, 'YYYYMMDD'), lower_bound, lower_bound + interval '1 day');
END;
$$;
