package bot

import (
	"context"
	"strings"
	"time"
	"unicode"

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

// UnitKey is how unit names are matched: no spaces, lower case, full-width
// letters and digits folded, so "大庆市 住房公积金管理中心" finds its unit.
func UnitKey(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsSpace(r) {
			continue
		}
		if r >= '！' && r <= '～' { // full-width ASCII
			r -= 0xFEE0
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
