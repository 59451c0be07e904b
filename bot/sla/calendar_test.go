package sla

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNewCalendarRejects(t *testing.T) {
	weekdays := func(ws ...Window) (w [7][]Window) {
		for d := time.Monday; d <= time.Friday; d++ {
			w[d] = ws
		}
		return w
	}
	tests := []struct {
		name string
		spec CalendarSpec
		want string
	}{
		{"no name", CalendarSpec{Location: shanghai, Weekly: weekdays(Window{0, time.Hour})}, "no name"},
		{"no zone", CalendarSpec{Name: "c", Weekly: weekdays(Window{0, time.Hour})}, "no time zone"},
		{"no windows", CalendarSpec{Name: "c", Location: shanghai}, "no service windows"},
		{"empty window", CalendarSpec{Name: "c", Location: shanghai, Weekly: weekdays(Window{hm(9, 0), hm(9, 0)})}, "window 09:00-09:00"},
		{"past midnight", CalendarSpec{Name: "c", Location: shanghai, Weekly: weekdays(Window{hm(20, 0), hm(25, 0)})}, "want 00:00 <= start < end <= 24:00"},
		{"overlap", CalendarSpec{Name: "c", Location: shanghai, Weekly: weekdays(Window{hm(8, 0), hm(12, 0)}, Window{hm(11, 0), hm(18, 0)})}, "starts before 08:00-12:00 ends"},
		{"out of order", CalendarSpec{Name: "c", Location: shanghai, Weekly: weekdays(Window{hm(13, 0), hm(18, 0)}, Window{hm(8, 0), hm(12, 0)})}, "starts before"},
		{"bad date", CalendarSpec{Name: "c", Location: shanghai, Weekly: weekdays(Window{0, time.Hour}),
			Days: []Day{{Date: date(2026, 2, 30), Name: "x", Off: true}}}, "2026-02-30 (x): no such date"},
		{"off and worked", CalendarSpec{Name: "c", Location: shanghai, Weekly: weekdays(Window{0, time.Hour}),
			Days: []Day{{Date: date(2026, 2, 14), Off: true}, {Date: date(2026, 2, 14)}}}, "both as a day off and as a make-up"},
		{"make-up without Monday", CalendarSpec{Name: "c", Location: shanghai, Weekly: [7][]Window{time.Tuesday: {{0, time.Hour}}},
			Days: []Day{{Date: date(2026, 2, 14), Name: "春节"}}}, "Monday has no service windows"},
		{"year out of range", CalendarSpec{Name: "c", Location: shanghai, Weekly: weekdays(Window{0, time.Hour}), Years: []int{3000}}, "years must be within"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCalendar(tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewCalendar: got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestNewCalendarMergesTouchingWindows(t *testing.T) {
	c, err := NewCalendar(CalendarSpec{Name: "c", Location: shanghai, Weekly: [7][]Window{
		time.Monday: {{hm(8, 0), hm(12, 0)}, {hm(12, 0), hm(13, 0)}, {hm(14, 0), hm(18, 0)}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Window{{hm(8, 0), hm(13, 0)}, {hm(14, 0), hm(18, 0)}}
	if diff := cmp.Diff(want, c.Weekly(time.Monday)); diff != "" {
		t.Errorf("Monday windows (-want +got):\n%s", diff)
	}
}

func TestIsWorkingDay(t *testing.T) {
	c59, c712 := preset(t, "5x9", shanghai), preset(t, "7x12", shanghai)
	tests := []struct {
		name     string
		cal      *Calendar
		day      Date
		want     bool
		wantOpen string // a moment that is open on working days
	}{
		{"5x9 plain Monday", c59, date(2026, 3, 9), true, "10:00"},
		{"5x9 plain Saturday", c59, date(2026, 3, 7), false, ""},
		{"5x9 New Year holiday", c59, date(2026, 1, 1), false, ""},
		{"5x9 make-up Sunday Jan 4", c59, date(2026, 1, 4), true, "08:00"},
		{"5x9 make-up Saturday Feb 14", c59, date(2026, 2, 14), true, "17:59"},
		{"5x9 Spring Festival Monday", c59, date(2026, 2, 23), false, ""},
		{"5x9 2025 make-up Sunday Apr 27", c59, date(2025, 4, 27), true, "13:00"},
		{"5x9 2025 National Day Wednesday", c59, date(2025, 10, 8), false, ""},
		{"7x12 New Year holiday", c712, date(2026, 1, 1), true, "19:59"},
		{"7x12 Sunday", c712, date(2026, 3, 8), true, "08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.IsWorkingDay(tt.day); got != tt.want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.day, got, tt.want)
			}
			if tt.wantOpen == "" {
				return
			}
			if m := cst(t, tt.day.String()+" "+tt.wantOpen); !tt.cal.IsOpen(m) {
				t.Errorf("IsOpen(%v) = false, want true", m)
			}
		})
	}
}

func TestIsOpen(t *testing.T) {
	c := preset(t, "5x9", shanghai)
	tests := []struct {
		at   string
		want bool
	}{
		{"2026-03-09 07:59", false},
		{"2026-03-09 08:00", true},
		{"2026-03-09 11:59", true},
		{"2026-03-09 12:00", false}, // the end of a window is outside it
		{"2026-03-09 12:30", false},
		{"2026-03-09 13:00", true},
		{"2026-03-09 18:00", false},
		{"2026-03-08 10:00", false},
	}
	for _, tt := range tests {
		t.Run(tt.at, func(t *testing.T) {
			if got := c.IsOpen(cst(t, tt.at)); got != tt.want {
				t.Errorf("IsOpen = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNextOpen(t *testing.T) {
	c59, c712, c724 := preset(t, "5x9", shanghai), preset(t, "7x12", shanghai), preset(t, "7x24", shanghai)
	tests := []struct {
		name     string
		cal      *Calendar
		at, want string
	}{
		{"7x12 at night", c712, "2026-03-10 23:00", "2026-03-11 08:00"},
		{"7x12 after midnight", c712, "2026-03-11 03:00", "2026-03-11 08:00"},
		{"7x12 inside", c712, "2026-03-11 12:34", "2026-03-11 12:34"},
		{"7x12 at close", c712, "2026-03-11 20:00", "2026-03-12 08:00"},
		{"5x9 lunch", c59, "2026-03-10 12:30", "2026-03-10 13:00"},
		{"5x9 Friday night to make-up Saturday", c59, "2026-02-13 23:00", "2026-02-14 08:00"},
		{"5x9 across Spring Festival", c59, "2026-02-14 19:00", "2026-02-24 08:00"},
		{"5x9 weekend", c59, "2026-03-07 10:00", "2026-03-09 08:00"},
		{"7x24 night", c724, "2026-03-11 03:00", "2026-03-11 03:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := tt.cal.NextOpen(cst(t, tt.at)), cst(t, tt.want); !got.Equal(want) {
				t.Errorf("NextOpen(%s) = %v, want %v", tt.at, got, want)
			}
		})
	}
}

func TestAddBusiness(t *testing.T) {
	c59, c712, c724 := preset(t, "5x9", shanghai), preset(t, "7x12", shanghai), preset(t, "7x24", shanghai)
	tests := []struct {
		name      string
		cal       *Calendar
		start     string
		d         time.Duration
		want      string
		wantCount time.Duration // BusinessBetween(start, want); d when zero
	}{
		{"5x9 4h from Friday 17:30", c59, "2026-03-06 17:30", 4 * time.Hour, "2026-03-09 11:30", 0},
		{"5x9 report at 12:30 counts from 13:00", c59, "2026-03-10 12:30", time.Hour, "2026-03-10 14:00", 0},
		{"5x9 ends at the end of a window", c59, "2026-03-10 08:00", 4 * time.Hour, "2026-03-10 12:00", 0},
		{"5x9 ends at close of business", c59, "2026-03-10 08:00", 9 * time.Hour, "2026-03-10 18:00", 0},
		{"5x9 before opening", c59, "2026-03-10 06:00", 30 * time.Minute, "2026-03-10 08:30", 0},
		{"5x9 into make-up Saturday", c59, "2026-02-13 17:00", 4 * time.Hour, "2026-02-14 11:00", 0},
		{"5x9 across Spring Festival", c59, "2026-02-14 17:00", 2 * time.Hour, "2026-02-24 09:00", 0},
		{"5x9 across National Day 2025", c59, "2025-09-30 17:00", 2 * time.Hour, "2025-10-09 09:00", 0},
		{"7x12 24h from opening is two service days", c712, "2026-03-10 08:00", 24 * time.Hour, "2026-03-11 20:00", 0},
		{"7x12 24h from mid-day", c712, "2026-03-10 14:00", 24 * time.Hour, "2026-03-12 14:00", 0},
		{"7x12 from the night", c712, "2026-03-10 22:00", 12 * time.Hour, "2026-03-11 20:00", 0},
		{"7x24 24h is wall time", c724, "2026-03-10 14:00", 24 * time.Hour, "2026-03-11 14:00", 0},
		{"7x24 to midnight", c724, "2026-03-10 20:00", 4 * time.Hour, "2026-03-11 00:00", 0},
		{"zero adds nothing", c59, "2026-03-07 10:00", 0, "2026-03-07 10:00", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, want := cst(t, tt.start), cst(t, tt.want)
			got := tt.cal.AddBusiness(start, tt.d)
			if !got.Equal(want) {
				t.Fatalf("AddBusiness(%s, %v) = %v, want %v", tt.start, tt.d, got, want)
			}
			if back := tt.cal.BusinessBetween(start, got); back != tt.d {
				t.Errorf("BusinessBetween(start, deadline) = %v, want %v", back, tt.d)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	c59, c712, c724 := preset(t, "5x9", shanghai), preset(t, "7x12", shanghai), preset(t, "7x24", shanghai)
	tests := []struct {
		name  string
		cal   *Calendar
		start string
		n     int
		want  string
	}{
		{"5x9 2 days from Friday across the Spring Festival", c59, "2026-02-13 17:00", 2, "2026-02-24 18:00"},
		{"5x9 3 days from Sep 30 into make-up Saturday", c59, "2026-09-30 10:00", 3, "2026-10-10 18:00"},
		{"5x9 report day never counts, even at 08:00", c59, "2026-03-09 08:00", 1, "2026-03-10 18:00"},
		// A report outside service hours counts from the next opening: Monday, which does not count.
		{"5x9 report on a Sunday", c59, "2026-03-08 10:00", 1, "2026-03-10 18:00"},
		{"5x9 report before Monday's opening", c59, "2026-03-09 07:00", 1, "2026-03-10 18:00"},
		{"5x9 report after Monday's close", c59, "2026-03-09 18:30", 1, "2026-03-11 18:00"},
		{"5x9 5 days across the Spring Festival", c59, "2026-02-12 10:00", 5, "2026-02-26 18:00"},
		{"5x9 2025 after the Spring Festival into make-up Feb 8", c59, "2025-02-06 09:00", 2, "2025-02-08 18:00"},
		{"5x9 2025 into make-up Sunday Jan 26", c59, "2025-01-24 09:00", 1, "2025-01-26 18:00"},
		{"5x9 2025 across the Spring Festival", c59, "2025-01-27 09:00", 1, "2025-02-05 18:00"},
		{"7x12 every day works", c712, "2026-01-01 09:00", 2, "2026-01-03 20:00"},
		{"7x24 close is the next midnight", c724, "2026-03-10 09:00", 2, "2026-03-13 00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cal.AddWorkingDays(cst(t, tt.start), tt.n)
			if want := cst(t, tt.want); !got.Equal(want) {
				t.Errorf("AddWorkingDays(%s, %d) = %v, want %v", tt.start, tt.n, got, want)
			}
		})
	}
}

func TestBusinessBetween(t *testing.T) {
	c59 := preset(t, "5x9", shanghai)
	tests := []struct {
		name string
		a, b string
		want time.Duration
	}{
		{"a week of 5x9", "2026-03-09 00:00", "2026-03-16 00:00", 45 * time.Hour},
		{"Spring Festival week: make-up Saturday and no more", "2026-02-14 00:00", "2026-02-24 00:00", 9 * time.Hour},
		{"lunch does not count", "2026-03-10 11:00", "2026-03-10 14:00", 2 * time.Hour},
		{"backwards is zero", "2026-03-10 14:00", "2026-03-10 11:00", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c59.BusinessBetween(cst(t, tt.a), cst(t, tt.b)); got != tt.want {
				t.Errorf("BusinessBetween = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDaylightSaving(t *testing.T) {
	c724, c712, c59 := preset(t, "7x24", berlin), preset(t, "7x12", berlin), preset(t, "5x9", berlin)
	b := func(s string) time.Time { return at(t, berlin, s) }
	t.Run("7x24 spring day has 23 hours", func(t *testing.T) {
		if got := c724.BusinessBetween(b("2026-03-29 00:00"), b("2026-03-30 00:00")); got != 23*time.Hour {
			t.Errorf("got %v", got)
		}
		if got := c724.AddBusiness(b("2026-03-29 00:00"), 23*time.Hour); !got.Equal(b("2026-03-30 00:00")) {
			t.Errorf("AddBusiness 23h = %v", got)
		}
	})
	t.Run("7x24 autumn day has 25 hours", func(t *testing.T) {
		if got := c724.BusinessBetween(b("2026-10-25 00:00"), b("2026-10-26 00:00")); got != 25*time.Hour {
			t.Errorf("got %v", got)
		}
		if got := c724.AddBusiness(b("2026-10-25 00:00"), 24*time.Hour); !got.Equal(b("2026-10-25 23:00")) {
			t.Errorf("AddBusiness 24h = %v", got)
		}
	})
	t.Run("7x24 business is real elapsed time", func(t *testing.T) {
		start := b("2026-03-28 12:00")
		if got, want := c724.AddBusiness(start, 24*time.Hour), start.Add(24*time.Hour); !got.Equal(want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if got := start.Add(24 * time.Hour); !got.Equal(b("2026-03-29 13:00")) {
			t.Errorf("wall clock: got %v", got)
		}
	})
	t.Run("7x12 windows follow the local clock", func(t *testing.T) {
		got := c712.AddBusiness(b("2026-03-28 08:00"), 24*time.Hour)
		if !got.Equal(b("2026-03-29 20:00")) {
			t.Errorf("spring: got %v", got)
		}
		got = c712.AddBusiness(b("2026-10-24 14:00"), 12*time.Hour)
		if !got.Equal(b("2026-10-25 14:00")) {
			t.Errorf("autumn: got %v", got)
		}
	})
	t.Run("a window ending in the skipped hour ends at the jump", func(t *testing.T) {
		for _, tt := range []struct {
			loc    *time.Location
			day    Date
			window Window
			want   time.Duration
		}{
			{berlin, date(2026, 3, 29), Window{hm(1, 0), hm(2, 30)}, time.Hour},
			{berlin, date(2026, 3, 29), Window{hm(2, 10), hm(2, 50)}, 0},
			{berlin, date(2026, 3, 29), Window{hm(2, 30), hm(4, 0)}, time.Hour},
			{mustLoad("America/New_York"), date(2026, 3, 8), Window{hm(1, 54), hm(2, 8)}, 6 * time.Minute},
		} {
			c, err := NewCalendar(CalendarSpec{Name: "night", Location: tt.loc, Weekly: everyDay(tt.window)})
			if err != nil {
				t.Fatal(err)
			}
			day := tt.day.In(tt.loc)
			if got := c.BusinessBetween(day, day.Add(20*time.Hour)); got != tt.want {
				t.Errorf("%s %v on %s: %v open, want %v", tt.loc, tt.window, tt.day, got, tt.want)
			}
		}
	})
	t.Run("5x9 plan in Berlin from Friday", func(t *testing.T) {
		got := c59.AddBusiness(b("2026-03-27 17:00"), 4*time.Hour)
		if want := b("2026-03-30 11:00"); !got.Equal(want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if _, off := got.Zone(); off != 2*3600 {
			t.Errorf("deadline offset %d, want CEST", off)
		}
	})
}

func TestMissingYear(t *testing.T) {
	type report struct {
		Calendar string
		Year     int
	}
	var (
		mu      sync.Mutex
		reports []report
	)
	spec, err := PresetSpec("5x9", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	spec.Statutory = false // the weekly pattern alone, as a calendar with holidays of its own has it
	spec.OnMissingYear = func(cal string, year int) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, report{cal, year})
	}
	c, err := NewCalendar(spec)
	if err != nil {
		t.Fatal(err)
	}
	start := cst(t, "2026-12-30 10:00")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				// Jan 1, 2027 counts as a working day by the weekly pattern.
				if got, want := c.AddWorkingDays(start, 3), cst(t, "2027-01-04 18:00"); !got.Equal(want) {
					t.Errorf("AddWorkingDays = %v, want %v", got, want)
				}
			}
		})
	}
	wg.Wait()
	if diff := cmp.Diff([]report{{"5x9", 2027}}, reports); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
	c.BusinessBetween(cst(t, "2024-12-31 10:00"), cst(t, "2025-01-02 10:00"))
	c.IsWorkingDay(date(2027, 5, 1))
	if diff := cmp.Diff([]report{{"5x9", 2027}, {"5x9", 2024}}, reports); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
}

func TestMissingYearOnlyWithHolidays(t *testing.T) {
	for _, name := range []string{"7x24", "7x12"} {
		t.Run(name, func(t *testing.T) {
			spec, err := PresetSpec(name, shanghai)
			if err != nil {
				t.Fatal(err)
			}
			spec.OnMissingYear = func(cal string, year int) {
				t.Errorf("OnMissingYear(%s, %d) on a calendar without holidays", cal, year)
			}
			c, err := NewCalendar(spec)
			if err != nil {
				t.Fatal(err)
			}
			c.AddWorkingDays(cst(t, "2030-12-30 10:00"), 5)
			if c.HasHolidays() {
				t.Error("HasHolidays = true")
			}
		})
	}
}

func TestMissingYearOutsideBitset(t *testing.T) {
	var calls []int
	c, err := NewCalendar(CalendarSpec{
		Name: "c", Location: time.UTC,
		Weekly:        everyDay(Window{0, 24 * time.Hour}),
		Days:          []Day{{Date: date(2026, 1, 1), Off: true}},
		OnMissingYear: func(_ string, y int) { calls = append(calls, y) },
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		c.IsWorkingDay(date(1800, 1, 1))
		c.IsWorkingDay(date(2500, 1, 1))
	}
	if diff := cmp.Diff([]int{1800, 2500}, calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}
