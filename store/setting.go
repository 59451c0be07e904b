package store

import (
	"context"
	"time"
)

// Settings keeps values every replica must share, decided once.
type Settings struct{ db *DB }

// Setting returns the shared value of name, storing value first when the
// name has none yet: the first replica to ask decides, every other one
// reads what it stored.
func (se *Settings) Setting(ctx context.Context, name, value string, now time.Time) (string, error) {
	if _, err := se.db.ExecContext(ctx, `INSERT INTO settings (name, value, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO NOTHING`, name, value, utc(now)); err != nil {
		return "", mapError(err)
	}
	var stored string
	err := se.db.GetContext(ctx, &stored, `SELECT value FROM settings WHERE name = $1`, name)
	return stored, mapError(err)
}
