-- Scheduled work as data: reminders, escalations, auto-closes and notices,
-- written in the same transaction as the ticket change that calls for them,
-- so nothing is lost between the two. Workers on any replica claim due rows
-- with a lease (FOR UPDATE SKIP LOCKED); a crashed worker's rows come back
-- when the lease ends. Done rows stay as the record of what was sent.

-- +goose Up
CREATE TABLE jobs (
    id             BIGSERIAL PRIMARY KEY,
    job_key        TEXT NOT NULL UNIQUE,          -- makes scheduling the same thing twice harmless
    kind           TEXT NOT NULL,
    ticket_id      BIGINT REFERENCES tickets (id),
    ref            TEXT NOT NULL DEFAULT '',      -- what else the job is about (a unit's name)
    step           INTEGER NOT NULL DEFAULT 0,
    payload        TEXT NOT NULL DEFAULT '',
    due_at         TIMESTAMPTZ NOT NULL,
    claimed_until  TIMESTAMPTZ,
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT NOT NULL DEFAULT '',
    done_at        TIMESTAMPTZ,                   -- carried out (or found moot)
    outcome        TEXT NOT NULL DEFAULT '',      -- sent, skipped, failed
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_due ON jobs (due_at) WHERE done_at IS NULL;
CREATE INDEX jobs_ticket ON jobs (ticket_id);

-- +goose Down
DROP TABLE jobs;
