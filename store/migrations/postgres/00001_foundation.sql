-- The foundation schema: customer organisations, customers, staff, tickets and
-- the append-only service log. Every field of the 系统服务单 (SERVICE-PRACTICE.md)
-- has a column on tickets, so a printed ticket needs no other table.

-- +goose Up
CREATE TABLE units (
    id             BIGSERIAL PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    name_key       TEXT NOT NULL UNIQUE,      -- name without spaces, lower case: what customers type is matched on it
    plan           TEXT NOT NULL,
    service_start  DATE,
    service_end    DATE,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE customers (
    id            BIGSERIAL PRIMARY KEY,
    channel       TEXT NOT NULL,
    open_id       TEXT NOT NULL,
    unit_name     TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    room          TEXT NOT NULL DEFAULT '',
    subscribed    BOOLEAN NOT NULL DEFAULT TRUE,
    last_seen_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (channel, open_id)
);

CREATE TABLE staff (
    id                BIGSERIAL PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    roles             TEXT NOT NULL DEFAULT '',   -- comma separated: engineer,lead,manager,quality
    units             TEXT NOT NULL DEFAULT '',   -- newline separated unit names; empty: all units
    hours             TEXT NOT NULL DEFAULT '',   -- calendar name; empty: always on duty
    telegram_user_id  BIGINT UNIQUE,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE tickets (
    id                  BIGSERIAL PRIMARY KEY,
    opened_by           TEXT NOT NULL UNIQUE,     -- dedupe key of the message that opened it
    customer_id         BIGINT NOT NULL REFERENCES customers (id),
    channel             TEXT NOT NULL,
    unit_name           TEXT NOT NULL,
    contact_name        TEXT NOT NULL,
    phone               TEXT NOT NULL,
    room                TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL,
    severity            SMALLINT NOT NULL CHECK (severity BETWEEN 1 AND 5),
    status              TEXT NOT NULL,
    plan                TEXT NOT NULL,
    paid_service        BOOLEAN NOT NULL DEFAULT FALSE,
    reported_at         TIMESTAMPTZ NOT NULL,     -- time of the request
    response_due        TIMESTAMPTZ NOT NULL,
    resolution_due      TIMESTAMPTZ,              -- NULL: no resolution target (suggestions)
    paused              TEXT NOT NULL DEFAULT '', -- business time spent waiting for the customer, ns per severity (sla.Clock.Paused), comma separated
    paused_since        TIMESTAMPTZ,
    responded_at        TIMESTAMPTZ,
    resolved_at         TIMESTAMPTZ,              -- time of resolution
    closed_at           TIMESTAMPTZ,
    assignee_id         BIGINT REFERENCES staff (id),
    staff_name          TEXT NOT NULL DEFAULT '', -- who served, as printed on the form
    staff_number        TEXT NOT NULL DEFAULT '',
    handling            TEXT NOT NULL DEFAULT '', -- phone, remote or onsite
    resolution          TEXT NOT NULL DEFAULT '', -- resolution description
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX tickets_customer_open ON tickets (customer_id) WHERE closed_at IS NULL;
CREATE INDEX tickets_assignee_open ON tickets (assignee_id) WHERE closed_at IS NULL;
CREATE INDEX tickets_reported_at ON tickets (reported_at);

CREATE TABLE ticket_events (
    id          BIGSERIAL PRIMARY KEY,
    ticket_id   BIGINT NOT NULL REFERENCES tickets (id),
    at          TIMESTAMPTZ NOT NULL,
    actor_kind  TEXT NOT NULL,                    -- customer, staff, system
    actor       TEXT NOT NULL DEFAULT '',         -- openid or staff number
    kind        TEXT NOT NULL,                    -- opened, message, assigned, acknowledged, …
    body        TEXT NOT NULL DEFAULT '',
    media_id    TEXT NOT NULL DEFAULT '',
    msg_key     TEXT UNIQUE                       -- dedupe key of the inbound message, if any
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- +goose Down
DROP TABLE ticket_events;
DROP TABLE tickets;
DROP TABLE staff;
DROP TABLE customers;
DROP TABLE units;
