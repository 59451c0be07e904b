package sla

import "time"

// Status is where a moment falls in a unit's free service period.
type Status uint8

// Statuses of a service period.
const (
	NotStarted Status = iota // before the first day
	Inside                   // free service, more than a month left
	EndsSoon                 // free service ending within a month: offer renewal
	Outside                  // after the last day: paid service
)

// String returns not_started, inside, ends_soon or outside.
func (s Status) String() string {
	switch s {
	case NotStarted:
		return "not_started"
	case Inside:
		return "inside"
	case EndsSoon:
		return "ends_soon"
	}
	return "outside"
}

// PeriodStatus returns where now falls in the service period from start to
// end, both whole days in loc; the last day is served in full. The period
// ends within a month when its end is before the same day of next month
// (clamped, so on 1月31日 that is 2月28日): on 2026-12-01 a period ending
// 2026-12-31 ends soon, on 2026-11-30 it does not yet. A period whose end is
// before its start is Outside once it has started.
func PeriodStatus(start, end Date, now time.Time, loc *time.Location) Status {
	today := DateOf(now.In(loc))
	switch {
	case today.Before(start):
		return NotStarted
	case today.After(end):
		return Outside
	case end.Before(today.addMonths(1)):
		return EndsSoon
	}
	return Inside
}
