package ticket

import (
	"context"
	"log/slog"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
)

// When a year's official holiday schedule arrives, the open tickets' work
// moves onto it: the reminders fall at the same fractions of their windows
// counted on the new calendar, and a resolution's auto-close after its
// working days. The times promised to customers stay as promised: they
// are the breach line, and the breach checks stay where they were.

// RescheduleStore is what rescheduling needs of the stores.
type RescheduleStore interface {
	// OpenTicketsAfter lists up to limit tickets that are not closed, with
	// ids above after, in id order.
	OpenTicketsAfter(ctx context.Context, after int64, limit int) ([]bot.Ticket, error)
	// RescheduleJobs moves the jobs not yet done that have the keys of
	// jobs to their due times, and returns how many moved.
	RescheduleJobs(ctx context.Context, jobs []bot.Job) (int, error)
}

// Rescheduled is t's deadline work as it falls on its calendar now, its
// promised deadlines kept: the reminders still ahead and, for a resolved
// ticket, its auto-close. A paused ticket has none: its resume schedules
// them.
func (l *Lifecycle) Rescheduled(t *bot.Ticket, now time.Time) ([]bot.Job, error) {
	if t.Status == bot.StatusWaiting {
		return nil, nil
	}
	clock, err := l.ClockOf(t)
	if err != nil {
		return nil, err
	}
	jobs, err := deadlineJobsFor(t, clock, promisedOf(t), now)
	if err != nil {
		return nil, err
	}
	if t.Status == bot.StatusResolved && t.ResolvedAt != nil {
		jobs = append(jobs, l.autoCloseJob(t, *t.ResolvedAt)...)
	}
	return jobs, nil
}

// promisedOf is what t's customer was promised: its stored deadlines.
func promisedOf(t *bot.Ticket) sla.Deadlines {
	d := sla.Deadlines{Response: t.ResponseDue, ResponseRule: sla.Rule(t.ResponseRule), ResolutionRule: sla.Rule(t.ResolutionRule)}
	if t.ResolutionDue != nil {
		d.Resolution = *t.ResolutionDue
	}
	return d
}

// Reschedule moves the deadline work of every open ticket onto the
// calendars as they are now, and returns how many tickets it read and how
// many jobs moved. A ticket whose clock cannot be built is logged and
// left as it was.
func (l *Lifecycle) Reschedule(ctx context.Context, s RescheduleStore, now time.Time) (tickets, moved int, err error) {
	var after int64
	for {
		page, err := s.OpenTicketsAfter(ctx, after, 500)
		if err != nil || len(page) == 0 {
			return tickets, moved, err
		}
		var jobs []bot.Job
		for i := range page {
			t := &page[i]
			after = t.ID
			js, err := l.Rescheduled(t, now)
			if err != nil {
				// One ticket the policy no longer fits (its plan removed,
				// say) keeps its work as scheduled; the rest move.
				l.log.Warn("reschedule: ticket's work left as scheduled", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
				continue
			}
			jobs = append(jobs, js...)
		}
		n, err := s.RescheduleJobs(ctx, jobs)
		if err != nil {
			return tickets, moved, err
		}
		tickets, moved = tickets+len(page), moved+n
	}
}
