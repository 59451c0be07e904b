package upkeep

import (
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
)

// LastClose is the close of business of the last working day in [from,
// to) on cal: when the work of that period is due. Work is done in
// service hours, so a period's work is late once the last of them has
// passed, not at midnight after a weekend; and the escalation reaches the
// lead while a working day ends rather than on a holiday. A period without
// business time on cal is due at to.
func LastClose(cal *sla.Calendar, from, to time.Time) time.Time {
	total := cal.BusinessBetween(from, to)
	if total <= 0 {
		return to
	}
	return cal.AddBusiness(from, total) // the end of the window the total ends in
}

// CloseOf is the close of business of day on cal; false when day is not a
// working day on it.
func CloseOf(cal *sla.Calendar, day sla.Date) (time.Time, bool) {
	if !cal.IsWorkingDay(day) {
		return time.Time{}, false
	}
	loc := cal.Location()
	return LastClose(cal, day.In(loc), day.AddDays(1).In(loc)), true
}

// Description is a period's ticket as staff and the unit read it:
// 2026年12月 巡检（上门）, 2026年第4季度 电话回访.
func Description(o bot.Obligation, period string) string {
	d := period + " " + o.Kind
	if o.OnSite {
		d += "（上门）"
	}
	return d
}

// EveryLabel is how often an obligation recurs, in words: 每月, 每季度, 每年.
func EveryLabel(every string) string {
	switch every {
	case bot.EveryQuarter:
		return "每季度"
	case bot.EveryYear:
		return "每年"
	}
	return "每月"
}

// Period is the period a maintenance ticket was opened for, read from its
// opening key (OpenJob's): its first instant, the next period's, and its
// name (2026年12月); ok false for a ticket that JobOpen did not open.
func Period(t *bot.Ticket, loc *time.Location) (from, to time.Time, name string, ok bool) {
	every, start, ok := periodOfKey(t.OpenedBy, loc)
	if !ok {
		return time.Time{}, time.Time{}, "", false
	}
	from, to, name, _ = bot.Obligation{Kind: t.Obligation, Every: every}.Period(start, loc)
	return from, to, name, true
}

// periodOfKey reads the period key at the end of a JobOpen key (2026-12,
// 2026-Q4, 2026): how the obligation recurs, and an instant in the period.
func periodOfKey(key string, loc *time.Location) (every string, at time.Time, ok bool) {
	rest, found := strings.CutPrefix(key, JobOpen+":")
	if !found {
		return "", time.Time{}, false
	}
	p := rest[strings.LastIndex(rest, ":")+1:]
	year, quarter, isQuarter := strings.Cut(p, "-Q")
	y, err := strconv.Atoi(year)
	switch {
	case len(p) == 4 && err == nil:
		return bot.EveryYear, time.Date(y, time.January, 1, 0, 0, 0, 0, loc), true
	case isQuarter && err == nil:
		q, err := strconv.Atoi(quarter)
		if err != nil || q < 1 || q > 4 {
			return "", time.Time{}, false
		}
		return bot.EveryQuarter, time.Date(y, time.Month(q*3-2), 1, 0, 0, 0, 0, loc), true
	}
	month, err := time.ParseInLocation("2006-01", p, loc)
	if err != nil {
		return "", time.Time{}, false
	}
	return bot.EveryMonth, month, true
}
