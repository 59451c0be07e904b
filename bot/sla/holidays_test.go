package sla

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseHolidayCN(t *testing.T) {
	in := `{
	    "$schema": "https://example.invalid/schema.json",
	    "year": 2027,
	    "papers": ["https://example.invalid/notice"],
	    "days": [
	        {"name": "元旦", "date": "2026-12-31", "isOffDay": true},
	        {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
	        {"name": "春节", "date": "2027-02-06", "isOffDay": false}
	    ]
	}`
	year, days, err := ParseHolidayCN(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if year != 2027 {
		t.Errorf("year = %d, want 2027", year)
	}
	want := []Day{
		{Date: date(2026, 12, 31), Name: "元旦", Off: true},
		{Date: date(2027, 1, 1), Name: "元旦", Off: true},
		{Date: date(2027, 2, 6), Name: "春节", Off: false},
	}
	if diff := cmp.Diff(want, days); diff != "" {
		t.Errorf("days (-want +got):\n%s", diff)
	}
}

func TestParseHolidayCNErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not JSON", `{"year":`, "holiday-cn: unexpected EOF"},
		{"no year", `{"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`, "year 0: missing"},
		{"not published", `{"year":2027,"papers":[],"days":[]}`, "holiday-cn 2027: no days"},
		{"bad date", `{"year":2027,"days":[{"name":"元旦","date":"2027-13-01","isOffDay":true}]}`, `day 1: date "2027-13-01": want YYYY-MM-DD`},
		{"far date", `{"year":2027,"days":[{"name":"元旦","date":"2029-01-01","isOffDay":true}]}`, "not in or next to 2027"},
		{"no isOffDay", `{"year":2027,"days":[{"name":"元旦","date":"2027-01-01"}]}`, "isOffDay missing"},
		{"more after the object", `{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]} garbage{{{`, "more after the year's JSON object"},
		{"two objects", `{"year":2027,"days":[]}{"year":2028,"days":[]}`, "more after the year's JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseHolidayCN(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestChinaHolidays checks the embedded files against the State Council
// notices, day by day.
func TestChinaHolidays(t *testing.T) {
	days, years := ChinaHolidays()
	if diff := cmp.Diff([]int{2025, 2026}, years); diff != "" {
		t.Errorf("years (-want +got):\n%s", diff)
	}
	var off, worked []string
	for _, d := range days {
		if d.Off {
			off = append(off, d.Date.String())
		} else {
			worked = append(worked, d.Date.String())
		}
	}
	wantWorked := []string{
		"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
		"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
	}
	if diff := cmp.Diff(wantWorked, worked); diff != "" {
		t.Errorf("make-up working days (-want +got):\n%s", diff)
	}
	wantOff := joinRanges(
		span("2025-01-01", 1), span("2025-01-28", 8), span("2025-04-04", 3), span("2025-05-01", 5),
		span("2025-05-31", 3), span("2025-10-01", 8),
		span("2026-01-01", 3), span("2026-02-15", 9), span("2026-04-04", 3), span("2026-05-01", 5),
		span("2026-06-19", 3), span("2026-09-25", 3), span("2026-10-01", 7),
	)
	if diff := cmp.Diff(wantOff, off); diff != "" {
		t.Errorf("days off (-want +got):\n%s", diff)
	}
}

// span lists n dates from first on.
func span(first string, n int) []string {
	d, err := ParseDate(first)
	if err != nil {
		panic(err)
	}
	var out []string
	for range n {
		out = append(out, d.String())
		d = d.next()
	}
	return out
}

func joinRanges(rs ...[]string) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r...)
	}
	return out
}

func TestChinaHolidaysAreTheCallers(t *testing.T) {
	days, years := ChinaHolidays()
	days[0].Name = "changed"
	years[0] = 1999
	again, againYears := ChinaHolidays()
	if again[0].Name == "changed" || againYears[0] == 1999 {
		t.Error("ChinaHolidays shares its slices")
	}
}
