package report

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
)

// Store reads what a report counts.
type Store interface {
	// Facts reads the facts of the month [from, to) for the unit with key
	// unitKey ("" for all units); deadlines are judged at now.
	Facts(ctx context.Context, unitKey string, from, to, now time.Time) (*Facts, error)
	// HasUnit reports whether any ticket names the unit with key unitKey.
	HasUnit(ctx context.Context, unitKey string) (bool, error)
	// MonthUnits lists the units of the tickets reported or resolved in
	// [from, to), as the tickets name them.
	MonthUnits(ctx context.Context, from, to time.Time) ([]string, error)
}

// Errors a request for a report can meet; their text is what the person
// who asked reads.
var (
	ErrBadMonth    = errors.New("月份应为 YYYY-MM，例如 2026-11")
	ErrFutureMonth = errors.New("该月尚未开始，没有可报告的内容")
	ErrUnknownUnit = errors.New("没有这个单位：策略文件里没有，也没有它的工单")
)

// Reports makes monthly reports.
type Reports struct {
	Policy *policy.Policy
	Store  Store
	Clock  bot.Clock
}

// ParseMonth reads YYYY-MM as the first instant of that month in loc.
func ParseMonth(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01", s, loc)
	if err != nil || t.Year() < 2000 {
		return time.Time{}, fmt.Errorf("%q: %w", s, ErrBadMonth)
	}
	return t, nil
}

// Monthly makes the report of month (YYYY-MM) for unit ("" for all
// units). The month may still be running: its report counts up to now.
func (r *Reports) Monthly(ctx context.Context, month, unit string) (*Monthly, error) {
	loc := r.Policy.Location
	from, err := ParseMonth(month, loc)
	if err != nil {
		return nil, err
	}
	now := r.Clock()
	if from.After(now) {
		return nil, fmt.Errorf("%s: %w", month, ErrFutureMonth)
	}
	unit, err = r.unit(ctx, unit)
	if err != nil {
		return nil, err
	}
	to := from.AddDate(0, 1, 0)
	facts, err := r.Store.Facts(ctx, bot.UnitKey(unit), from, to, now)
	if err != nil {
		return nil, err
	}
	return Build(r.Policy, Scope{From: from, To: to, Unit: unit, Now: now}, facts), nil
}

// unit is the unit's name as the policy spells it, or as given when only
// tickets know it; "" stays "" (all units).
func (r *Reports) unit(ctx context.Context, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	if bot.UnitKey(name) == "" { // blanks only: not all units by mistake
		return "", fmt.Errorf("%q: %w", name, ErrUnknownUnit)
	}
	if u, ok := r.Policy.Unit(name); ok {
		return u.Name, nil
	}
	known, err := r.Store.HasUnit(ctx, bot.UnitKey(name))
	if err != nil {
		return "", err
	}
	if !known {
		return "", fmt.Errorf("%q: %w", name, ErrUnknownUnit)
	}
	return name, nil
}
