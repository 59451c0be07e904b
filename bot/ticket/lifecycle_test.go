package ticket_test

import (
	"slices"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/ticket"
)

// The lifecycle table, read as a whole: from every status, which actions
// may start, and where each leads.
func TestLifecycleTable(t *testing.T) {
	answered := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	const (
		open, ack, waiting, resolved, closed = bot.StatusOpen, bot.StatusAcknowledged, bot.StatusWaiting, bot.StatusResolved, bot.StatusClosed
		stays                                = bot.Status("")
		no                                   = bot.Status("-") // not allowed
	)
	actions := []bot.Action{bot.Acknowledge, bot.Resolve, bot.Reassign, bot.Pause, bot.Resume, bot.Confirm, bot.Reopen, bot.AutoClose}
	for _, c := range []struct {
		from      bot.Status
		responded bool
		to        []bot.Status // by action, in the order of actions
	}{
		{open, false, []bot.Status{ack, resolved, stays, waiting, no, no, no, no}},
		{ack, true, []bot.Status{no, resolved, stays, waiting, no, no, no, no}},
		{waiting, false, []bot.Status{no, resolved, stays, no, open, no, no, no}},
		{waiting, true, []bot.Status{no, resolved, stays, no, ack, no, no, no}},
		{resolved, true, []bot.Status{no, no, no, no, no, closed, ack, closed}},
		{closed, true, []bot.Status{no, no, no, no, no, no, no, no}},
	} {
		tk := &bot.Ticket{ID: 1, Status: c.from}
		if c.responded {
			tk.RespondedAt = &answered
		}
		for i, a := range actions {
			want := c.to[i]
			if got := ticket.Allowed(tk, a); got != (want != no) {
				t.Errorf("%s %s: allowed %v", c.from, a, got)
				continue
			}
			tr := ticket.Transition(tk, a, bot.Transition{At: answered})
			if want != no && (tr.To != want || tr.Action != a || !slices.Contains(tr.From, c.from) || !tr.At.Equal(answered)) {
				t.Errorf("%s %s (responded %v): %+v, want to %q", c.from, a, c.responded, tr, want)
			}
		}
	}
}
