package sla

import (
	"testing"
	"time"
)

func TestPeriodStatus(t *testing.T) {
	year := [2]Date{date(2026, 1, 1), date(2026, 12, 31)}
	feb := [2]Date{date(2025, 3, 1), date(2026, 2, 28)}
	tests := []struct {
		name   string
		period [2]Date
		now    time.Time
		want   Status
	}{
		{"day before start", year, cst(t, "2025-12-31 23:59"), NotStarted},
		{"first day", year, cst(t, "2026-01-01 00:00"), Inside},
		{"more than a month left", year, cst(t, "2026-11-30 12:00"), Inside},
		{"a month left", year, cst(t, "2026-12-01 00:00"), EndsSoon},
		{"last day is served in full", year, cst(t, "2026-12-31 23:59"), EndsSoon},
		{"the day after", year, cst(t, "2027-01-01 00:00"), Outside},
		{"read in the zone, not in UTC", year, time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC), Outside},
		{"month end clamps: Jan 31 to Feb 28", feb, cst(t, "2026-01-31 12:00"), Inside},
		{"month end clamps: Feb 1", feb, cst(t, "2026-02-01 12:00"), EndsSoon},
		{"end before start", [2]Date{date(2026, 5, 1), date(2026, 4, 1)}, cst(t, "2026-05-02 12:00"), Outside},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PeriodStatus(tt.period[0], tt.period[1], tt.now, shanghai); got != tt.want {
				t.Errorf("PeriodStatus = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStatusString(t *testing.T) {
	got := []string{NotStarted.String(), Inside.String(), EndsSoon.String(), Outside.String()}
	want := []string{"not_started", "inside", "ends_soon", "outside"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("String = %q, want %q", got[i], want[i])
		}
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2026-02-28")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.next(); got != date(2026, 3, 1) {
		t.Errorf("next = %v", got)
	}
	if got := date(2024, 2, 28).next(); got != date(2024, 2, 29) {
		t.Errorf("leap next = %v", got)
	}
	if got := date(2026, 12, 31).next(); got != date(2027, 1, 1) {
		t.Errorf("year next = %v", got)
	}
	if got := d.AddDays(-59); got != date(2025, 12, 31) {
		t.Errorf("AddDays(-59) = %v", got)
	}
	if got := date(2026, 1, 31).addMonths(1); got != date(2026, 2, 28) {
		t.Errorf("addMonths = %v", got)
	}
	if got := date(2026, 12, 15).addMonths(1); got != date(2027, 1, 15) {
		t.Errorf("addMonths over the year = %v", got)
	}
	if date(2024, 12, 31).yearDay() != 365 || date(2026, 3, 1).yearDay() != 59 {
		t.Error("yearDay")
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("ParseDate(2026-02-30): no error")
	}
	if d.Weekday() != time.Saturday || d.String() != "2026-02-28" {
		t.Errorf("Weekday %v, String %s", d.Weekday(), d)
	}
}
