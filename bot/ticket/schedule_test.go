package ticket_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/ticket"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

// A maintenance ticket opened with a due time (Report.Due) is due then for
// both goals, on no rule of the plan; only its resolution is chased, with
// the plan's reminders at fractions of [opened, due] in business time.
// A lead's MoveDue moves both deadlines and the chase; a resolved ticket
// does not move.
func TestScheduledTicket(t *testing.T) {
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, loc) }
	rec := storetest.SQLite(t)
	p, err := policy.Build(policy.File{Units: []policy.UnitFile{{Name: "甲单位", Plan: "5x9"}}}, policy.Options{Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	now := at(12, 1, 9, 0)
	clock := func() time.Time { return now }
	n := notify.New(notify.Deps{Clock: clock, Policy: p, Staff: rec.Staff, Customers: rec.Customers, Tickets: rec.Tickets})
	lc := ticket.New(ticket.Deps{Clock: clock, Policy: p, Tickets: rec.Tickets, Units: rec.Units, Customers: rec.Customers, Notify: n})
	due := at(12, 31, 18, 0)
	o, err := lc.Open(ctx, ticket.Report{Channel: bot.ChannelOther, OpenID: "upkeep:甲单位", Key: "upkeep_open:甲单位:巡检:2026-12",
		Unit: "甲单位", Description: "2026年12月 巡检（上门）", Severity: 4, At: now, CallBack: true, Obligation: "巡检", Due: due,
		Events: func(*bot.Ticket) []bot.Event { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	tk := o.Ticket
	if tk.Kind != bot.KindMaintenance || tk.Obligation != "巡检" || !tk.ResponseDue.Equal(due) || tk.ResolutionDue == nil ||
		!tk.ResolutionDue.Equal(due) || tk.ResponseRule != "" || tk.ResolutionRule != "" {
		t.Fatalf("opened %+v", tk)
	}
	// 206 business hours from Tuesday 09:00 to Thursday 31st 18:00 (9 a
	// working day): half of them end on Wednesday 16th at 14:00, 0.8 on
	// Friday 25th at 11:48.
	want := map[string]time.Time{
		bot.DeadlineKey(tk.ID, bot.JobRemind, bot.GoalResolution, "0.5", due): at(12, 16, 14, 0),
		bot.DeadlineKey(tk.ID, bot.JobRemind, bot.GoalResolution, "0.8", due): at(12, 25, 11, 48),
		bot.DeadlineKey(tk.ID, bot.JobBreach, bot.GoalResolution, "0", due):   due,
	}
	if diff := cmp.Diff(want, pending(t, rec), timeEqual); diff != "" {
		t.Fatalf("jobs (-want +got):\n%s", diff)
	}

	now = at(12, 8, 10, 0)
	lead := &bot.Staff{Number: "009", Name: "王主管", RolesText: bot.RoleLead}
	moved := at(12, 18, 18, 0)
	tk2, applied, err := lc.MoveDue(ctx, lead, tk, moved, "改期")
	if err != nil || !applied || !tk2.ResponseDue.Equal(moved) || !tk2.ResolutionDue.Equal(moved) {
		t.Fatalf("MoveDue: %+v, %v, %v", tk2, applied, err)
	}
	// 125 business hours from the 1st to Friday 18th 18:00: half of them
	// end on Thursday 10th at 08:30, 0.8 on Wednesday 16th at 10:00. The
	// old jobs stay, moot: their keys carry the old deadline.
	want = map[string]time.Time{
		bot.DeadlineKey(tk.ID, bot.JobRemind, bot.GoalResolution, "0.5", moved): at(12, 10, 8, 30),
		bot.DeadlineKey(tk.ID, bot.JobRemind, bot.GoalResolution, "0.8", moved): at(12, 16, 10, 0),
		bot.DeadlineKey(tk.ID, bot.JobBreach, bot.GoalResolution, "0", moved):   moved,
	}
	got := pending(t, rec)
	for key, due := range want {
		if !got[key].Equal(due) {
			t.Errorf("%s due %v, want %v (all: %v)", key, got[key], due, got)
		}
	}
	events, err := rec.Tickets.Events(ctx, tk.ID)
	if err != nil || len(events) != 1 || events[0].Kind != "rescheduled" || events[0].Actor != "009" {
		t.Fatalf("events %+v, %v", events, err)
	}
	if _, applied, err := lc.Resolve(ctx, lead, tk2, "巡检完成", "onsite", "上门"); err != nil || !applied {
		t.Fatalf("resolve: %v, %v", applied, err)
	}
	if _, applied, err := lc.MoveDue(ctx, lead, tk2, at(12, 22, 18, 0), "改期"); err != nil || applied {
		t.Fatalf("a resolved ticket moved: %v, %v", applied, err)
	}
}

var timeEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

// pending is the jobs not done yet, by key.
func pending(t *testing.T, rec *store.Records) map[string]time.Time {
	t.Helper()
	jobs, err := rec.Jobs.PendingJobs(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, j := range jobs {
		if j.Kind == bot.JobRemind || j.Kind == bot.JobBreach {
			out[j.Key] = j.DueAt
		}
	}
	return out
}
