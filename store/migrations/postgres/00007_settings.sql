-- Values the replicas of one deployment must share and that no operator
-- needs to choose, such as the key that signs survey links: generated once
-- by whichever replica starts first, then read by all.

-- +goose Up
CREATE TABLE settings (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE settings;
