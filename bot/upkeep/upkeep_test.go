package upkeep_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/bot/upkeep"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, shanghai)
}

func testPolicy(t *testing.T) *policy.Policy {
	t.Helper()
	p, err := policy.Build(policy.File{Units: []policy.UnitFile{{Name: "甲 单位", Plan: "5x9", Maintenance: []policy.ObligationFile{
		{Kind: "巡检", Every: "month", OnSite: true}, {Kind: "电话回访", Every: "quarter"}, {Kind: "日常维护", Every: "year"}}}}},
		policy.Options{Location: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A period's work is due at the close of business of its last working
// day on the plan's calendar.
func TestLastClose(t *testing.T) {
	p := testPolicy(t)
	for _, c := range []struct {
		name, calendar string
		from, to, want time.Time
	}{
		{"December on 5x9: Thursday the 31st", "5x9", at(2026, 12, 1, 0, 0), at(2027, 1, 1, 0, 0), at(2026, 12, 31, 18, 0)},
		{"October on 5x9: the 31st is a Saturday", "5x9", at(2026, 10, 1, 0, 0), at(2026, 11, 1, 0, 0), at(2026, 10, 30, 18, 0)},
		{"Q3 on 5x9: 30 September, eve of 国庆", "5x9", at(2026, 7, 1, 0, 0), at(2026, 10, 1, 0, 0), at(2026, 9, 30, 18, 0)},
		{"2026 on 5x9", "5x9", at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0), at(2026, 12, 31, 18, 0)},
		{"December on 7x12", "7x12", at(2026, 12, 1, 0, 0), at(2027, 1, 1, 0, 0), at(2026, 12, 31, 20, 0)},
		{"December on 7x24: the period's end", "7x24", at(2026, 12, 1, 0, 0), at(2027, 1, 1, 0, 0), at(2027, 1, 1, 0, 0)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := upkeep.LastClose(p.Calendars[c.calendar], c.from, c.to); !got.Equal(c.want) {
				t.Errorf("due %v, want %v", got, c.want)
			}
		})
	}
	cal := p.Calendars["5x9"]
	if due, ok := upkeep.CloseOf(cal, sla.Date{Year: 2026, Month: 12, Day: 18}); !ok || !due.Equal(at(2026, 12, 18, 18, 0)) {
		t.Errorf("close of Friday 18 December: %v, %v", due, ok)
	}
	if _, ok := upkeep.CloseOf(cal, sla.Date{Year: 2026, Month: 12, Day: 20}); ok {
		t.Error("Sunday 20 December has a close of business")
	}
}

// Each obligation opens its period at 09:00 on the period's first working
// day; Jobs gives this period's opening and the next one's.
func TestOpenJobs(t *testing.T) {
	p := testPolicy(t)
	type row struct{ Key, Payload, Ref string }
	var got []row
	due := map[string]time.Time{}
	for _, j := range upkeep.Jobs(p, at(2026, 11, 30, 10, 0)) {
		if j.Kind != upkeep.JobOpen {
			t.Fatalf("kind %q", j.Kind)
		}
		got = append(got, row{j.Key, j.Payload, j.Ref})
		due[j.Key] = j.DueAt
	}
	want := []row{
		{"upkeep_open:甲单位:巡检:2026-11", "巡检", "甲 单位"}, {"upkeep_open:甲单位:巡检:2026-12", "巡检", "甲 单位"},
		{"upkeep_open:甲单位:电话回访:2026-Q4", "电话回访", "甲 单位"}, {"upkeep_open:甲单位:电话回访:2027-Q1", "电话回访", "甲 单位"},
		{"upkeep_open:甲单位:日常维护:2026", "日常维护", "甲 单位"}, {"upkeep_open:甲单位:日常维护:2027", "日常维护", "甲 单位"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("jobs (-want +got):\n%s", diff)
	}
	for key, want := range map[string]time.Time{
		"upkeep_open:甲单位:巡检:2026-11":   at(2026, 11, 2, 9, 0), // 1 November is a Sunday
		"upkeep_open:甲单位:巡检:2026-12":   at(2026, 12, 1, 9, 0), // a Tuesday
		"upkeep_open:甲单位:电话回访:2026-Q4": at(2026, 10, 8, 9, 0), // after 国庆
		"upkeep_open:甲单位:电话回访:2027-Q1": at(2027, 1, 4, 9, 0),  // 元旦 (statutory: 2027 is provisional), then a weekend
		"upkeep_open:甲单位:日常维护:2027":    at(2027, 1, 4, 9, 0),
		"upkeep_open:甲单位:日常维护:2026":    at(2026, 1, 4, 9, 0), // 1–3 January 2026: 元旦
	} {
		if !due[key].Equal(want) {
			t.Errorf("%s due %v, want %v", key, due[key], want)
		}
	}
}

// A maintenance ticket's period is read back from its opening key.
func TestPeriodOfTicket(t *testing.T) {
	for _, c := range []struct {
		key, kind, name string
		from, to        time.Time
		ok              bool
	}{
		{"upkeep_open:甲单位:巡检:2026-12", "巡检", "2026年12月", at(2026, 12, 1, 0, 0), at(2027, 1, 1, 0, 0), true},
		{"upkeep_open:a:b:单位:电话回访:2026-Q4", "电话回访", "2026年第4季度", at(2026, 10, 1, 0, 0), at(2027, 1, 1, 0, 0), true},
		{"upkeep_open:甲单位:日常维护:2027", "日常维护", "2027年", at(2027, 1, 1, 0, 0), at(2028, 1, 1, 0, 0), true},
		{"upkeep_open:甲单位:巡检:2026-Q5", "巡检", "", time.Time{}, time.Time{}, false},
		{"msg:o1:1", "巡检", "", time.Time{}, time.Time{}, false},
	} {
		from, to, name, ok := upkeep.Period(&bot.Ticket{OpenedBy: c.key, Obligation: c.kind}, shanghai)
		if ok != c.ok || name != c.name || !from.Equal(c.from) || !to.Equal(c.to) {
			t.Errorf("%s: %v %v %q %v", c.key, from, to, name, ok)
		}
	}
	o := bot.Obligation{Kind: "巡检", Every: bot.EveryMonth, OnSite: true}
	if got := upkeep.Description(o, "2026年12月"); got != "2026年12月 巡检（上门）" {
		t.Errorf("description %q", got)
	}
	if got := upkeep.Description(bot.Obligation{Kind: "电话回访", Every: bot.EveryQuarter}, "2026年第4季度"); got != "2026年第4季度 电话回访" {
		t.Errorf("description %q", got)
	}
}

// The days a lead may name for 改期, today being Tuesday 8 December 2026.
func TestParseDay(t *testing.T) {
	today := sla.Date{Year: 2026, Month: 12, Day: 8}
	day := func(y int, m time.Month, d int) sla.Date { return sla.Date{Year: y, Month: m, Day: d} }
	for text, want := range map[string]sla.Date{
		"2026-12-20": day(2026, 12, 20), "2026/12/20": day(2026, 12, 20), "2026年12月20日": day(2026, 12, 20),
		"2027-1-5": day(2027, 1, 5), "12-20": day(2026, 12, 20), "12/20": day(2026, 12, 20), "12月20日": day(2026, 12, 20),
		"12月20号": day(2026, 12, 20), " 1-15 ": day(2027, 1, 15), "12-1": day(2027, 12, 1), "12-08": day(2026, 12, 8),
		"今天": today, "明天": day(2026, 12, 9), "后天": day(2026, 12, 10),
		"周五": day(2026, 12, 11), "本周五": day(2026, 12, 11), "星期一": day(2026, 12, 7), "周日": day(2026, 12, 13),
		"下周五": day(2026, 12, 18), "下星期一": day(2026, 12, 14), "下周日": day(2026, 12, 20), "礼拜三": day(2026, 12, 9),
	} {
		if got, ok := upkeep.ParseDay(text, today); !ok || got != want {
			t.Errorf("%q: %v, %v; want %v", text, got, ok, want)
		}
	}
	for _, text := range []string{"", "下下周五", "2026-02-30", "13-01", "12-20 17:00", "月底", "周八", "20261220"} {
		if got, ok := upkeep.ParseDay(text, today); ok {
			t.Errorf("%q read as %v", text, got)
		}
	}
}
