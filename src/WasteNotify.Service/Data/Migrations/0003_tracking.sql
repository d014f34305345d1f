-- Tracking and arrival prediction: what each run's truck did at each stop (the ground truth the arrival model
-- learns from), what happened to the run (anomalies included), the model's versions with their metrics, and a log
-- of the predictions served, for evaluation. Every time here is event time (the fixes' clock) unless named *_at_wall.

ALTER TABLE route_runs
    ADD COLUMN started_at  timestamptz,
    ADD COLUMN finished_at timestamptz;

CREATE INDEX route_runs_truck_date ON route_runs (truck_id, service_date);

-- The current decision for each stop of a run, upserted as the tracker decides and corrects (a late fix can move an
-- arrival earlier, later evidence can turn a skip into a collection). One row per stop: never served twice.
CREATE TABLE run_stops (
    run_id          bigint      NOT NULL REFERENCES route_runs (id) ON DELETE CASCADE,
    sequence        integer     NOT NULL CHECK (sequence >= 1),
    building_id     text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('served', 'skipped')),
    arrived_at      timestamptz,
    departed_at     timestamptz,
    decided_at_wall timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, sequence),
    CHECK (status = 'served' OR arrived_at IS NULL)
);

CREATE INDEX run_stops_building ON run_stops (building_id, arrived_at);

-- Everything the tracker and the wall-clock watch reported, as it happened. The key makes a replay after a restart
-- (which decides the same things at the same event times) store nothing twice.
CREATE TABLE run_events (
    run_id          bigint      NOT NULL REFERENCES route_runs (id) ON DELETE CASCADE,
    kind            text        NOT NULL,
    sequence        integer     NOT NULL DEFAULT 0,  -- the stop; 0 for the run itself
    at              timestamptz NOT NULL,
    detail          text,
    recorded_at_wall timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, kind, sequence, at)
);

-- Arrival models. The serving one is the most recently promoted; a model that did not beat it is kept, unpromoted,
-- with the metrics that say why.
CREATE TABLE eta_models (
    version      integer     GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trained_at   timestamptz NOT NULL DEFAULT now(),
    booster      bytea       NOT NULL,      -- XGBoost UBJ
    bands        jsonb       NOT NULL,      -- residual bands for the early and late bounds
    metrics      jsonb       NOT NULL,      -- held-out scores of this model, the serving one and the baselines
    runs         integer     NOT NULL,
    first_day    date        NOT NULL,
    last_day     date        NOT NULL,
    holdout_from date        NOT NULL,
    promoted_at  timestamptz
);

-- Predictions as served, a sample per run every minute of event time, for `wastenotify evaluate`.
CREATE TABLE eta_predictions (
    run_id    bigint      NOT NULL REFERENCES route_runs (id) ON DELETE CASCADE,
    sequence  integer     NOT NULL,
    made_at   timestamptz NOT NULL,
    predictor text        NOT NULL,
    eta       timestamptz NOT NULL,
    early     timestamptz NOT NULL,
    late      timestamptz NOT NULL,
    PRIMARY KEY (run_id, sequence, made_at, predictor)
);
