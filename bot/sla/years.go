package sla

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Years a calendar may hold data for. The bounds keep the day tables small
// and let missing-year reports use a fixed bitset instead of a locked map.
const (
	minYear = 1900
	maxYear = 2411 // minYear + 8*64 - 1
)

// dayKind is what the holiday data says about one date.
type dayKind uint8

const (
	regularDay dayKind = iota // as the weekly pattern says
	offDay                    // a public holiday: no service windows
	makeupDay                 // a weekend date worked with a normal day's hours
)

// yearTable holds one year's special days as bitsets indexed by day of year,
// so the hot path answers "what kind of day is this" with two shifts.
type yearTable struct {
	off, makeup [6]uint64 // 366 bits each
	covered     bool      // the year's schedule is known, not just a stray date
}

// dayTable is the holiday data of a calendar, one yearTable per year from
// first on. A slice indexed by year keeps maps off the hot path. given,
// names and scheduled keep the days as given, for the calendar's
// fingerprint and to name a day for people (scheduled: some entry for the
// date is part of a year's schedule, not a Day.Extra).
type dayTable struct {
	first     int
	years     []yearTable
	given     []Day
	names     map[Date]string
	scheduled map[Date]bool
}

// newDayTable builds the table from days and the years they cover. An empty
// years means every year that has a day in days is covered.
func newDayTable(days []Day, years []int) (dayTable, error) {
	if len(days) == 0 && len(years) == 0 {
		return dayTable{}, nil
	}
	lo, hi, err := yearBounds(days, years)
	if err != nil {
		return dayTable{}, err
	}
	t := dayTable{first: lo, years: make([]yearTable, hi-lo+1), given: days, names: map[Date]string{}, scheduled: map[Date]bool{}}
	for _, d := range days {
		t.names[d.Date] = joinName(t.names[d.Date], d.Name)
		t.scheduled[d.Date] = t.scheduled[d.Date] || !d.Extra
	}
	if err := t.mark(days); err != nil {
		return dayTable{}, err
	}
	if len(years) == 0 {
		for _, d := range days {
			t.years[d.Date.Year-lo].covered = true
		}
	}
	for _, y := range years {
		t.years[y-lo].covered = true
	}
	return t, nil
}

func yearBounds(days []Day, years []int) (lo, hi int, err error) {
	lo, hi = maxYear, minYear
	widen := func(y int) {
		lo, hi = min(lo, y), max(hi, y)
	}
	for _, d := range days {
		if !d.Date.Valid() {
			return 0, 0, fmt.Errorf("day %s (%s): no such date", d.Date, d.Name)
		}
		widen(d.Date.Year)
	}
	for _, y := range years {
		widen(y)
	}
	if lo < minYear || hi > maxYear {
		return 0, 0, fmt.Errorf("holiday data for %d–%d: years must be within %d–%d", lo, hi, minYear, maxYear)
	}
	return lo, hi, nil
}

// mark sets the bits of each day; a date both off and worked is a data error.
func (t *dayTable) mark(days []Day) error {
	for _, d := range days {
		yt := &t.years[d.Date.Year-t.first]
		n := d.Date.yearDay()
		set, other := &yt.makeup, &yt.off
		if d.Off {
			set, other = &yt.off, &yt.makeup
		}
		if other[n/64]&(1<<(n%64)) != 0 {
			return fmt.Errorf("day %s (%s): listed both as a day off and as a make-up working day", d.Date, d.Name)
		}
		set[n/64] |= 1 << (n % 64)
	}
	return nil
}

// kind returns the kind of date d and whether its year's schedule is known.
func (t *dayTable) kind(d Date) (k dayKind, covered bool) {
	i := d.Year - t.first
	if i < 0 || i >= len(t.years) {
		return regularDay, false
	}
	yt := &t.years[i]
	return yt.kindAt(d.yearDay()), yt.covered
}

// hasData reports whether the calendar uses holidays at all; only such
// calendars report missing years (a 7×24 calendar needs no schedule).
func (t *dayTable) hasData() bool { return len(t.years) > 0 }

// yearOf is the year's table, nil when the data has no day in it.
func (t *dayTable) yearOf(year int) *yearTable {
	i := year - t.first
	if i < 0 || i >= len(t.years) {
		return nil
	}
	return &t.years[i]
}

// complete reports whether the year's schedule is known.
func (t *dayTable) complete(year int) bool {
	yt := t.yearOf(year)
	return yt != nil && yt.covered
}

// completeYears lists the years whose schedule is known.
func (t *dayTable) completeYears() []int {
	var out []int
	for i, yt := range t.years {
		if yt.covered {
			out = append(out, t.first+i)
		}
	}
	return out
}

// kindAt is what the year's bits say about day of year n.
func (yt *yearTable) kindAt(n int) dayKind {
	switch {
	case yt.off[n/64]&(1<<(n%64)) != 0:
		return offDay
	case yt.makeup[n/64]&(1<<(n%64)) != 0:
		return makeupDay
	}
	return regularDay
}

// joinName names a date that two entries name: 国庆节、中秋节.
func joinName(a, b string) string {
	switch {
	case a == "" || a == b:
		return b
	case b == "":
		return a
	}
	return a + "、" + b
}

// missingYears calls a hook the first time a computation reaches each year
// the holiday data does not cover. Bits for minYear..maxYear make the
// already-reported check one atomic load; years outside fall back to a map.
type missingYears struct {
	hook  func(calendar string, year int)
	bits  [(maxYear - minYear + 1) / 64]atomic.Uint64
	mu    sync.Mutex
	other map[int]bool
}

// report calls the hook for year unless it was already called for it.
func (m *missingYears) report(calendar string, year int) {
	if m.hook == nil {
		return
	}
	if year < minYear || year > maxYear {
		m.reportOther(calendar, year)
		return
	}
	i := year - minYear
	w, bit := &m.bits[i/64], uint64(1)<<(i%64)
	for {
		old := w.Load()
		if old&bit != 0 {
			return
		}
		if w.CompareAndSwap(old, old|bit) {
			m.hook(calendar, year)
			return
		}
	}
}

func (m *missingYears) reportOther(calendar string, year int) {
	m.mu.Lock()
	seen := m.other[year]
	if !seen {
		if m.other == nil {
			m.other = make(map[int]bool)
		}
		m.other[year] = true
	}
	m.mu.Unlock()
	if !seen {
		m.hook(calendar, year)
	}
}
