package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// Keep implements bot.Backlog. A message kept twice (a retry that failed
// again) is kept once.
func (db *DB) Keep(ctx context.Context, in bot.Inbound, cause string, at time.Time) error {
	payload, err := json.Marshal(in)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `INSERT INTO inbound_backlog (msg_key, channel, open_id, payload, cause, received_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (msg_key) DO NOTHING`,
		in.Key, in.Channel, in.From, string(payload), cause, utc(at))
	return mapError(err)
}
