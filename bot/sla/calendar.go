package sla

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Window is one service window of a day, from Start to End, both readings of
// the local wall clock as offsets from midnight. End may be 24h, meaning the
// following midnight.
type Window struct {
	Start, End time.Duration
}

// String formats w as 08:00-12:00.
func (w Window) String() string {
	return clockTime(w.Start) + "-" + clockTime(w.End)
}

func clockTime(d time.Duration) string {
	s := fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
	if sec := d % time.Minute; sec != 0 {
		s += fmt.Sprintf(":%02d", int(sec/time.Second))
	}
	return s
}

// Day is one entry of a holiday schedule.
type Day struct {
	Date Date
	Name string // 春节, 国庆节, …: for people reading the data
	// Off is true for a day off (a public holiday) and false for a make-up
	// working day (调休上班): a weekend date worked with the hours of a
	// normal working day, which are Monday's windows.
	Off bool
}

// CalendarSpec describes a business calendar; NewCalendar checks it.
type CalendarSpec struct {
	Name     string
	Location *time.Location // the zone the windows and dates are read in
	// Weekly holds the service windows of each day of the week, indexed by
	// time.Weekday, in order and not overlapping.
	Weekly [7][]Window
	// Days are the holiday schedule: days off and make-up working days.
	Days []Day
	// Years lists the years whose schedule Days holds completely. When it
	// is empty, every year with a date in Days counts as complete.
	Years []int
	// OnMissingYear, when set, is called the first time a computation on a
	// calendar with holiday data reaches a year whose schedule is not known;
	// the computation then goes by the weekly pattern alone. It is called at
	// most once per year, possibly from several goroutines for different
	// years, and must return quickly: it runs inside the computation.
	OnMissingYear func(calendar string, year int)
}

// Calendar answers when service is open and does business-time arithmetic.
// It is immutable once built and safe for concurrent use.
type Calendar struct {
	name    string
	loc     *time.Location
	weekly  [7][]Window
	makeup  []Window // a make-up working day borrows Monday's windows
	days    dayTable
	missing missingYears
}

// NewCalendar checks spec and builds the calendar.
func NewCalendar(spec CalendarSpec) (*Calendar, error) {
	c, err := newCalendar(spec)
	if err != nil && spec.Name == "" {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("calendar %s: %w", spec.Name, err)
	}
	return c, nil
}

func newCalendar(spec CalendarSpec) (*Calendar, error) {
	if spec.Name == "" {
		return nil, errors.New("no name")
	}
	if spec.Location == nil {
		return nil, errors.New("no time zone")
	}
	c := &Calendar{name: spec.Name, loc: spec.Location}
	open := false
	for wd, ws := range spec.Weekly {
		merged, err := checkWindows(ws)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", time.Weekday(wd), err)
		}
		c.weekly[wd] = merged
		open = open || len(merged) > 0
	}
	if !open {
		return nil, errors.New("no service windows on any day of the week")
	}
	c.makeup = c.weekly[time.Monday]
	if err := c.setDays(spec); err != nil {
		return nil, err
	}
	c.missing.hook = spec.OnMissingYear
	return c, nil
}

func (c *Calendar) setDays(spec CalendarSpec) error {
	if len(c.makeup) == 0 {
		for _, d := range spec.Days {
			if !d.Off {
				return fmt.Errorf("make-up working day %s (%s): Monday has no service windows to work by", d.Date, d.Name)
			}
		}
	}
	t, err := newDayTable(spec.Days, spec.Years)
	if err != nil {
		return err
	}
	c.days = t
	return nil
}

// checkWindows validates one day's windows and merges windows that touch,
// so that the walks see each stretch of open time once.
func checkWindows(ws []Window) ([]Window, error) {
	var out []Window
	for i, w := range ws {
		if w.Start < 0 || w.End > 24*time.Hour || w.Start >= w.End {
			return nil, fmt.Errorf("window %s: want 00:00 <= start < end <= 24:00", w)
		}
		if i > 0 && w.Start < ws[i-1].End {
			return nil, fmt.Errorf("window %s: starts before %s ends (list windows in order, without overlap)", w, ws[i-1])
		}
		if n := len(out); n > 0 && out[n-1].End == w.Start {
			out[n-1].End = w.End
			continue
		}
		out = append(out, w)
	}
	return out, nil
}

// Name returns the calendar's name, such as 5x9.
func (c *Calendar) Name() string { return c.name }

// Location returns the zone the calendar reads its windows and dates in.
func (c *Calendar) Location() *time.Location { return c.loc }

// HasHolidays reports whether the calendar has holiday data, that is whether
// deadlines on it move for public holidays.
func (c *Calendar) HasHolidays() bool { return c.days.hasData() }

// Weekly returns the service windows of a day of the week.
func (c *Calendar) Weekly(wd time.Weekday) []Window {
	return slices.Clone(c.weekly[wd])
}

// IsWorkingDay reports whether date d has service windows: a day of the
// week with windows that is not a day off, or a make-up working day.
func (c *Calendar) IsWorkingDay(d Date) bool {
	return len(c.windows(d, d.Weekday())) > 0
}

// windows returns the service windows of date d, whose weekday is wd.
func (c *Calendar) windows(d Date, wd time.Weekday) []Window {
	if !c.days.hasData() {
		return c.weekly[wd]
	}
	k, covered := c.days.kind(d)
	if !covered {
		c.missing.report(c.name, d.Year)
	}
	switch k {
	case offDay:
		return nil
	case makeupDay:
		return c.makeup
	}
	return c.weekly[wd]
}

// span returns window w of a day as instants, starting no earlier than
// floor. Clamping to floor (the start of a walk, or the end of the previous
// window) keeps windows from overlapping when a daylight-saving change folds
// the wall clock, so no stretch of time is counted twice.
func (c *Calendar) span(day dayClock, w Window, floor time.Time) (start, end time.Time) {
	start, end = day.at(w.Start), day.at(w.End)
	if start.Before(floor) {
		start = floor
	}
	if end.Before(start) {
		end = start
	}
	return start, end
}

// dateOf returns the calendar date of t in the calendar's zone.
func (c *Calendar) dateOf(t time.Time) Date {
	return DateOf(t.In(c.loc))
}
