package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
)

// Units keeps the customer organisations of the policy (bot.UnitStore).
type Units struct{ db *DB }

var _ bot.UnitStore = (*Units)(nil)

type unitRow struct {
	ID    int64          `db:"id"`
	Name  string         `db:"name"`
	Plan  string         `db:"plan"`
	Start sql.NullString `db:"service_start"`
	End   sql.NullString `db:"service_end"`
}

// Unit implements bot.UnitStore.
func (us *Units) Unit(ctx context.Context, name string) (*bot.Unit, error) {
	var r unitRow
	err := us.db.GetContext(ctx, &r, `SELECT id, name, plan,
		CAST(service_start AS TEXT) AS service_start, CAST(service_end AS TEXT) AS service_end
		FROM units WHERE name_key = $1`, bot.UnitKey(name))
	if err != nil {
		return nil, mapError(err)
	}
	u := &bot.Unit{ID: r.ID, Name: r.Name, Plan: r.Plan}
	if u.ServiceStart, err = parseDate(r.Start); err != nil {
		return nil, fmt.Errorf("unit %d service_start: %w", r.ID, err)
	}
	if u.ServiceEnd, err = parseDate(r.End); err != nil {
		return nil, fmt.Errorf("unit %d service_end: %w", r.ID, err)
	}
	return u, nil
}

func parseDate(s sql.NullString) (*sla.Date, error) {
	if !s.Valid || s.String == "" {
		return nil, nil
	}
	d, err := sla.ParseDate(s.String[:min(10, len(s.String))])
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func dateArg(d *sla.Date) any {
	if d == nil {
		return nil
	}
	return d.String()
}

// SyncUnits implements bot.UnitStore: the policy's units are inserted or
// updated by name; units not in the policy are left alone (tickets refer
// to them by name).
func (us *Units) SyncUnits(ctx context.Context, units []bot.Unit, now time.Time) error {
	return us.db.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, u := range units {
			if err := upsertUnit(ctx, tx, u, now); err != nil {
				return fmt.Errorf("sync unit %q: %w", u.Name, mapError(err))
			}
		}
		return nil
	})
}

func upsertUnit(ctx context.Context, tx *sqlx.Tx, u bot.Unit, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO units (name, name_key, plan, service_start, service_end, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, plan = excluded.plan,
			service_start = excluded.service_start, service_end = excluded.service_end, updated_at = excluded.updated_at`,
		u.Name, bot.UnitKey(u.Name), u.Plan, dateArg(u.ServiceStart), dateArg(u.ServiceEnd), utc(now))
	return err
}
