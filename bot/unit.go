package bot

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/conversation"
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

// UnitKey is how unit names are matched: no spaces, lower case, full-width
// letters and digits folded, so "大庆市 住房公积金管理中心" finds its unit.
// The database keeps it (units.name_key): changing it orphans stored units.
func UnitKey(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(conversation.FoldFullWidth(r))
	}, name)
}
