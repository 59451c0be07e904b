package sla

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// Property tests: random calendars (random windows, holidays and make-up
// days, zones with and without daylight saving) with random starts and
// targets, from fixed seeds so that a failure can be replayed.

const propertyCases = 3000

var propertyZones = []*time.Location{time.UTC, shanghai, berlin, mustLoad("America/New_York")}

// randomCalendar builds a calendar whose holiday data covers 2025–2027.
func randomCalendar(t *testing.T, r *rand.Rand) *Calendar {
	t.Helper()
	spec := CalendarSpec{Name: "random", Location: propertyZones[r.IntN(len(propertyZones))]}
	for wd := range spec.Weekly {
		spec.Weekly[wd] = randomWindows(r)
	}
	if len(spec.Weekly[time.Monday]) == 0 && r.IntN(2) == 0 {
		spec.Weekly[time.Monday] = []Window{{hm(9, 0), hm(17, 0)}}
	}
	if slices.IndexFunc(spec.Weekly[:], func(ws []Window) bool { return len(ws) > 0 }) < 0 {
		spec.Weekly[time.Wednesday] = []Window{{hm(10, 0), hm(11, 0)}}
	}
	spec.Days = randomDays(r, len(spec.Weekly[time.Monday]) > 0)
	spec.Years = []int{2025, 2026, 2027}
	c, err := NewCalendar(spec)
	if err != nil {
		t.Fatalf("random calendar: %v (%+v)", err, spec)
	}
	return c
}

// randomWindows returns up to three windows on minute boundaries, with the
// odd one ending at 24:00.
func randomWindows(r *rand.Rand) []Window {
	k := r.IntN(4)
	if k == 0 {
		return nil
	}
	seen := map[int]bool{}
	var points []int
	for len(points) < 2*k {
		p := r.IntN(24*60 + 1)
		if r.IntN(10) == 0 {
			p = 24 * 60
		}
		if !seen[p] {
			seen[p] = true
			points = append(points, p)
		}
	}
	slices.Sort(points)
	var ws []Window
	for i := 0; i < len(points); i += 2 {
		ws = append(ws, Window{time.Duration(points[i]) * time.Minute, time.Duration(points[i+1]) * time.Minute})
	}
	return ws
}

func randomDays(r *rand.Rand, makeup bool) []Day {
	var days []Day
	used := map[Date]bool{}
	for range r.IntN(60) {
		d := randomDate(r)
		if used[d] {
			continue
		}
		used[d] = true
		days = append(days, Day{Date: d, Name: "random", Off: !makeup || r.IntN(3) > 0})
	}
	return days
}

func randomDate(r *rand.Rand) Date {
	return date(2025, time.January, 1).AddDays(r.IntN(3 * 365))
}

// randomStart picks a moment in 2025–2026, one in five close to a
// daylight-saving change in Europe or America.
func randomStart(r *rand.Rand, loc *time.Location) time.Time {
	if r.IntN(5) == 0 {
		near := []Date{date(2026, 3, 8), date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 1)}[r.IntN(4)]
		return near.In(loc).Add(time.Duration(r.Int64N(int64(72*time.Hour))) - 24*time.Hour)
	}
	return randomDate(r).In(loc).Add(time.Duration(r.Int64N(int64(24 * time.Hour))))
}

func randomDuration(r *rand.Rand) time.Duration {
	if r.IntN(4) == 0 {
		return time.Duration(1 + r.Int64N(int64(time.Hour)))
	}
	return time.Duration(1+r.IntN(120*60)) * time.Minute
}

func TestPropertyRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range propertyCases {
		c := randomCalendar(t, r)
		start, d := randomStart(r, c.loc), randomDuration(r)
		due := c.AddBusiness(start, d)
		if got := c.BusinessBetween(start, due); got != d {
			t.Fatalf("case %d in %s: BusinessBetween(%v, AddBusiness(start, %v) = %v) = %v", i, c.loc, start, d, due, got)
		}
		if !c.IsOpen(due.Add(-time.Nanosecond)) {
			t.Fatalf("case %d in %s: AddBusiness(%v, %v) = %v is not inside or at the end of a window", i, c.loc, start, d, due)
		}
	}
}

func TestPropertyMonotonic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range propertyCases {
		c := randomCalendar(t, r)
		start, d := randomStart(r, c.loc), randomDuration(r)
		later, longer := start.Add(randomDuration(r)), d+randomDuration(r)
		base := c.AddBusiness(start, d)
		if got := c.AddBusiness(later, d); got.Before(base) {
			t.Fatalf("case %d: a later start (%v after %v) moved the deadline back: %v < %v", i, later, start, got, base)
		}
		if got := c.AddBusiness(start, longer); got.Before(base) {
			t.Fatalf("case %d: a longer target (%v over %v) moved the deadline back: %v < %v", i, longer, d, got, base)
		}
		n := 1 + r.IntN(10)
		days := c.AddWorkingDays(start, n)
		if got := c.AddWorkingDays(later, n); got.Before(days) {
			t.Fatalf("case %d: %d working days from a later start moved back: %v < %v", i, n, got, days)
		}
		if got := c.AddWorkingDays(start, n+1); !got.After(days) {
			t.Fatalf("case %d: %d working days not after %d: %v <= %v", i, n+1, n, got, days)
		}
		if !c.IsOpen(days.Add(-time.Nanosecond)) {
			t.Fatalf("case %d: close of business %v is not the end of a window", i, days)
		}
	}
}

func TestPropertyBetweenAdds(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range propertyCases {
		c := randomCalendar(t, r)
		a := randomStart(r, c.loc)
		b := a.Add(time.Duration(r.Int64N(int64(200 * time.Hour))))
		m := a.Add(time.Duration(r.Int64N(int64(b.Sub(a) + 1))))
		if whole, parts := c.BusinessBetween(a, b), c.BusinessBetween(a, m)+c.BusinessBetween(m, b); whole != parts {
			t.Fatalf("case %d: BusinessBetween(%v, %v) = %v, split at %v = %v", i, a, b, whole, m, parts)
		}
		open := c.NextOpen(a)
		if open.Before(a) || !c.IsOpen(open) || c.BusinessBetween(a, open) != 0 {
			t.Fatalf("case %d: NextOpen(%v) = %v", i, a, open)
		}
	}
}

// TestPropertyClock checks that pausing gives back exactly the business time
// paused: elapsed time at the deadline equals the target, unless the
// response was capped at the resolution (then it is less).
func TestPropertyClock(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := range propertyCases / 3 {
		cal := randomCalendar(t, r)
		p, err := NewPlan(PlanSpec{Name: "random", Calendar: cal, Targets: DefaultTargets()})
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewClock(p, 1+r.IntN(4), randomStart(r, cal.loc))
		if err != nil {
			t.Fatal(err)
		}
		from := c.ReportedAt.Add(randomDuration(r))
		c, err = c.Pause(from).Resume(from.Add(randomDuration(r) * 10))
		if err != nil {
			t.Fatal(err)
		}
		d, err := c.Deadlines(from)
		if err != nil {
			t.Fatal(err)
		}
		target := p.targets[c.Severity-1].Response.Duration
		capped := d.Response.Equal(d.Resolution)
		if got, err := c.Elapsed(d.Response); err != nil || got != target && !(capped && got < target) {
			t.Fatalf("case %d: Elapsed at the response deadline %v = %v, %v; want %v", i, d.Response, got, err, target)
		}
	}
}

// TestPropertyResumeFrom checks that moving the promised deadlines by the
// pause gives what counting again from the report gives, as long as the
// calendar did not change: keeping promises costs nothing in the common
// case.
func TestPropertyResumeFrom(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for i := range propertyCases / 3 {
		cal := randomCalendar(t, r)
		p, err := NewPlan(PlanSpec{Name: "random", Calendar: cal, Targets: DefaultTargets()})
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewClock(p, 1+r.IntN(5), randomStart(r, cal.loc))
		if err != nil {
			t.Fatal(err)
		}
		// A first pause, resumed the old way, then the one under test.
		from := c.ReportedAt.Add(randomDuration(r))
		if c, err = c.Pause(from).Resume(from.Add(randomDuration(r))); err != nil {
			t.Fatal(err)
		}
		promised, err := c.Deadlines(from)
		if err != nil {
			t.Fatal(err)
		}
		pausedAt := from.Add(randomDuration(r) * 3)
		resumedAt := pausedAt.Add(randomDuration(r) * 5)
		paused := c.Pause(pausedAt)
		want, err := paused.Resume(resumedAt)
		if err != nil {
			t.Fatal(err)
		}
		wantDue, err := want.Deadlines(resumedAt)
		if err != nil {
			t.Fatal(err)
		}
		got, gotDue, err := paused.ResumeFrom(promised, resumedAt)
		if err != nil || got.PausedSince != nil || got.Paused != want.Paused ||
			!gotDue.Response.Equal(wantDue.Response) || !gotDue.Resolution.Equal(wantDue.Resolution) {
			t.Fatalf("case %d (%s, severity %d, reported %v, paused %v–%v): ResumeFrom = %v, %+v, %v; counting again gives %+v",
				i, cal.name, c.Severity, c.ReportedAt, pausedAt, resumedAt, got.Paused, gotDue, err, wantDue)
		}
	}
}
