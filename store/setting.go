package store

import (
	"context"
	"errors"
	"time"

	"github.com/hotline-desk/hotline/bot"
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

// Put stores value under name, replacing what was there.
func (se *Settings) Put(ctx context.Context, name, value string, now time.Time) error {
	_, err := se.db.ExecContext(ctx, `INSERT INTO settings (name, value, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`, name, value, utc(now))
	return mapError(err)
}

// Get returns the value stored under name, and false when there is none.
func (se *Settings) Get(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := se.db.GetContext(ctx, &v, `SELECT value FROM settings WHERE name = $1`, name)
	if err := mapError(err); errors.Is(err, bot.ErrNotFound) {
		return "", false, nil
	} else if err != nil {
		return "", false, err
	}
	return v, true, nil
}
