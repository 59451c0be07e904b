package bot

import (
	"context"
	"fmt"
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
	// Maintenance is the recurring work the unit's contract owes (seed
	// 002: regular inspections and telephone revisits; seed 003: a
	// scheduled on-site service every month).
	Maintenance []Obligation `db:"-"`
}

// Obligation is one piece of recurring work a unit is owed: a ticket of
// kind 日常维护 is opened for it at the start of each period.
type Obligation struct {
	Kind   string // 巡检, 电话回访 or 日常维护 (ObligationKinds)
	Every  string // month, quarter or year
	OnSite bool   // done at the customer's site
}

// ObligationKinds are the kinds of recurring work a policy may list.
var ObligationKinds = []string{"巡检", "电话回访", "日常维护"}

// Periods an obligation recurs in.
const (
	EveryMonth   = "month"
	EveryQuarter = "quarter"
	EveryYear    = "year"
)

// Period is the period of the obligation around t, in loc: its first
// instant, the next period's first instant, and its name (2026年12月,
// 2026年第4季度, 2026年) and key (2026-12, 2026-Q4, 2026).
func (o Obligation) Period(t time.Time, loc *time.Location) (from, to time.Time, name, key string) {
	t = t.In(loc)
	switch o.Every {
	case EveryQuarter:
		q := (int(t.Month()) - 1) / 3
		from = time.Date(t.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 3, 0), fmt.Sprintf("%d年第%d季度", t.Year(), q+1), fmt.Sprintf("%d-Q%d", t.Year(), q+1)
	case EveryYear:
		from = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(1, 0, 0), fmt.Sprintf("%d年", t.Year()), fmt.Sprint(t.Year())
	}
	from = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 1, 0), fmt.Sprintf("%d年%d月", t.Year(), int(t.Month())), from.Format("2006-01")
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
