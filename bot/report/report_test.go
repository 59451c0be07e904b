package report

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

func TestQuantile(t *testing.T) {
	h := time.Hour
	for _, c := range []struct {
		in     []time.Duration
		q      float64
		want   time.Duration
		reason string
	}{
		{nil, 0.5, 0, "none"},
		{[]time.Duration{3 * h}, 0.9, 3 * h, "one"},
		{[]time.Duration{4 * h, h, 3 * h, 2 * h}, 0.5, 2 * h, "nearest rank 2 of 4"},
		{[]time.Duration{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 0.9, 9, "0.9×10 is rank 9, not 10"},
		{[]time.Duration{1, 2, 3}, 0.9, 3, "rank 3 of 3"},
	} {
		if got := Quantile(slices.Clone(c.in), c.q); got != c.want {
			t.Errorf("%s: Quantile(%v, %v) = %v, want %v", c.reason, c.in, c.q, got, c.want)
		}
	}
}

// A deadline is met at the deadline itself, missed a moment after it or
// when it passes unreached, and pending until then.
func TestJudge(t *testing.T) {
	due := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		reached *time.Time
		now     time.Time
		waiting bool
		want    verdict
	}{
		{&due, due.Add(time.Hour), false, met},
		{bot.Ptr(due.Add(time.Second)), due.Add(time.Hour), false, missed},
		{nil, due.Add(time.Second), false, missed},
		{nil, due, false, pending},
		{nil, due.Add(time.Hour), true, pending},
		{bot.Ptr(due.Add(time.Second)), due.Add(time.Hour), true, missed},
	} {
		if got := judge(&due, c.reached, c.now, c.waiting); got != c.want {
			t.Errorf("reached %v, now %v: %v, want %v", c.reached, c.now, got, c.want)
		}
	}
	if judge(nil, nil, due, false) != none {
		t.Error("no deadline is not none")
	}
}

func tickets(descriptions ...string) []bot.Ticket {
	ts := make([]bot.Ticket, len(descriptions))
	for i, d := range descriptions {
		ts[i] = bot.Ticket{ID: int64(i + 1), Description: d}
	}
	return ts
}

func TestSimilar(t *testing.T) {
	got := Similar(tickets("系统无法登录", "打印机无法打印", "系统无法登录，一直转圈", "打印机 无法打印！", "接口调用超时",
		"系统无法登录。", "报表数字不对", "", "！！"))
	want := []Group{{Sample: "系统无法登录", Tickets: []int64{1, 3, 6}}, {Sample: "打印机无法打印", Tickets: []int64{2, 4}}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("groups %v, want %v", got, want)
	}
	if got := Similar(tickets("登录失败", "报表导出慢")); len(got) != 0 {
		t.Fatalf("unlike descriptions grouped: %v", got)
	}
}

// A month of 80,000 tickets is grouped in well under a second.
func BenchmarkSimilar(b *testing.B) {
	phrases := []string{"系统无法登录，提示密码错误", "报表导出很慢", "打印机无法打印", "接口调用超时", "数据不一致，请核对"}
	ds := make([]string, 80000)
	for i := range ds {
		ds[i] = fmt.Sprintf("%s，编号 %d，%s", phrases[i%5], i%997, phrases[(i/5)%5])
	}
	ts := tickets(ds...)
	for b.Loop() {
		Similar(ts)
	}
}

// Visits count by unit against the time promised; a visit made moot by a
// remote fix before its time is not owed; recurring work counts owed, done
// in time, late and open, per unit and kind, each table with its total.
func TestOnSite(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	at := func(day, hour int) *time.Time { return bot.Ptr(time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC)) }
	ts := []bot.Ticket{
		{UnitName: "甲", VisitDue: at(3, 10), VisitArrivedAt: at(3, 9)},                       // on time
		{UnitName: "甲", VisitDue: at(4, 10), VisitArrivedAt: at(4, 11)},                      // late
		{UnitName: "乙", VisitDue: at(5, 10)},                                                 // passed unreached: late
		{UnitName: "乙", VisitDue: bot.Ptr(now.Add(time.Hour))},                               // pending
		{UnitName: "乙", VisitDue: at(6, 10), ResolvedAt: at(6, 8)},                           // solved remotely first
		{UnitName: "甲", Obligation: "巡检", ResolutionDue: at(30, 18), ResolvedAt: at(20, 10)}, // done
		{UnitName: "甲", Obligation: "电话回访", ResolutionDue: at(30, 18)},                       // missed
		{UnitName: "乙", Obligation: "巡检", ResolutionDue: bot.Ptr(now.Add(24 * time.Hour))},   // open
	}
	ts = append(ts, bot.Ticket{ID: 9, UnitName: "甲", VisitDue: at(7, 10), VisitArrivedAt: at(7, 9)}) // escalated, then agreed again
	got := onSite(ts, map[int64]map[string]int{9: {bot.GoalVisit: 1}}, now)
	want := OnSite{
		Visits: []VisitLine{{Unit: "乙", Promised: 2, Late: 1, Pending: 1}, {Unit: "甲", Promised: 3, OnTime: 1, Late: 2}, // by code point
			{Unit: TotalLabel, Promised: 5, OnTime: 1, Late: 3, Pending: 1}},
		Maintenance: []UpkeepLine{{Unit: "乙", Kind: "巡检", Owed: 1, Open: 1}, {Unit: "甲", Kind: "巡检", Owed: 1, Done: 1},
			{Unit: "甲", Kind: "电话回访", Owed: 1, Late: 1}, {Unit: TotalLabel, Owed: 3, Done: 1, Late: 1, Open: 1}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("on site\n got %+v\nwant %+v", got, want)
	}
	if got := onSite(nil, nil, now); len(got.Visits) != 0 || len(got.Maintenance) != 0 {
		t.Fatalf("a month without visits: %+v", got)
	}
}
