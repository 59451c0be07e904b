package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

func jobKeys(jobs []bot.Job) []string {
	keys := make([]string, len(jobs))
	for i, j := range jobs {
		keys[i] = j.Key
	}
	return keys
}

func claim(t *testing.T, rec *store.Records, at time.Time) []bot.Job {
	t.Helper()
	jobs, err := rec.Jobs.ClaimJobs(context.Background(), at, 30*time.Second, 10)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

// A job is claimed once until it is finished, released, or its lease ends;
// a batch is finished in one call, with its follow-up jobs.
func TestJobLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		jobs := []bot.Job{{Key: "a", Kind: bot.JobRenewal, DueAt: t0}, {Key: "b", Kind: bot.JobRenewal, DueAt: t0.Add(time.Minute)},
			{Key: "c", Kind: bot.JobRenewal, DueAt: t0.Add(time.Hour)}}
		if err := rec.Jobs.AddJobs(ctx, jobs, t0); err != nil {
			t.Fatal(err)
		}
		now := t0.Add(time.Minute)
		got := claim(t, rec, now)
		if d := cmp.Diff([]string{"a", "b"}, jobKeys(got)); d != "" || got[0].Attempts != 1 {
			t.Fatalf("claimed (-want +got):\n%s attempts %d", d, got[0].Attempts)
		}
		if again := claim(t, rec, now); len(again) != 0 {
			t.Fatalf("claimed again under the lease: %v", jobKeys(again))
		}
		done := []bot.Finished{{ID: got[0].ID, Outcome: bot.OutcomeSent, Next: []bot.Job{{Key: "d", Kind: bot.JobRenewal, DueAt: now}}},
			{ID: got[1].ID, Outcome: bot.OutcomeSkipped}}
		if err := rec.Jobs.FinishJobs(ctx, done, now); err != nil {
			t.Fatal(err)
		}
		pending, err := rec.Jobs.PendingJobs(ctx, 10)
		if err != nil || cmp.Diff([]string{"d", "c"}, jobKeys(pending)) != "" {
			t.Fatalf("pending after finishing: %v, %v", jobKeys(pending), err)
		}
		d := claim(t, rec, now)
		if len(d) != 1 || d[0].Key != "d" {
			t.Fatalf("follow-up job not claimed: %v", jobKeys(d))
		}
		if err := rec.Jobs.RetryJob(ctx, d[0].ID, now.Add(10*time.Minute), "boom"); err != nil {
			t.Fatal(err)
		}
		if early := claim(t, rec, now.Add(5*time.Minute)); len(early) != 0 {
			t.Fatalf("claimed before its retry: %v", jobKeys(early))
		}
		retried := claim(t, rec, now.Add(10*time.Minute))
		if len(retried) != 1 || retried[0].Attempts != 2 || retried[0].LastErr != "boom" {
			t.Fatalf("retry: %+v", retried)
		}
		// Its claimer dies: the job comes back when the lease ends.
		if held := claim(t, rec, now.Add(10*time.Minute+29*time.Second)); len(held) != 0 {
			t.Fatalf("claimed within the lease: %v", jobKeys(held))
		}
		if back := claim(t, rec, now.Add(10*time.Minute+30*time.Second)); len(back) != 1 || back[0].Attempts != 3 {
			t.Fatalf("after the lease: %+v", back)
		}
	})
}

// The tickets of a batch come in one read with their customers' open ids;
// the batch's auto-closes close resolved tickets only, once, each logged
// under its key.
func TestJobTicketsAndCloseResolved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		c := &bot.Customer{Channel: "wechat", OpenID: "o-jobs", Subscribed: true, UpdatedAt: t0}
		if err := rec.Customers.SaveCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		resolved, open := newTicket(c.ID, "msg:o-jobs:1"), newTicket(c.ID, "msg:o-jobs:2")
		for _, tk := range []*bot.Ticket{resolved, open} {
			if _, err := rec.Tickets.OpenTicket(ctx, bot.Opening{Ticket: tk}); err != nil {
				t.Fatal(err)
			}
		}
		at := t0.Add(time.Hour)
		tr := bot.Transition{Action: bot.Resolve, From: []bot.Status{bot.StatusOpen}, To: bot.StatusResolved, At: at}
		if _, _, err := rec.Tickets.Move(ctx, resolved.ID, tr, nil, nil); err != nil {
			t.Fatal(err)
		}
		got, err := rec.Jobs.JobTickets(ctx, []int64{resolved.ID, open.ID, 9999})
		if err != nil || len(got) != 2 || got[0].OpenID != "o-jobs" || got[1].OpenID != "o-jobs" {
			t.Fatalf("job tickets = %+v, %v", got, err)
		}
		closeAt := t0.Add(72 * time.Hour)
		events := []bot.Event{closeEvent(resolved.ID, "auto_close:r", closeAt), closeEvent(open.ID, "auto_close:o", closeAt)}
		for i, want := range [][]int64{{resolved.ID}, nil} {
			closed, err := rec.Jobs.CloseResolved(ctx, events, closeAt)
			if err != nil || fmt.Sprint(closed) != fmt.Sprint(want) {
				t.Fatalf("close #%d: %v, %v; want %v", i, closed, err, want)
			}
		}
		tk, err := rec.Tickets.Ticket(ctx, resolved.ID)
		if err != nil || tk.Status != bot.StatusClosed || tk.ClosedAt == nil || !tk.ClosedAt.Equal(closeAt) {
			t.Fatalf("auto-closed ticket = %+v, %v", tk, err)
		}
		if tk, _ := rec.Tickets.Ticket(ctx, open.ID); tk.Status != bot.StatusOpen {
			t.Fatalf("an open ticket was closed: %s", tk.Status)
		}
		for id, want := range map[int64]int{resolved.ID: 1, open.ID: 0} {
			if log, err := rec.Tickets.Events(ctx, id); err != nil || len(log) != want {
				t.Fatalf("ticket %d has %d events, want %d (%v)", id, len(log), want, err)
			}
		}
	})
}

func closeEvent(ticket int64, key string, at time.Time) bot.Event {
	return bot.Event{TicketID: ticket, At: at, ActorKind: bot.ActorSystem, Kind: "auto_closed", Body: "自动关闭", MsgKey: &key}
}
