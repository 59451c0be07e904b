package sla

import "time"

// dayClock turns readings of one day's local wall clock into instants.
//
// Most days the zone keeps one offset from midnight to midnight, and a
// reading is midnight plus the offset: one time.Date per day instead of one
// per window edge, which is what keeps the deadline walks fast. On the few
// days a zone changes its offset, each reading goes through time.Date and
// the daylight-saving gap is handled (see wallInstant).
type dayClock struct {
	date     Date
	loc      *time.Location
	midnight time.Time
	uniform  bool // one offset all day: at(off) is midnight + off
}

func newDayClock(d Date, loc *time.Location) dayClock {
	m := d.In(loc)
	_, zoneEnd := m.ZoneBounds()
	h, min, sec := m.Clock()
	// A midnight that the clock skips reads otherwise; such a day is not uniform.
	uniform := (zoneEnd.IsZero() || !zoneEnd.Before(m.Add(24*time.Hour))) &&
		h == 0 && min == 0 && sec == 0 && m.Day() == d.Day
	return dayClock{date: d, loc: loc, midnight: m, uniform: uniform}
}

// at returns the instant the wall clock reads off (0 to 24h) on the day.
func (c dayClock) at(off time.Duration) time.Time {
	if c.uniform {
		return c.midnight.Add(off)
	}
	return wallInstant(c.date, off, c.loc)
}

// wallInstant returns the instant the wall clock of loc reads off on day d.
// A reading the clock skips when daylight saving starts (02:30 on a spring
// night in Berlin) maps to the moment of the jump, so a window 01:00–02:30
// ends when the clock jumps from 02:00 to 03:00. time.Date alone would move
// such a reading an hour either way, depending on the zone, and could put a
// window's end before its start.
func wallInstant(d Date, off time.Duration, loc *time.Location) time.Time {
	t := d.at(off, loc)
	want := d.at(off, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	start, end := t.ZoneBounds()
	switch {
	case got.Before(want) && !end.IsZero():
		return end
	case got.After(want) && !start.IsZero():
		return start
	}
	return t
}
