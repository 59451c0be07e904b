package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// DeskView is what the desk pane reads: the open tickets and the jobs
// still to run. StoreDesk reads them from Hotline's stores.
type DeskView interface {
	// Tickets are the open tickets, the most urgent first.
	Tickets(ctx context.Context) ([]TicketLine, error)
	// Jobs are up to n jobs not yet done, the earliest due first (those
	// past due included).
	Jobs(ctx context.Context, n int) ([]JobLine, error)
}

// TicketLine is an open ticket as the desk shows it.
type TicketLine struct {
	ID        int64
	Unit      string
	Plan      string
	Severity  int
	Status    string // as staff read it: 待处理, 处理中…
	Assignee  string // "" for nobody yet
	Deadlines []Deadline
	// Next is the deadline the ticket races now (zero for none), named.
	Next      time.Time
	NextLabel string
}

// Deadline is one of a ticket's goals: response, on-site visit, resolution.
type Deadline struct {
	Goal string // 响应, 到场, 解决
	Due  time.Time
	Met  bool
}

// JobLine is a job waiting to run.
type JobLine struct {
	ID     int64
	Kind   string // bot.Job.Kind: remind, breach, survey_send…
	Ticket int64  // 0 when not about a ticket
	Ref    string // what else it is about: a unit, a month, a survey
	Due    time.Time
}

// TicketReader is the store's open tickets (store.Tickets).
type TicketReader interface {
	ActiveTickets(ctx context.Context, assignee *int64) ([]bot.Ticket, error)
}

// JobReader is the store's jobs not yet done (store.Jobs).
type JobReader interface {
	PendingJobs(ctx context.Context, limit int) ([]bot.Job, error)
}

// StoreDesk is DeskView over Hotline's stores:
// StoreDesk(rec.Tickets, rec.Jobs).
func StoreDesk(tickets TicketReader, jobs JobReader) DeskView {
	return storeDesk{tickets: tickets, jobs: jobs}
}

type storeDesk struct {
	tickets TicketReader
	jobs    JobReader
}

// Tickets implements DeskView.
func (d storeDesk) Tickets(ctx context.Context) ([]TicketLine, error) {
	ts, err := d.tickets.ActiveTickets(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("read open tickets: %w", err)
	}
	out := make([]TicketLine, len(ts))
	for i := range ts {
		out[i] = ticketLine(&ts[i])
	}
	return out, nil
}

// ticketLine is t as the desk shows it.
func ticketLine(t *bot.Ticket) TicketLine {
	l := TicketLine{ID: t.ID, Unit: t.UnitName, Plan: t.Plan, Severity: t.Severity, Status: t.Status.Label(),
		Assignee: t.StaffName}
	for _, goal := range []string{bot.GoalResponse, bot.GoalVisit, bot.GoalResolution} {
		if due := t.Due(goal); !due.IsZero() {
			l.Deadlines = append(l.Deadlines, Deadline{Goal: bot.GoalNames[goal], Due: due, Met: t.Met(goal)})
		}
	}
	l.Next, l.NextLabel = t.NextDeadline()
	return l
}

// Jobs implements DeskView.
func (d storeDesk) Jobs(ctx context.Context, n int) ([]JobLine, error) {
	js, err := d.jobs.PendingJobs(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("read pending jobs: %w", err)
	}
	out := make([]JobLine, len(js))
	for i, j := range js {
		out[i] = JobLine{ID: j.ID, Kind: j.Kind, Ref: j.Ref, Due: j.DueAt}
		if j.TicketID != nil {
			out[i].Ticket = *j.TicketID
		}
	}
	return out, nil
}
