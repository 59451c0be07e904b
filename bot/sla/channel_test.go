package sla

import (
	"strings"
	"testing"
	"time"
)

// seed001 is a 5×9 plan with seed 001's channel commitments: phone
// requests answered within 2 business hours, e-mailed ones within 4, and
// urgent requests outside service hours within 4 wall-clock hours.
func seed001(t *testing.T) *Plan {
	t.Helper()
	p, err := NewPlan(PlanSpec{Name: "seed001", Calendar: preset(t, "5x9", shanghai), Targets: DefaultTargets(),
		Channels: map[string]ChannelTargets{
			"phone": {Response: Business(2 * time.Hour)},
			"email": {Response: Business(4 * time.Hour)},
		},
		OutOfHours: &OutOfHours{Severities: []int{1, 2}, Response: Wall(4 * time.Hour)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestChannelTargets(t *testing.T) {
	p := seed001(t)
	tests := []struct {
		name     string
		channel  string
		sev      int
		at       string
		response string
		rule     Rule
	}{
		// Minor: 24 business hours by severity (08:00-12:00, 13:00-18:00), 2 by phone.
		{"phone beats the severity", "phone", 3, "2026-03-09 14:05", "2026-03-09 16:05", RuleChannel},
		{"email beats the severity", "email", 3, "2026-03-09 14:05", "2026-03-10 08:05", RuleChannel},
		{"wechat has no channel target", "wechat", 3, "2026-03-09 14:05", "2026-03-12 10:05", RuleSeverity},
		{"no channel", "", 3, "2026-03-09 14:05", "2026-03-12 10:05", RuleSeverity},
		// Fatal: 1 business hour by severity is stricter than the phone's 2.
		{"severity beats the phone", "phone", 1, "2026-03-09 14:05", "2026-03-09 15:05", RuleSeverity},
		// Severe at 21:00: 4 wall-clock hours, not the next morning.
		{"urgent out of hours", "phone", 2, "2026-03-09 21:00", "2026-03-10 01:00", RuleOutOfHours},
		{"urgent on Saturday", "wechat", 1, "2026-03-14 10:00", "2026-03-14 14:00", RuleOutOfHours},
		// In service hours the out-of-hours rule does not apply.
		{"urgent in hours", "wechat", 2, "2026-03-09 10:00", "2026-03-09 15:00", RuleSeverity},
		// A lunch break is not out of hours: the severity's 4h count on.
		{"urgent at lunch", "wechat", 2, "2026-03-09 12:30", "2026-03-09 17:00", RuleSeverity},
		// Minor at night: not an urgent severity; the phone's 2h count from the opening.
		{"minor out of hours", "phone", 3, "2026-03-09 21:00", "2026-03-10 10:00", RuleChannel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustClock(t, p, tt.sev, cst(t, tt.at))
			c.Channel = tt.channel
			d := deadlines(t, c, c.ReportedAt)
			if !d.Response.Equal(cst(t, tt.response)) || d.ResponseRule != tt.rule {
				t.Errorf("response due %v by %q, want %s by %q", d.Response.In(shanghai), d.ResponseRule, tt.response, tt.rule)
			}
		})
	}
}

// An urgent request at night is chased at night: its response reminders
// count wall-clock time and are not held for quiet hours; the resolution's,
// on the severity's targets, wait for the morning.
func TestOutOfHoursReminders(t *testing.T) {
	p := seed001(t)
	c := mustClock(t, p, 2, cst(t, "2026-03-09 21:00"))
	c.Channel = "phone"
	rs, err := c.Reminders(c.ReportedAt)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		goal       Goal
		at, notify string
	}{
		{GoalResponse, "2026-03-09 23:00", "2026-03-09 23:00"},
		{GoalResponse, "2026-03-10 00:12", "2026-03-10 00:12"},
	}
	for i, w := range want {
		r := rs[i]
		if r.Goal != w.goal || !r.At.Equal(cst(t, w.at)) || !c.NotifyAt(r).Equal(cst(t, w.notify)) || r.Rule != RuleOutOfHours {
			t.Errorf("reminder %d: %v at %v, sent %v (%s); want %v at %s, sent %s", i, r.Goal, r.At.In(shanghai), c.NotifyAt(r).In(shanghai), r.Rule, w.goal, w.at, w.notify)
		}
	}
	last := rs[len(rs)-1]
	if last.Goal != GoalResolution || last.Rule != RuleSeverity || c.NotifyAt(last).Before(last.At) || !p.Calendar().IsOpen(c.NotifyAt(last)) {
		t.Errorf("resolution reminder %+v sent %v: want it on the severity's rule, inside service hours", last, c.NotifyAt(last))
	}
}

// A response capped at a stricter resolution takes the resolution's rule
// with its time: a wall-clock resolution at night is chased at night.
func TestCappedResponseTakesTheRule(t *testing.T) {
	p, err := NewPlan(PlanSpec{Name: "p", Calendar: preset(t, "5x9", shanghai), Targets: DefaultTargets(),
		OutOfHours: &OutOfHours{Severities: []int{2}, Resolution: Wall(4 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	c := mustClock(t, p, 2, cst(t, "2026-03-09 21:00"))
	d := deadlines(t, c, c.ReportedAt)
	if !d.Response.Equal(cst(t, "2026-03-10 01:00")) || d.ResponseRule != RuleOutOfHours || d.ResolutionRule != RuleOutOfHours {
		t.Fatalf("deadlines %+v: want both at 01:00 by out_of_hours", d)
	}
	rs, err := c.Reminders(c.ReportedAt)
	if err != nil {
		t.Fatal(err)
	}
	if r := rs[0]; !r.At.Equal(cst(t, "2026-03-09 23:00")) || !c.NotifyAt(r).Equal(r.At) {
		t.Errorf("first reminder %+v, sent %v: want 23:00, not held", r, c.NotifyAt(r))
	}
}

func TestCommitmentOutOfHours(t *testing.T) {
	c := mustClock(t, seed001(t), 2, cst(t, "2026-03-09 21:00"))
	got, err := c.Commitment(c.ReportedAt)
	if err != nil {
		t.Fatal(err)
	}
	want := "我们将在 3月10日（周二）01:00 前响应（非服务时间紧急受理，按自然时间计算），3月12日（周四）18:00 前解决（按 5×9 服务时间计算，节假日顺延）"
	if got != want {
		t.Errorf("commitment\n got %s\nwant %s", got, want)
	}
}

func TestChannelPlanChecks(t *testing.T) {
	cal := preset(t, "5x9", shanghai)
	tests := []struct {
		name string
		spec PlanSpec
		want string
	}{
		{"empty channel", PlanSpec{Channels: map[string]ChannelTargets{"phone": {}}}, "channel phone: sets no target"},
		{"bad channel target", PlanSpec{Channels: map[string]ChannelTargets{"phone": {Response: Business(-time.Hour)}}}, "channel phone response"},
		{"no severities", PlanSpec{OutOfHours: &OutOfHours{Response: Wall(4 * time.Hour)}}, "out of hours: no severities"},
		{"bad severity", PlanSpec{OutOfHours: &OutOfHours{Severities: []int{6}, Response: Wall(4 * time.Hour)}}, "out of hours: severity 6"},
		{"no target", PlanSpec{OutOfHours: &OutOfHours{Severities: []int{1}}}, "out of hours: sets no target"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := tt.spec
			spec.Name, spec.Calendar, spec.Targets = "p", cal, DefaultTargets()
			_, err := NewPlan(spec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewPlan error = %v, want it to say %q", err, tt.want)
			}
		})
	}
}
