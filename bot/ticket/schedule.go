package ticket

import (
	"context"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// Scheduled work (bot/upkeep's maintenance tickets) is opened with the
// time it is due (Report.Due) rather than the plan's targets, and a lead
// may move that time (改期).

// MoveDue (改期) moves t's deadlines to due as s decided, with note in the
// service log: the resolution, and the response while none was given.
// The reminders and the escalation are scheduled for the new time; the
// old jobs find themselves moot (their keys carry the old deadline). It
// applies while t is not resolved; applied false when t had moved on.
func (l *Lifecycle) MoveDue(ctx context.Context, s *bot.Staff, t *bot.Ticket, due time.Time, note string) (*bot.Ticket, bool, error) {
	now := l.now()
	response := due
	if t.RespondedAt != nil {
		response = t.ResponseDue // met: its record stays as it was
	}
	moved := *t
	moved.ResponseDue, moved.ResolutionDue = response, &due
	jobs, err := l.Rescheduled(&moved, now)
	if err != nil {
		return t, false, err
	}
	tr := bot.Transition{At: now, ResponseDue: response, ResolutionDue: &due}
	e := bot.StaffEvent(s, now, "rescheduled", note)
	t2, applied, err := l.move(ctx, t, bot.Reschedule, tr, []bot.Event{e}, jobs)
	if err != nil || !applied {
		return t2, applied, err
	}
	l.notify.RefreshPing(ctx, t2)
	return t2, true, nil
}
