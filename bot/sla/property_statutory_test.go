package sla

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// Property tests over China's schedule from 2025 to 2035: random hours on
// a statutory calendar with the official 2025–2026 data, stray days later
// on, random reports and targets (business hours and working days).

// randomStatutoryCalendar builds a statutory calendar with random hours
// and, now and then, stray days between 2027 and 2035.
func randomStatutoryCalendar(t *testing.T, r *rand.Rand) (*Calendar, map[Date]bool) {
	t.Helper()
	spec := CalendarSpec{Name: "random-cn", Location: shanghai, Statutory: true}
	for wd := range spec.Weekly {
		spec.Weekly[wd] = randomWindows(r)
	}
	spec.Weekly[time.Monday] = append([]Window(nil), Window{hm(9, 0), hm(17, 0)}) // make-up days work by Monday
	spec.Days, spec.Years = ChinaHolidays()
	makeup, used := map[Date]bool{}, map[Date]bool{}
	for range r.IntN(20) {
		d := date(2027, time.January, 1).AddDays(r.IntN(9 * 365))
		if used[d] {
			continue
		}
		used[d] = true
		off := r.IntN(2) == 0
		if !off {
			makeup[d] = true
		}
		spec.Days = append(spec.Days, Day{Date: d, Name: "stray", Off: off})
	}
	c, err := NewCalendar(spec)
	if err != nil {
		t.Fatalf("random calendar: %v", err)
	}
	return c, makeup
}

func randomCNStart(r *rand.Rand) time.Time {
	return date(2025, time.January, 1).In(shanghai).Add(time.Duration(r.Int64N(int64(11 * 365 * 24 * time.Hour))))
}

func randomTargets(r *rand.Rand, cal *Calendar) SeverityTargets {
	target := func() Target {
		if r.IntN(2) == 0 {
			return Business(time.Duration(1+r.IntN(60)) * time.Hour)
		}
		return WorkingDays(1 + r.IntN(10))
	}
	return SeverityTargets{Response: target(), Resolution: target(), Calendar: cal}
}

// inService reports whether t is in service time or ends it: a deadline is
// never in the middle of a night, a weekend or a holiday.
func inService(c *Calendar, t time.Time) bool {
	return c.IsOpen(t) || c.IsOpen(t.Add(-time.Nanosecond))
}

func TestPropertyStatutoryDeadlines(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i := range propertyCases / 3 {
		cal, _ := randomStatutoryCalendar(t, r)
		var ts [Severities]SeverityTargets
		ts[0] = randomTargets(r, cal)
		p, err := NewPlan(PlanSpec{Name: "random", Calendar: cal, Targets: ts, Reminders: []float64{0.5, 0.8}})
		if err != nil {
			t.Fatal(err)
		}
		// A later report close to the first: across a night, a weekend or
		// a holiday is where a later report could come out due earlier.
		a := randomCNStart(r)
		b := a.Add(time.Duration(r.Int64N(int64(96 * time.Hour))))
		da, ra := deadlinesAndReminders(t, p, a)
		db, _ := deadlinesAndReminders(t, p, b)
		for _, due := range append([]time.Time{da.Response, da.Resolution}, ra...) {
			if !inService(cal, due) {
				t.Fatalf("case %d: from %v (%v): %v is outside service time", i, a, ts[0], due)
			}
		}
		if da.Response.After(da.Resolution) {
			t.Fatalf("case %d: from %v (%v): response %v after resolution %v", i, a, ts[0], da.Response, da.Resolution)
		}
		if db.Response.Before(da.Response) || db.Resolution.Before(da.Resolution) {
			t.Fatalf("case %d: %v (%v) is due earlier than %v (%v) on %v", i, b, db, a, da, ts[0])
		}
	}
}

func deadlinesAndReminders(t *testing.T, p *Plan, at time.Time) (Deadlines, []time.Time) {
	t.Helper()
	c, err := NewClock(p, 1, at)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Deadlines(at)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := c.Reminders(at)
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Time
	for _, rm := range rs {
		out = append(out, rm.At)
	}
	return d, out
}

// Every statutory holiday of a provisional year is off, unless the policy
// made it a working day itself.
func TestPropertyProvisionalYearsKeepStatutoryDays(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for range 50 {
		cal, makeup := randomStatutoryCalendar(t, r)
		for y := 2027; y <= 2035; y++ {
			if cal.Year(y) != Statutory {
				t.Fatalf("%d: %v, want statutory", y, cal.Year(y))
			}
			for _, d := range StatutoryDays(y) {
				if cal.IsWorkingDay(d.Date) && !makeup[d.Date] {
					t.Fatalf("%s (%s) is a working day", d.Date, d.Name)
				}
			}
		}
	}
	if !slices.Equal(chinaYears(), []int{2025, 2026}) {
		t.Fatalf("official years %v", chinaYears())
	}
}

// chinaYears lists the official years shipped.
func chinaYears() []int {
	_, years := ChinaHolidays()
	slices.Sort(years)
	return years
}
