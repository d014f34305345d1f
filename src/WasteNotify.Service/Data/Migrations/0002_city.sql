-- The city: buildings, trucks, routes with their ordered stops and street path, daily runs, and API keys.
-- Coordinates are plain WGS 84 degrees: routing and snapping run in memory on the street graph, and no
-- query needs PostGIS, which would be one more thing to install.

CREATE TABLE city_map (
    id          smallint    PRIMARY KEY CHECK (id = 1),
    format      text        NOT NULL CHECK (format IN ('osm', 'pbf')),
    data        bytea       NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE buildings (
    id           text             PRIMARY KEY,
    address      text             NOT NULL,
    lat          double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon          double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    street_lat   double precision,
    street_lon   double precision,
    bins         integer          NOT NULL CHECK (bins BETWEEN 1 AND 500),
    access_notes text
);

CREATE TABLE trucks (
    id               text             PRIMARY KEY,
    name             text             NOT NULL,
    owntracks_device text             UNIQUE,
    depot_lat        double precision NOT NULL,
    depot_lon        double precision NOT NULL
);

CREATE TABLE routes (
    id            text       PRIMARY KEY,
    truck_id      text       REFERENCES trucks (id) ON DELETE SET NULL,
    weekdays      smallint[] NOT NULL DEFAULT '{}',
    planned_start time,
    path          double precision[] NOT NULL  -- [lat0, lon0, lat1, lon1, ...] depot -> stops -> depot
);

CREATE TABLE route_stops (
    route_id    text    NOT NULL REFERENCES routes (id) ON DELETE CASCADE,
    sequence    integer NOT NULL CHECK (sequence >= 1),
    building_id text    NOT NULL REFERENCES buildings (id),
    PRIMARY KEY (route_id, sequence),
    UNIQUE (route_id, building_id)
);

CREATE TABLE route_runs (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    route_id      text        NOT NULL REFERENCES routes (id) ON DELETE CASCADE,
    service_date  date        NOT NULL,
    truck_id      text        REFERENCES trucks (id) ON DELETE SET NULL,
    planned_start timestamptz NOT NULL,
    status        text        NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'started', 'finished', 'cancelled')),
    UNIQUE (route_id, service_date)
);

CREATE TABLE api_keys (
    id         text        PRIMARY KEY,          -- the public part of the key, shown in listings
    secret_sha bytea       NOT NULL,             -- SHA-256 of the secret part; the key itself is never stored
    role       text        NOT NULL CHECK (role IN ('admin', 'operator', 'pilot')),
    name       text,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
