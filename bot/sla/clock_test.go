package sla

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustClock(t *testing.T, p *Plan, sev int, reported time.Time) Clock {
	t.Helper()
	c, err := NewClock(p, sev, reported)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func deadlines(t *testing.T, c Clock, now time.Time) Deadlines {
	t.Helper()
	d, err := c.Deadlines(now)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNewClockRejects(t *testing.T) {
	p := builtin(t, "5x9", shanghai)
	for _, sev := range []int{0, 6} {
		if _, err := NewClock(p, sev, time.Time{}); err == nil || !strings.Contains(err.Error(), "want 1 to 5") {
			t.Errorf("NewClock(severity %d): %v", sev, err)
		}
	}
	if _, err := (Clock{Severity: 1}).Deadlines(time.Time{}); err == nil {
		t.Error("Deadlines without a plan: no error")
	}
}

// TestPauseOverWeekend follows a severe ticket on 5×9 that waits for the
// customer from Friday 11:00 to Monday 09:00.
func TestPauseOverWeekend(t *testing.T) {
	c := mustClock(t, builtin(t, "5x9", shanghai), 2, cst(t, "2026-03-06 10:00"))
	before := deadlines(t, c, c.ReportedAt)
	if diff := cmp.Diff(Deadlines{Response: cst(t, "2026-03-06 15:00"), Resolution: cst(t, "2026-03-10 18:00")}, before, timesOnly); diff != "" {
		t.Fatalf("deadlines before the pause (-want +got):\n%s", diff)
	}

	c = c.Pause(cst(t, "2026-03-06 11:00"))
	if again := c.Pause(cst(t, "2026-03-06 12:00")); !again.PausedSince.Equal(*c.PausedSince) {
		t.Error("pausing a paused clock moved PausedSince")
	}
	sat := cst(t, "2026-03-07 12:00")
	// While paused, the 6h paused so far (Friday 11:00–18:00 less lunch) push the deadline.
	if got, want := deadlines(t, c, sat).Response, cst(t, "2026-03-09 11:00"); !got.Equal(want) {
		t.Errorf("response while paused = %v, want %v", got, want)
	}
	if got, err := c.Elapsed(sat); err != nil || got != time.Hour {
		t.Errorf("Elapsed while paused = %v, %v; want 1h", got, err)
	}
	if got, err := c.Remaining(GoalResponse, sat); err != nil || got != 3*time.Hour {
		t.Errorf("Remaining while paused = %v, %v; want 3h", got, err)
	}

	c, err := c.Resume(cst(t, "2026-03-09 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	if c.PausedSince != nil || c.Paused[1] != 7*time.Hour {
		t.Fatalf("after resume: PausedSince %v, Paused %v; want nil and 7h for severity 2", c.PausedSince, c.Paused)
	}
	after := deadlines(t, c, cst(t, "2026-03-09 09:00"))
	// 1h elapsed before the pause, 3h left from Monday 09:00; the 2 working
	// days close on Tuesday 18:00 and move by the 7h paused.
	want := Deadlines{Response: cst(t, "2026-03-09 12:00"), Resolution: cst(t, "2026-03-11 16:00")}
	if diff := cmp.Diff(want, after, timesOnly); diff != "" {
		t.Errorf("deadlines after the pause (-want +got):\n%s", diff)
	}
	if got, _ := c.Remaining(GoalResponse, cst(t, "2026-03-09 13:30")); got != -30*time.Minute {
		t.Errorf("Remaining at 13:30 = %v, want -30m (12:00–13:30 less lunch)", got)
	}
}

// TestSeverityChangeAfterPause raises a severe ticket to fatal after a pause,
// on a plan whose fatal faults run 7×24.
func TestSeverityChangeAfterPause(t *testing.T) {
	targets := DefaultTargets()
	targets[0].Calendar = preset(t, "7x24", shanghai)
	p, err := NewPlan(PlanSpec{Name: "gold", Calendar: preset(t, "5x9", shanghai), Targets: targets})
	if err != nil {
		t.Fatal(err)
	}
	c := mustClock(t, p, 2, cst(t, "2026-03-06 10:00")).Pause(cst(t, "2026-03-06 11:00"))
	c, err = c.Resume(cst(t, "2026-03-09 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Paused[0] != 70*time.Hour || c.Paused[1] != 7*time.Hour {
		t.Fatalf("Paused = %v, want 70h on 7×24 and 7h on 5×9", c.Paused)
	}
	fatal, err := c.WithSeverity(1)
	if err != nil {
		t.Fatal(err)
	}
	// 1h ran before the pause, so the fatal response is due the moment it
	// resumed, and the 24h resolution 23h later.
	want := Deadlines{Response: cst(t, "2026-03-09 09:00"), Resolution: cst(t, "2026-03-10 08:00")}
	if diff := cmp.Diff(want, deadlines(t, fatal, cst(t, "2026-03-09 09:00")), timesOnly); diff != "" {
		t.Errorf("fatal deadlines (-want +got):\n%s", diff)
	}
	back, err := fatal.WithSeverity(2)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Deadlines{Response: cst(t, "2026-03-09 12:00"), Resolution: cst(t, "2026-03-11 16:00")}, deadlines(t, back, c.ReportedAt), timesOnly); diff != "" {
		t.Errorf("severe again (-want +got):\n%s", diff)
	}
	if _, err := c.WithSeverity(6); err == nil {
		t.Error("WithSeverity(6): no error")
	}
}

// TestSeverityChangeOnPlanCalendar lowers a 5×9 ticket after a pause: the
// deadlines come from the report time, not from the change.
func TestSeverityChangeOnPlanCalendar(t *testing.T) {
	c := mustClock(t, builtin(t, "5x9", shanghai), 2, cst(t, "2026-03-06 10:00")).Pause(cst(t, "2026-03-06 11:00"))
	c, err := c.Resume(cst(t, "2026-03-09 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	c, err = c.WithSeverity(1)
	if err != nil {
		t.Fatal(err)
	}
	// 24h + 7h paused from Friday 10:00: Fri 7h, Mon 9h, Tue 9h, Wed 6h.
	want := Deadlines{Response: cst(t, "2026-03-09 09:00"), Resolution: cst(t, "2026-03-11 15:00")}
	if diff := cmp.Diff(want, deadlines(t, c, cst(t, "2026-03-09 09:00")), timesOnly); diff != "" {
		t.Errorf("deadlines (-want +got):\n%s", diff)
	}
}

func TestReminders(t *testing.T) {
	c := mustClock(t, builtin(t, "7x12", shanghai), 2, cst(t, "2026-03-10 08:00"))
	got, err := c.Reminders(c.ReportedAt)
	if err != nil {
		t.Fatal(err)
	}
	want := []Reminder{
		{GoalResponse, 0.5, cst(t, "2026-03-10 10:00"), RuleSeverity},
		{GoalResponse, 0.8, cst(t, "2026-03-10 11:12"), RuleSeverity},
		// 36 business hours to Thursday 20:00: 18h and 28h48m.
		{GoalResolution, 0.5, cst(t, "2026-03-11 14:00"), RuleSeverity},
		{GoalResolution, 0.8, cst(t, "2026-03-12 12:48"), RuleSeverity},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reminders (-want +got):\n%s", diff)
	}
	if d := deadlines(t, c, c.ReportedAt); !d.Response.Equal(cst(t, "2026-03-10 12:00")) {
		t.Errorf("breach at %v, want 12:00", d.Response)
	}
}

func TestRemindersWithoutResolution(t *testing.T) {
	c := mustClock(t, builtin(t, "5x9", shanghai), 5, cst(t, "2026-03-06 17:30"))
	got, err := c.Reminders(c.ReportedAt)
	if err != nil {
		t.Fatal(err)
	}
	// 3 working days to Wednesday 18:00 hold 27h30m of business time.
	want := []Reminder{
		{GoalResponse, 0.5, cst(t, "2026-03-10 13:15"), RuleSeverity},
		{GoalResponse, 0.8, cst(t, "2026-03-11 11:30"), RuleSeverity},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reminders (-want +got):\n%s", diff)
	}
	if _, err := c.Remaining(GoalResolution, c.ReportedAt); !errors.Is(err, ErrNoTarget) {
		t.Errorf("Remaining(resolution) error = %v, want ErrNoTarget", err)
	}
}

func TestElapsedAndRemaining(t *testing.T) {
	c := mustClock(t, builtin(t, "5x9", shanghai), 1, cst(t, "2026-03-10 11:30"))
	tests := []struct {
		now                string
		elapsed, remaining time.Duration
	}{
		{"2026-03-10 11:30", 0, time.Hour},
		{"2026-03-10 12:45", 30 * time.Minute, 30 * time.Minute},
		{"2026-03-10 13:30", time.Hour, 0},
		{"2026-03-10 19:00", 5*time.Hour + 30*time.Minute, -4*time.Hour - 30*time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.now, func(t *testing.T) {
			now := cst(t, tt.now)
			if got, err := c.Elapsed(now); err != nil || got != tt.elapsed {
				t.Errorf("Elapsed = %v, %v; want %v", got, err, tt.elapsed)
			}
			if got, err := c.Remaining(GoalResponse, now); err != nil || got != tt.remaining {
				t.Errorf("Remaining = %v, %v; want %v", got, err, tt.remaining)
			}
		})
	}
}

func TestResumeRunningClockChangesNothing(t *testing.T) {
	c := mustClock(t, builtin(t, "5x9", shanghai), 2, cst(t, "2026-03-06 10:00"))
	got, err := c.Resume(cst(t, "2026-03-09 09:00"))
	if err != nil || got != c {
		t.Errorf("Resume on a running clock = %+v, %v", got, err)
	}
}
