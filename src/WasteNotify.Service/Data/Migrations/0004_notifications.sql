-- Notifications: the concierges and their subscriptions, consent and opt-outs, every alert decided (once per run,
-- building, concierge and kind), and the SMS outbox with every delivery attempt. Erasing a concierge deletes their
-- personal data (name, number, consent log, the number and text of their messages); the alerts stay, anonymous,
-- for the KPIs.

CREATE TABLE concierges (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone            text        NOT NULL UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),  -- E.164
    language         text        NOT NULL CHECK (language IN ('fr', 'en')),
    consent_at       timestamptz NOT NULL,
    consent_source   text        NOT NULL,
    -- Set when Twilio refuses the number (21211 invalid, 21614 not a mobile); no SMS is tried until it is corrected.
    phone_problem    text        CHECK (phone_problem IN ('invalid', 'not_mobile')),
    phone_problem_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- Per building: how long ahead to warn, which alerts, on which channels, and the local hours not to disturb.
CREATE TABLE subscriptions (
    id                 bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    concierge_id       bigint  NOT NULL REFERENCES concierges (id) ON DELETE CASCADE,
    building_id        text    NOT NULL REFERENCES buildings (id) ON DELETE CASCADE,
    lead_minutes       integer NOT NULL CHECK (lead_minutes BETWEEN 1 AND 120),
    alerts             text[]  NOT NULL CHECK (alerts <@ ARRAY['approaching', 'collected', 'delayed', 'not_today'] AND cardinality(alerts) > 0),
    channels           text[]  NOT NULL CHECK (channels <@ ARRAY['sms', 'web'] AND cardinality(channels) > 0),
    quiet_from         time,
    quiet_to           time,
    collected_in_quiet boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (concierge_id, building_id),
    CHECK ((quiet_from IS NULL) = (quiet_to IS NULL) AND (quiet_from IS NULL OR quiet_from <> quiet_to))
);

CREATE INDEX subscriptions_building ON subscriptions (building_id);

-- Numbers that replied STOP (or that Twilio says are unsubscribed, 21610): never messaged again until START.
CREATE TABLE sms_opt_outs (
    phone        text        PRIMARY KEY,
    opted_out_at timestamptz NOT NULL,
    source       text        NOT NULL
);

-- Consent given, STOP, START and HELP, as they happened.
CREATE TABLE consent_events (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    concierge_id bigint      REFERENCES concierges (id) ON DELETE CASCADE,
    phone        text        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('consent', 'stop', 'start', 'help')),
    at           timestamptz NOT NULL,
    source       text        NOT NULL
);

CREATE INDEX consent_events_phone ON consent_events (phone, at);

-- Every alert decided. The unique key is the idempotency key: a replay after a restart decides the same alerts and
-- stores none twice. "at" is event time (the fix that decided it); an erased concierge's alerts keep a null concierge.
CREATE TABLE alerts (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       bigint      NOT NULL REFERENCES route_runs (id) ON DELETE CASCADE,
    building_id  text        NOT NULL,
    concierge_id bigint      REFERENCES concierges (id) ON DELETE SET NULL,
    kind         text        NOT NULL CHECK (kind IN ('approaching', 'collected', 'delayed', 'not_today')),
    at           timestamptz NOT NULL,
    eta          timestamptz,
    early        timestamptz,
    channels     text[]      NOT NULL,
    decided_at_wall timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT alerts_once UNIQUE (run_id, building_id, concierge_id, kind)
);

CREATE INDEX alerts_building ON alerts (building_id, at);

-- The transactional outbox: written in the alert's transaction, sent by the dispatcher.
--   pending -> sending -> queued | sent -> delivered | undelivered | failed   (Twilio's statuses, from its callbacks)
--   pending -> logged (no Twilio credentials: written to the log, not sent), suppressed (opted out, bad number),
--              expired (too late to be useful), failed (refused, or out of attempts)
CREATE TABLE outbox (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id        bigint      REFERENCES alerts (id) ON DELETE SET NULL,
    to_phone        text,
    body            text,
    status          text        NOT NULL CHECK (status IN ('pending', 'sending', 'accepted', 'queued', 'sent', 'delivered', 'undelivered',
                                                            'failed', 'logged', 'suppressed', 'expired')),
    reason          text,
    sender          text,
    attempts        integer     NOT NULL DEFAULT 0,
    -- Set just before the request to Twilio leaves: a message claimed ("sending") without it was certainly not sent.
    sending_since   timestamptz,
    next_attempt_at timestamptz NOT NULL,
    expires_at      timestamptz,
    provider_sid    text        UNIQUE,
    error_code      integer,
    fix_received_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_sending ON outbox (updated_at) WHERE status = 'sending';

CREATE TABLE outbox_attempts (
    outbox_id   bigint      NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    attempt     integer     NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    outcome     text        NOT NULL,
    http_status integer,
    error_code  integer,
    detail      text,
    PRIMARY KEY (outbox_id, attempt)
);

-- Operators' own wording; a kind and language with no row uses the built-in text.
CREATE TABLE message_templates (
    kind       text        NOT NULL CHECK (kind IN ('approaching', 'collected', 'delayed', 'not_today')),
    language   text        NOT NULL CHECK (language IN ('fr', 'en')),
    body       text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text,
    PRIMARY KEY (kind, language)
);
