-- Runs as real fleets have them: a route can run several times a day (a morning and an afternoon round, or a run
-- added by an operator), each run with its own truck; a run imported from a recorded trace keeps the file's id and,
-- since its stops can differ from the route's list, its own stops (run_stops) and path. The weekly schedule still
-- creates at most one run of a route a day.
ALTER TABLE route_runs DROP CONSTRAINT route_runs_route_id_service_date_key;

ALTER TABLE route_runs
    ADD COLUMN origin      text NOT NULL DEFAULT 'schedule' CHECK (origin IN ('schedule', 'added', 'imported')),
    ADD COLUMN external_id text UNIQUE,               -- an imported run's id in its file: importing it again changes nothing
    ADD COLUMN path        double precision[],        -- an imported run's own path [lat0, lon0, ...]; NULL: the route's
    ADD CHECK ((origin = 'imported') = (external_id IS NOT NULL));

CREATE UNIQUE INDEX route_runs_scheduled ON route_runs (route_id, service_date) WHERE origin = 'schedule';
CREATE UNIQUE INDEX route_runs_start ON route_runs (route_id, planned_start);
