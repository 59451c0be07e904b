package sla

import "time"

// Business-time arithmetic. Every walk goes day by day in the calendar's zone
// and reads each window on the local wall clock (see dayClock), so a day of a
// 7×24 calendar lasts 23 or 25 hours across a daylight-saving change and
// business time is real elapsed time inside the windows. The walks allocate
// nothing.

// IsOpen reports whether t is inside a service window. The end of a window
// is outside it.
func (c *Calendar) IsOpen(t time.Time) bool {
	day := c.dateOf(t)
	ws := c.windows(day, day.Weekday())
	if len(ws) == 0 {
		return false
	}
	clock := newDayClock(day, c.loc)
	var floor time.Time
	for _, w := range ws {
		start, end := c.span(clock, w, floor)
		if !t.Before(start) && t.Before(end) {
			return true
		}
		floor = end
	}
	return false
}

// InServiceDay reports whether t falls between the opening of its day's
// first service window and the close of its last: in service hours, or in
// a break between them (a lunch hour). Outside it are nights, and days
// without service.
func (c *Calendar) InServiceDay(t time.Time) bool {
	day := c.dateOf(t)
	ws := c.windows(day, day.Weekday())
	if len(ws) == 0 {
		return false
	}
	clock := newDayClock(day, c.loc)
	first, _ := c.span(clock, ws[0], time.Time{})
	_, last := c.span(clock, ws[len(ws)-1], time.Time{})
	return !t.Before(first) && t.Before(last)
}

// NextOpen returns the first moment at or after t inside service hours: t
// itself when it is inside a window, otherwise the start of the next window.
// Notifications that should not wake anyone at night wait for it.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	var open time.Time
	c.walk(t, endless, func(start, end time.Time) bool {
		if start.Before(end) {
			open = start
			return false
		}
		return true
	})
	return open
}

// AddBusiness returns the instant at which d of business time has elapsed
// from start. Time before the first window is not counted, so a start outside
// service hours counts from the next window's start. When the instant is the
// very end of a window, that end is returned, not the start of the next
// window. A d of zero or less returns start.
func (c *Calendar) AddBusiness(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start
	}
	var due time.Time
	c.walk(start, endless, func(from, to time.Time) bool {
		open := to.Sub(from)
		if d <= open {
			due = from.Add(d)
			return false
		}
		d -= open
		return true
	})
	return due
}

// BusinessBetween returns the business time inside service windows between a
// and b; zero when b is not after a.
func (c *Calendar) BusinessBetween(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	var sum time.Duration
	c.walk(a, c.dateOf(b), func(from, to time.Time) bool {
		if to.After(b) {
			to = b
		}
		if to.After(from) {
			sum += to.Sub(from)
		}
		return true
	})
	return sum
}

// endless, as the last date of a walk, means it has none: the walk goes on
// until the caller has what it looks for. It always ends, since every
// calendar has windows on some day of the week (NewCalendar checks). It is
// not a real date (month 0), so no bounded walk mistakes its last date for it.
var endless = Date{}

// walk goes day by day from the date of from through the date last (for
// ever when last is endless) and calls visit with each service window as
// instants, in order, until visit returns false. Each window starts no
// earlier than from or the end of the window before (see span), so windows
// never overlap and no business time is counted twice. It is the one walk of
// NextOpen, AddBusiness and BusinessBetween.
func (c *Calendar) walk(from time.Time, last Date, visit func(start, end time.Time) bool) {
	day := c.dateOf(from)
	wd := day.Weekday()
	floor := from
	bounded := last != endless
	for ; !bounded || !day.After(last); day, wd = day.next(), (wd+1)%7 {
		ws := c.windows(day, wd)
		if len(ws) == 0 {
			continue
		}
		clock := newDayClock(day, c.loc)
		for _, w := range ws {
			start, end := c.span(clock, w, floor)
			if !visit(start, end) {
				return
			}
			floor = end
		}
	}
}

// AddWorkingDays returns the close of business (the end of the last window)
// of the nth working day after the day the clock starts: the date of start
// when start is in service hours, else the date of the next opening (a
// report outside service hours is taken as received then). That day never
// counts, whatever the hour: a report at 08:00 on Monday with n = 1 is due
// at the close of Tuesday, and so is one at 07:00 on Monday or on the
// Saturday before. A later start is never due earlier. An n below 1
// returns start.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	if n < 1 {
		return start
	}
	day := c.dateOf(c.NextOpen(start))
	wd := day.Weekday()
	for {
		day, wd = day.next(), (wd+1)%7
		closing, ok := c.closing(day, wd)
		if !ok {
			continue
		}
		if n--; n == 0 {
			return closing
		}
	}
}

// closing returns the end of the last window of a day, and false when the
// day has no open time: not a working day, or (on a daylight-saving night)
// windows that fall wholly in the hour the clock skips.
func (c *Calendar) closing(day Date, wd time.Weekday) (time.Time, bool) {
	ws := c.windows(day, wd)
	if len(ws) == 0 {
		return time.Time{}, false
	}
	clock := newDayClock(day, c.loc)
	var floor, closing time.Time
	open := false
	for _, w := range ws {
		from, to := c.span(clock, w, floor)
		if from.Before(to) {
			closing, open = to, true
		}
		floor = to
	}
	return closing, open
}
