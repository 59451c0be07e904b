package sla

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBuiltinPlanMatrix(t *testing.T) {
	for _, name := range []string{"7x24", "7x12", "5x9"} {
		t.Run(name, func(t *testing.T) {
			p := builtin(t, name, shanghai)
			if p.Name() != name || p.Calendar().Name() != name {
				t.Errorf("plan %s on calendar %s", p.Name(), p.Calendar().Name())
			}
			var got []string
			for sev := 1; sev <= Severities; sev++ {
				ts, err := p.Targets(sev)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ts.Response.String()+"/"+ts.Resolution.String()+"@"+ts.Calendar.Name())
			}
			want := []string{"1h/24h@" + name, "4h/2d@" + name, "24h/3d@" + name, "48h/5d@" + name, "3d/none@" + name}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]float64{0.5, 0.8}, p.Reminders()); diff != "" {
				t.Errorf("reminders (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := BuiltinPlan("gold", shanghai); err == nil || !strings.Contains(err.Error(), `no such built-in calendar`) {
		t.Errorf("BuiltinPlan(gold): %v", err)
	}
	if DefaultPlan != "7x12" {
		t.Errorf("DefaultPlan = %q", DefaultPlan)
	}
}

func TestBuiltinDeadlines(t *testing.T) {
	tests := []struct {
		name                 string
		plan                 string
		sev                  int
		reported             string
		response, resolution string // resolution "" means no target
	}{
		{"7x12 severe from opening", "7x12", 2, "2026-03-10 08:00", "2026-03-10 12:00", "2026-03-12 20:00"},
		{"7x12 fatal at night", "7x12", 1, "2026-03-10 22:00", "2026-03-11 09:00", "2026-03-12 20:00"},
		{"7x24 fatal", "7x24", 1, "2026-03-10 14:00", "2026-03-10 15:00", "2026-03-11 14:00"},
		{"7x24 severe closes at midnight", "7x24", 2, "2026-03-10 14:00", "2026-03-10 18:00", "2026-03-13 00:00"},
		{"5x9 severe into the Spring Festival", "5x9", 2, "2026-02-13 17:00", "2026-02-14 11:00", "2026-02-24 18:00"},
		{"5x9 normal before National Day", "5x9", 3, "2026-09-30 10:00", "2026-10-09 17:00", "2026-10-10 18:00"},
		{"5x9 minor", "5x9", 4, "2026-03-06 10:00", "2026-03-13 14:00", "2026-03-13 18:00"},
		{"5x9 suggestion", "5x9", 5, "2026-03-06 17:30", "2026-03-11 18:00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClock(builtin(t, tt.plan, shanghai), tt.sev, cst(t, tt.reported))
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Deadlines(c.ReportedAt)
			if err != nil {
				t.Fatal(err)
			}
			want := Deadlines{Response: cst(t, tt.response)}
			if tt.resolution != "" {
				want.Resolution = cst(t, tt.resolution)
			}
			if diff := cmp.Diff(want, got, timesOnly); diff != "" {
				t.Errorf("deadlines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewPlanRejects(t *testing.T) {
	cal := preset(t, "5x9", shanghai)
	tests := []struct {
		name string
		spec PlanSpec
		want string
	}{
		{"no name", PlanSpec{Calendar: cal}, "no name"},
		{"no calendar", PlanSpec{Name: "gold"}, "plan gold: no calendar"},
		{"reminder of 1", PlanSpec{Name: "gold", Calendar: cal, Reminders: []float64{0.5, 1}}, "reminder 1: want a fraction between 0 and 1"},
		{"reminder twice", PlanSpec{Name: "gold", Calendar: cal, Reminders: []float64{0.5, 0.5}}, "reminder 0.5: listed twice"},
		{"quiet severity 6", PlanSpec{Name: "gold", Calendar: cal, QuietExempt: []int{6}}, "quiet-hours exemption: severity 6: want 1 to 5"},
		{"seconds target", PlanSpec{Name: "gold", Calendar: cal, Targets: [Severities]SeverityTargets{2: {Response: Business(30 * time.Second)}}},
			"severity 3 response: target of 30s: want whole minutes"},
		{"zero days", PlanSpec{Name: "gold", Calendar: cal, Targets: [Severities]SeverityTargets{{Resolution: WorkingDays(0)}}},
			"severity 1 resolution: target 0d: working days must be from 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPlan(tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestPlanReminders(t *testing.T) {
	p, err := NewPlan(PlanSpec{Name: "p", Calendar: preset(t, "7x12", shanghai), Reminders: []float64{0.9, 0.25}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{0.25, 0.9}, p.Reminders()); diff != "" {
		t.Errorf("reminders (-want +got):\n%s", diff)
	}
	none, err := NewPlan(PlanSpec{Name: "p", Calendar: preset(t, "7x12", shanghai), Reminders: []float64{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(none.Reminders()) != 0 {
		t.Errorf("reminders = %v, want none", none.Reminders())
	}
}

func TestNotifyAt(t *testing.T) {
	c59, c724 := preset(t, "5x9", shanghai), preset(t, "7x24", shanghai)
	def := builtin(t, "5x9", shanghai)
	noExempt, err := NewPlan(PlanSpec{Name: "strict", Calendar: c59, Targets: DefaultTargets(), QuietExempt: []int{}})
	if err != nil {
		t.Fatal(err)
	}
	fatal724 := DefaultTargets()
	fatal724[0].Calendar = c724
	mixed, err := NewPlan(PlanSpec{Name: "mixed", Calendar: c59, Targets: fatal724, QuietExempt: []int{}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		plan *Plan
		sev  int
		at   string
		want string
	}{
		{"severe waits for the morning", def, 2, "2026-03-10 23:00", "2026-03-11 08:00"},
		{"fatal is exempt by default", def, 1, "2026-03-10 23:00", "2026-03-10 23:00"},
		{"inside hours goes at once", def, 3, "2026-03-10 10:00", "2026-03-10 10:00"},
		{"no exemptions: fatal waits too", noExempt, 1, "2026-03-10 23:00", "2026-03-11 08:00"},
		{"fatal on 7x24 is always in hours", mixed, 1, "2026-03-10 23:00", "2026-03-10 23:00"},
		{"unknown severity waits", def, 9, "2026-03-10 23:00", "2026-03-11 08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.plan.NotifyAt(tt.sev, cst(t, tt.at)); !got.Equal(cst(t, tt.want)) {
				t.Errorf("NotifyAt = %v, want %s", got, tt.want)
			}
		})
	}
}
