-- Staff in Telegram: one-time invite codes link a Telegram account to a
-- staff member without anyone typing numeric ids, and the time of each
-- engineer's last assignment makes ties in load go round robin.

-- +goose Up
ALTER TABLE staff ADD COLUMN last_assigned_at DATETIME;

CREATE TABLE staff_invites (
    code_hash   TEXT PRIMARY KEY,              -- sha256 of the code: a leaked table links nobody
    staff_id    INTEGER NOT NULL REFERENCES staff (id),
    expires_at  DATETIME NOT NULL,
    used_at     DATETIME
);

-- +goose Down
DROP TABLE staff_invites;
ALTER TABLE staff DROP COLUMN last_assigned_at;
