-- Inbound messages that could not be handled when they came (a store was
-- down, a step failed). Nothing a customer sent may be lost: they wait here
-- for staff, and for replay once the cause is gone.

-- +goose Up
CREATE TABLE inbound_backlog (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    msg_key      TEXT NOT NULL UNIQUE,
    channel      TEXT NOT NULL,
    open_id      TEXT NOT NULL,
    payload      TEXT NOT NULL,          -- the bot.Inbound as JSON
    cause        TEXT NOT NULL,
    received_at  DATETIME NOT NULL,
    handled_at   DATETIME
);
CREATE INDEX inbound_backlog_waiting ON inbound_backlog (received_at) WHERE handled_at IS NULL;

-- +goose Down
DROP TABLE inbound_backlog;
