package sla

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
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
	// Extra marks a day added on its own (a company day, a day written in
	// the policy file), not as part of a year's complete schedule.
	Extra bool
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
	// Statutory: the calendar follows China's schedule, so a year whose
	// schedule is not known counts China's statutory public holidays
	// (StatutoryDays) on top of the weekly pattern: a provisional year.
	Statutory bool
	// OnMissingYear, when set, is called the first time a computation on a
	// calendar with holiday data reaches a year whose schedule is not known;
	// the computation then goes by the weekly pattern (and, on a Statutory
	// calendar, the statutory holidays). It is called at most once per
	// year, possibly from several goroutines for different years, and must
	// return quickly: it runs inside the computation.
	OnMissingYear func(calendar string, year int)
}

// Calendar answers when service is open and does business-time arithmetic.
// It is safe for concurrent use. Its hours never change; its holiday data
// grows when a year's official schedule arrives (AddYear).
type Calendar struct {
	name      string
	loc       *time.Location
	weekly    [7][]Window
	makeup    []Window                 // a make-up working day borrows Monday's windows
	days      atomic.Pointer[dayTable] // the schedule as given: complete years and stray days
	statutory bool
	// own and ownYears are the spec's days and the years they complete;
	// added holds the years added since (AddYear), by year. mu orders the
	// writers; readers only load days.
	mu       sync.Mutex
	own      []Day
	ownYears []int
	added    map[int][]Day
	prov     provisionalYears
	missing  missingYears
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
	c.statutory = spec.Statutory
	t, err := c.buildDays(spec.Days, spec.Years)
	if err != nil {
		return nil, err
	}
	c.days.Store(t)
	c.own, c.ownYears = slices.Clone(spec.Days), t.completeYears()
	c.missing.hook = spec.OnMissingYear
	return c, nil
}

func (c *Calendar) buildDays(days []Day, years []int) (*dayTable, error) {
	if len(c.makeup) == 0 {
		for _, d := range days {
			if !d.Off {
				return nil, fmt.Errorf("make-up working day %s (%s): Monday has no service windows to work by", d.Date, d.Name)
			}
		}
	}
	t, err := newDayTable(days, years)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// ErrOwnYear is AddYear's answer for a year whose complete schedule is
// part of the calendar's own data (its spec): a year added at run time
// does not replace it.
var ErrOwnYear = errors.New("the calendar's own data has this year's schedule")

// AddYear adds a year's complete schedule (days off and make-up working
// days, which may reach into the neighbouring years), as when its official
// notice arrives while the calendar is in use, or replaces the one added
// before for that year. Computations from then on count the year on it. The
// days add to the calendar's own; a day that contradicts one of them (off
// and worked) is an error, and nothing changes. So is a year the calendar's
// own data completes (ErrOwnYear).
func (c *Calendar) AddYear(year int, days []Day) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, added, err := c.withYear(year, days)
	if err != nil {
		return err
	}
	c.added = added
	c.days.Store(t)
	return nil
}

// CheckYear reports the error AddYear would return for the year, and
// changes nothing.
func (c *Calendar) CheckYear(year int, days []Day) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _, err := c.withYear(year, days)
	return err
}

func (c *Calendar) withYear(year int, days []Day) (*dayTable, map[int][]Day, error) {
	switch {
	case year < minYear || year > maxYear:
		return nil, nil, fmt.Errorf("calendar %s: year %d: out of range %d–%d", c.name, year, minYear, maxYear)
	case slices.Contains(c.ownYears, year):
		return nil, nil, fmt.Errorf("calendar %s: year %d: %w", c.name, year, ErrOwnYear)
	}
	added := maps.Clone(c.added)
	if added == nil {
		added = map[int][]Day{}
	}
	added[year] = slices.Clone(days)
	given, years := slices.Clone(c.own), slices.Clone(c.ownYears)
	for _, y := range slices.Sorted(maps.Keys(added)) {
		given, years = append(given, added[y]...), append(years, y)
	}
	t, err := c.buildDays(given, years)
	if err != nil {
		return nil, nil, fmt.Errorf("calendar %s: %w", c.name, err)
	}
	return t, added, nil
}

// Fingerprint identifies the calendar's holiday data as it is now: the
// years it has complete and every day given. A changed fingerprint means
// the work scheduled on the calendar may have to move.
func (c *Calendar) Fingerprint() string {
	t := c.days.Load()
	days := slices.Clone(t.given)
	slices.SortFunc(days, func(a, b Day) int {
		if n := a.Date.Compare(b.Date); n != 0 {
			return n
		}
		return cmp.Compare(btoi(a.Off), btoi(b.Off))
	})
	h := sha256.New()
	fmt.Fprintf(h, "%s statutory=%t years=%v\n", c.name, c.statutory, t.completeYears())
	for _, d := range days {
		fmt.Fprintf(h, "%s %t\n", d.Date, d.Off)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
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
func (c *Calendar) HasHolidays() bool { return c.statutory || c.days.Load().hasData() }

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
	switch k := c.kindOf(d); k {
	case offDay:
		return nil
	case makeupDay:
		return c.makeup
	}
	return c.weekly[wd]
}

// kindOf is what the holiday data says about date d: the year's complete
// schedule, or else (a missing year, reported once) its stray days on the
// weekly pattern, and on a statutory calendar the statutory holidays.
func (c *Calendar) kindOf(d Date) dayKind {
	t := c.days.Load()
	if !t.hasData() && !c.statutory {
		return regularDay
	}
	k, covered := t.kind(d)
	if covered {
		return k
	}
	c.missing.report(c.name, d.Year)
	if c.statutory {
		return c.prov.kind(t, d)
	}
	return k
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

// YearData says where a year's days off come from on a calendar.
type YearData int

// Sources of a year's days off.
const (
	NoHolidays YearData = iota // the calendar follows no holiday schedule (7×24, 7×12)
	Official                   // the year's complete schedule is known
	Statutory                  // the statutory holidays only: provisional until the year's notice
	WeeklyOnly                 // the weekly pattern only: the year's schedule is missing
)

func (y YearData) String() string {
	return [...]string{"no holidays", "official", "statutory", "weekly pattern"}[y]
}

// Year says where the days off of year come from.
func (c *Calendar) Year(year int) YearData {
	t := c.days.Load()
	switch {
	case !t.hasData() && !c.statutory:
		return NoHolidays
	case t.complete(year):
		return Official
	case c.statutory && year >= statutoryFrom && year <= maxYear:
		return Statutory
	}
	return WeeklyOnly
}

// Statutory reports whether the calendar follows China's schedule, counting
// the statutory holidays in a year without it.
func (c *Calendar) Statutory() bool { return c.statutory }

// OfficialYears lists the years whose complete schedule the calendar has.
func (c *Calendar) OfficialYears() []int { return c.days.Load().completeYears() }

// ProvisionalYears lists the years from from to to (inclusive, in the
// calendar's zone) whose days off are not the official schedule: answers
// about them may change when the notice comes.
func (c *Calendar) ProvisionalYears(from, to time.Time) []int {
	var out []int
	for y := c.dateOf(from).Year; y <= c.dateOf(to).Year; y++ {
		if d := c.Year(y); d == Statutory || d == WeeklyOnly {
			out = append(out, y)
		}
	}
	return out
}

// DayInfo is what a calendar says of one date, for people reading it.
type DayInfo struct {
	Working bool   // the date has service windows
	Off     bool   // a day off by the holiday data (not just a weekend)
	Makeup  bool   // a make-up working day
	Name    string // the holiday's name, when the data names it
	Source  YearData
	// Scheduled: the date is listed by a year's schedule (Off or Makeup),
	// not only as a day added on its own (Day.Extra).
	Scheduled bool
}

// Explain says what the calendar makes of date d and why.
func (c *Calendar) Explain(d Date) DayInfo {
	k := c.kindOf(d)
	info := DayInfo{Working: c.IsWorkingDay(d), Off: k == offDay, Makeup: k == makeupDay, Source: c.Year(d.Year)}
	t := c.days.Load()
	info.Name, info.Scheduled = t.names[d], t.scheduled[d]
	if info.Source == Statutory && info.Name == "" {
		for _, s := range StatutoryDays(d.Year) {
			if s.Date == d {
				info.Name = joinName(info.Name, s.Name)
			}
		}
	}
	return info
}
