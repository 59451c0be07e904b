package bot

import (
	"context"
	"time"

	"github.com/hotline-desk/hotline/bot/sla"
)

// Unit is a customer organisation (单位) with its service plan and free
// service period.
type Unit struct {
	ID           int64     `db:"id"`
	Name         string    `db:"name"`
	Plan         string    `db:"plan"`
	ServiceStart *sla.Date `db:"-"`
	ServiceEnd   *sla.Date `db:"-"`
}

// UnitStore keeps units; the policy file is loaded into it at start.
type UnitStore interface {
	// Unit finds a unit by name, ignoring case and spaces; ErrNotFound.
	Unit(ctx context.Context, name string) (*Unit, error)
	// SyncUnits inserts or updates the given units.
	SyncUnits(ctx context.Context, units []Unit, now time.Time) error
}
