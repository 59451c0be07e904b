package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/intake"
)

// Backlog keeps inbound messages that could not be handled while a store
// was down, for replay (intake.Backlog).
type Backlog struct{ db *DB }

var _ intake.Backlog = (*Backlog)(nil)

// Keep implements intake.Backlog. A message kept twice (a retry that failed
// again) is kept once.
func (bl *Backlog) Keep(ctx context.Context, in bot.Inbound, cause string, at time.Time) error {
	payload, err := json.Marshal(in)
	if err != nil {
		return err
	}
	_, err = bl.db.ExecContext(ctx, `INSERT INTO inbound_backlog (msg_key, channel, open_id, payload, cause, received_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (msg_key) DO NOTHING`,
		in.Key, in.Channel, in.From, string(payload), cause, utc(at))
	return mapError(err)
}

// Waiting implements intake.Backlog.
func (bl *Backlog) Waiting(ctx context.Context, limit int) ([]intake.BacklogItem, error) {
	var rows []struct {
		ID      int64  `db:"id"`
		Payload string `db:"payload"`
	}
	err := bl.db.SelectContext(ctx, &rows, `SELECT id, payload FROM inbound_backlog
		WHERE handled_at IS NULL AND msg_key NOT LIKE 'overflow:%' ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return nil, mapError(err)
	}
	return decodeBacklog(rows)
}

// OverflowOf implements intake.Backlog.
func (bl *Backlog) OverflowOf(ctx context.Context, channel, openID string, since time.Time) ([]intake.BacklogItem, error) {
	var rows []struct {
		ID      int64  `db:"id"`
		Payload string `db:"payload"`
	}
	err := bl.db.SelectContext(ctx, &rows, `SELECT id, payload FROM inbound_backlog
		WHERE handled_at IS NULL AND channel = $1 AND open_id = $2 AND msg_key LIKE 'overflow:%' AND received_at >= $3
		ORDER BY id LIMIT 100`, channel, openID, utc(since))
	if err != nil {
		return nil, mapError(err)
	}
	return decodeBacklog(rows)
}

func decodeBacklog(rows []struct {
	ID      int64  `db:"id"`
	Payload string `db:"payload"`
}) ([]intake.BacklogItem, error) {
	items := make([]intake.BacklogItem, 0, len(rows))
	for _, r := range rows {
		it := intake.BacklogItem{ID: r.ID}
		if err := json.Unmarshal([]byte(r.Payload), &it.In); err != nil {
			return nil, fmt.Errorf("backlog %d: %w", r.ID, err)
		}
		items = append(items, it)
	}
	return items, nil
}

// Handled implements intake.Backlog.
func (bl *Backlog) Handled(ctx context.Context, id int64, at time.Time) error {
	_, err := bl.db.ExecContext(ctx, `UPDATE inbound_backlog SET handled_at = $2 WHERE id = $1`, id, utc(at))
	return mapError(err)
}
