-- When a building's bins went out and came back in for a run, as its concierge said it (the building page's buttons;
-- later an SMS reply): what the pilot's time-on-the-pavement figures start from. The first report of each kind stands.
CREATE TABLE bin_reports (
    run_id       bigint      NOT NULL REFERENCES route_runs (id) ON DELETE CASCADE,
    building_id  text        NOT NULL REFERENCES buildings (id) ON DELETE CASCADE,
    bins_out_at  timestamptz,
    out_source   text        CHECK (out_source IN ('page', 'sms')),
    bins_in_at   timestamptz,
    in_source    text        CHECK (in_source IN ('page', 'sms')),
    PRIMARY KEY (run_id, building_id),
    CHECK ((bins_out_at IS NULL) = (out_source IS NULL) AND (bins_in_at IS NULL) = (in_source IS NULL))
);
