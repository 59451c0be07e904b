-- Satisfaction surveys and revisit rounds (回访, seed 001 4.7.4.3 and 4.7.6.2):
-- one survey per closed ticket, and one per customer and round; the answers
-- question by question; the customers who replied TD to stop surveys; and the
-- revisit tasks quality staff work through when a customer is unhappy. A
-- survey copies its ticket's unit, engineer and severity, so the statistics
-- count them as they were when the customer was served. Sending state lives on
-- the row (attempts, next_try_at, a claim lease) so that any replica can send
-- a round's invitations and a crash loses nothing.

-- +goose Up
CREATE TABLE survey_rounds (
    id             BIGSERIAL PRIMARY KEY,
    questionnaire  TEXT NOT NULL,
    period_from    TIMESTAMPTZ NOT NULL,          -- tickets resolved in [period_from, period_to)
    period_to      TIMESTAMPTZ NOT NULL,
    unit           TEXT NOT NULL DEFAULT '',      -- filters; '' means all
    engineer       TEXT NOT NULL DEFAULT '',      -- staff number
    severities     TEXT NOT NULL DEFAULT '',      -- "1,2"
    sample_rate    DOUBLE PRECISION NOT NULL,
    seed           BIGINT NOT NULL,               -- draws the sample: the same seed, the same customers
    status         TEXT NOT NULL,                 -- sending, paused, sent, closed
    selected       INTEGER NOT NULL,
    created_by     TEXT NOT NULL,                 -- staff number, or cli
    report_chat    BIGINT,                        -- the creator's staff chat, told when it is sent
    created_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    closed_at      TIMESTAMPTZ
);

CREATE TABLE surveys (
    id             BIGSERIAL PRIMARY KEY,
    survey_key     TEXT NOT NULL UNIQUE,          -- ticket:ID or round:R:CUSTOMER: one survey per ticket, one per customer and round
    round_id       BIGINT REFERENCES survey_rounds (id),
    ticket_id      BIGINT NOT NULL REFERENCES tickets (id),
    customer_id    BIGINT NOT NULL REFERENCES customers (id),
    questionnaire  TEXT NOT NULL,
    unit_name      TEXT NOT NULL DEFAULT '',
    staff_number   TEXT NOT NULL DEFAULT '',
    staff_name     TEXT NOT NULL DEFAULT '',
    severity       SMALLINT NOT NULL,
    status         TEXT NOT NULL,                 -- pending, sent, answered, expired, failed, cancelled
    via            TEXT NOT NULL DEFAULT '',      -- chat or template
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT NOT NULL DEFAULT '',
    next_try_at    TIMESTAMPTZ,                   -- a pending invitation is due
    claimed_until  TIMESTAMPTZ,                   -- a sender's lease
    created_at     TIMESTAMPTZ NOT NULL,
    sent_at        TIMESTAMPTZ,                   -- delivered: the statistics count it in this month
    reminded_at    TIMESTAMPTZ,
    expires_at     TIMESTAMPTZ,
    answered_at    TIMESTAMPTZ,                   -- the overall rating came in
    answered_via   TEXT NOT NULL DEFAULT '',      -- chat or page
    completed_at   TIMESTAMPTZ,                   -- every question answered (or the rest skipped at expiry)
    rating         SMALLINT CHECK (rating BETWEEN 1 AND 4)   -- 1 满意, 2 较满意, 3 一般, 4 不满意
);
CREATE INDEX surveys_round_pending ON surveys (round_id, next_try_at) WHERE status = 'pending';
CREATE INDEX surveys_sent_at ON surveys (sent_at);
CREATE INDEX surveys_customer_round ON surveys (customer_id, created_at) WHERE round_id IS NOT NULL;

CREATE TABLE survey_answers (
    survey_id   BIGINT NOT NULL REFERENCES surveys (id),
    question    TEXT NOT NULL,
    value       TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (survey_id, question)
);

CREATE TABLE survey_optouts (
    customer_id  BIGINT PRIMARY KEY REFERENCES customers (id),
    at           TIMESTAMPTZ NOT NULL
);

CREATE TABLE revisit_tasks (
    id          BIGSERIAL PRIMARY KEY,
    survey_id   BIGINT NOT NULL UNIQUE REFERENCES surveys (id),
    ticket_id   BIGINT NOT NULL REFERENCES tickets (id),
    rating      SMALLINT NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,                    -- open, done
    done_by     TEXT NOT NULL DEFAULT '',         -- staff number
    result      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    done_at     TIMESTAMPTZ
);
CREATE INDEX revisit_tasks_open ON revisit_tasks (created_at) WHERE status = 'open';

-- +goose Down
DROP TABLE revisit_tasks;
DROP TABLE survey_optouts;
DROP TABLE survey_answers;
DROP TABLE surveys;
DROP TABLE survey_rounds;
