-- The staff bot's durable outbox. A message to an engineer is stored before
-- anyone sends it, so it survives a Telegram outage and a restart, and any
-- replica can deliver it: rows are claimed with a lease. Sent messages are
-- recorded by name (ref) so they can be edited later and so a reply to one
-- reaches its ticket. Update ids are recorded so that a retried webhook call
-- or a re-fetched update is handled once across replicas and restarts.

-- +goose Up
CREATE TABLE telegram_outbox (
    id             BIGSERIAL PRIMARY KEY,
    chat_id        BIGINT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('send', 'edit')),
    ref            TEXT NOT NULL DEFAULT '',   -- names the message for edits; '' for none
    ticket_id      BIGINT NOT NULL DEFAULT 0,  -- the ticket it is about; 0 for none
    payload        TEXT NOT NULL,              -- the bot.StaffMessage or bot.StaffEdit as JSON
    created_at     TIMESTAMPTZ NOT NULL,
    due_at         TIMESTAMPTZ NOT NULL,       -- when it may be tried next
    claimed_until  TIMESTAMPTZ,                -- a worker's lease; NULL or past: free
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT NOT NULL DEFAULT '',
    sent_at        TIMESTAMPTZ,
    failed_at      TIMESTAMPTZ,                -- given up for good (bot blocked, chat gone)
    dedupe_key     TEXT UNIQUE                 -- set by scheduled work: sending it again is harmless
);
-- Claims look for due rows still to deliver, and check that no earlier row
-- of the same chat is still to deliver (messages keep their order per chat).
CREATE INDEX telegram_outbox_due ON telegram_outbox (due_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX telegram_outbox_chat_pending ON telegram_outbox (chat_id, id) WHERE sent_at IS NULL AND failed_at IS NULL;

CREATE TABLE telegram_messages (
    chat_id     BIGINT NOT NULL,
    ref         TEXT,                          -- NULL when sent without a name, or renamed to a newer message
    message_id  BIGINT NOT NULL,
    ticket_id   BIGINT NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (chat_id, ref),
    UNIQUE (chat_id, message_id)
);

CREATE TABLE telegram_updates (
    update_id   BIGINT PRIMARY KEY,
    seen_at     TIMESTAMPTZ NOT NULL,          -- when a handler took it
    handled_at  TIMESTAMPTZ                    -- NULL while a handler works on it
);

-- +goose Down
DROP TABLE telegram_updates;
DROP TABLE telegram_messages;
DROP TABLE telegram_outbox;
