package sla

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests need Asia/Shanghai and Europe/Berlin on any machine

	"github.com/google/go-cmp/cmp/cmpopts"
)

var (
	shanghai = mustLoad("Asia/Shanghai")
	berlin   = mustLoad("Europe/Berlin")
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at parses "2006-01-02 15:04" in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// cst parses "2006-01-02 15:04" in China Standard Time.
func cst(t testing.TB, s string) time.Time { return at(t, shanghai, s) }

func preset(t testing.TB, name string, loc *time.Location) *Calendar {
	t.Helper()
	c, err := PresetCalendar(name, loc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func builtin(t testing.TB, name string, loc *time.Location) *Plan {
	t.Helper()
	p, err := BuiltinPlan(name, loc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

func date(y int, m time.Month, d int) Date { return Date{y, m, d} }

// timesOnly compares deadlines by their instants, for tests about time
// arithmetic; the rules have tests of their own (channel_test.go).
var timesOnly = cmpopts.IgnoreFields(Deadlines{}, "ResponseRule", "ResolutionRule")
