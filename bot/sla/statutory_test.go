package sla

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The statutory holidays of 2027–2030, checked against a second source: the
// dates of 春节 (正月初一), 清明, 端午 and 中秋 as the Hong Kong Observatory's
// Gregorian–lunar calendar conversion tables give them, transcribed here.
func TestStatutoryDaysAgainstTheObservatory(t *testing.T) {
	for _, c := range []struct {
		year                                    int
		springFestival, qingming, duanwu, midAu string
	}{
		{2027, "2027-02-06", "2027-04-05", "2027-06-09", "2027-09-15"},
		{2028, "2028-01-26", "2028-04-04", "2028-05-28", "2028-10-03"},
		{2029, "2029-02-13", "2029-04-04", "2029-06-16", "2029-09-22"},
		{2030, "2030-02-03", "2030-04-05", "2030-06-05", "2030-09-12"},
	} {
		sf := mustDate(t, c.springFestival)
		want := map[Date]string{
			{c.year, time.January, 1}: "元旦",
			sf.AddDays(-1):            "春节", sf: "春节", sf.AddDays(1): "春节", sf.AddDays(2): "春节",
			mustDate(t, c.qingming): "清明节",
			{c.year, time.May, 1}:   "劳动节", {c.year, time.May, 2}: "劳动节",
			mustDate(t, c.duanwu):     "端午节",
			{c.year, time.October, 1}: "国庆节", {c.year, time.October, 2}: "国庆节", {c.year, time.October, 3}: "国庆节",
		}
		want[mustDate(t, c.midAu)] = joinName(want[mustDate(t, c.midAu)], "中秋节") // 2028: 国庆节、中秋节
		got := map[Date]string{}
		for _, d := range StatutoryDays(c.year) {
			if !d.Off {
				t.Errorf("%d: %s %s is not a day off", c.year, d.Date, d.Name)
			}
			got[d.Date] = joinName(got[d.Date], d.Name)
		}
		if len(got) != len(want) {
			t.Errorf("%d: %d statutory dates, want %d: %v", c.year, len(got), len(want), got)
		}
		for date, name := range want {
			if got[date] != name {
				t.Errorf("%d: %s is %q, want %q", c.year, date, got[date], name)
			}
		}
	}
}

// The official schedules shipped for 2025 and 2026 give every statutory
// holiday off: the two sources agree where both speak.
func TestStatutoryDaysWithinTheOfficialSchedules(t *testing.T) {
	days, years := ChinaHolidays()
	off := map[Date]bool{}
	for _, d := range days {
		off[d.Date] = d.Off
	}
	for _, y := range years {
		for _, d := range StatutoryDays(y) {
			if !off[d.Date] {
				t.Errorf("%s (%s) is statutory but not off in the official %d schedule", d.Date, d.Name, y)
			}
		}
	}
	if StatutoryDays(2024) != nil || StatutoryDays(maxYear+1) != nil {
		t.Error("statutory days outside 2025–maxYear")
	}
}

// A year without its official schedule is provisional on a statutory
// calendar: the statutory days are off, the weekly pattern does the rest,
// and a stray day of the policy's adds to it (a make-up day wins).
func TestProvisionalYear(t *testing.T) {
	spec, err := PresetSpec("5x9", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	spec.Days = append(spec.Days, Day{Date: Date{2027, time.February, 20}, Name: "春节", Off: false},
		Day{Date: Date{2027, time.February, 9}, Name: "春节", Off: true})
	c, err := NewCalendar(spec)
	if err != nil {
		t.Fatal(err)
	}
	for date, want := range map[string]bool{
		"2027-01-01": false, // 元旦, a Friday
		"2027-02-04": true,  // the Thursday before 除夕
		"2027-02-05": false, // 除夕
		"2027-02-08": false, // 初三, a Monday
		"2027-02-09": false, // a stray day off
		"2027-02-20": true,  // a stray make-up Saturday
		"2027-04-05": false, // 清明, a Monday
		"2027-06-09": false, // 端午
		"2027-10-04": true,  // the Monday after 国庆: only the notice can make it a day off
	} {
		if got := c.IsWorkingDay(mustDate(t, date)); got != want {
			t.Errorf("%s working %v, want %v", date, got, want)
		}
	}
	for y, want := range map[int]YearData{2026: Official, 2027: Statutory} {
		if got := c.Year(y); got != want {
			t.Errorf("year %d: %v, want %v", y, got, want)
		}
	}
}

// A year's official schedule arriving replaces its provisional count.
func TestAddYear(t *testing.T) {
	c, err := PresetCalendar("5x9", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	monday := mustDate(t, "2027-10-04")
	if !c.IsWorkingDay(monday) {
		t.Fatal("the Monday after 国庆 is off before the notice")
	}
	err = c.AddYear(2027, []Day{{Date: mustDate(t, "2027-10-04"), Name: "国庆节", Off: true},
		{Date: mustDate(t, "2027-10-09"), Name: "国庆节", Off: false}})
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(monday) || !c.IsWorkingDay(mustDate(t, "2027-10-09")) || c.Year(2027) != Official {
		t.Fatal("the official 2027 schedule is not used")
	}
	if c.IsWorkingDay(mustDate(t, "2027-01-01")) == false {
		t.Error("an official year counts only its own days, not the statute's") // the notice lists every day off
	}
	before := c.Fingerprint()
	if err := c.AddYear(2027, []Day{{Date: monday, Name: "x", Off: true}, {Date: monday, Name: "x", Off: false}}); err == nil {
		t.Error("a contradicting day was taken")
	}
	if c.Fingerprint() != before || c.IsWorkingDay(monday) {
		t.Error("a refused year changed the calendar")
	}
	// A corrected schedule replaces the one added before: the days it no
	// longer lists go back to the weekly pattern.
	if err := c.AddYear(2027, []Day{{Date: mustDate(t, "2027-10-05"), Name: "国庆节", Off: true}}); err != nil {
		t.Fatal(err)
	}
	if !c.IsWorkingDay(monday) || c.IsWorkingDay(mustDate(t, "2027-10-05")) || c.IsWorkingDay(mustDate(t, "2027-10-09")) {
		t.Error("the corrected 2027 schedule did not replace the first")
	}
	if c.Fingerprint() == before {
		t.Error("the fingerprint did not change with the data")
	}
	// A year of the calendar's own data is not replaced at run time.
	if err := c.AddYear(2026, []Day{{Date: mustDate(t, "2026-10-09"), Name: "x", Off: true}}); !errors.Is(err, ErrOwnYear) || !c.IsWorkingDay(mustDate(t, "2026-10-09")) {
		t.Errorf("AddYear(2026) = %v, want ErrOwnYear and nothing changed", err)
	}
}

// A year given as complete must give every statutory holiday off.
func TestCheckComplete(t *testing.T) {
	days, years := ChinaHolidays()
	for _, y := range years {
		if err := CheckComplete(y, days); err != nil {
			t.Errorf("shipped %d: %v", y, err)
		}
	}
	part := []Day{{Date: mustDate(t, "2027-01-01"), Name: "元旦", Off: true}}
	err := CheckComplete(2027, part)
	if err == nil || !strings.Contains(err.Error(), "2027-02-05 (春节) is a statutory public holiday but not a day off here") {
		t.Errorf("one day as the year 2027: %v", err)
	}
	if err := CheckComplete(2024, nil); err != nil {
		t.Errorf("before the regulations: %v", err)
	}
}

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
