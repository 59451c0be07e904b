package bot

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hotline-desk/hotline/bot/sla"
)

// Job is one piece of scheduled work. It is written with the ticket change
// that calls for it and carried out once by whichever replica claims it.
type Job struct {
	ID       int64      `db:"id"`
	Key      string     `db:"job_key"` // unique: scheduling the same thing twice is harmless
	Kind     string     `db:"kind"`
	TicketID *int64     `db:"ticket_id"`
	Ref      string     `db:"ref"`
	Step     int        `db:"step"`
	Payload  string     `db:"payload"`
	DueAt    time.Time  `db:"due_at"`
	Attempts int        `db:"attempts"`
	LastErr  string     `db:"last_error"`
	DoneAt   *time.Time `db:"done_at"`
	Outcome  string     `db:"outcome"`
	Created  time.Time  `db:"created_at"`
}

// Job kinds.
const (
	JobRemind    = "remind"     // Payload: goal and fraction; tells the assignee
	JobBreach    = "breach"     // Payload: goal; escalation step Step of the plan's chain
	JobAutoClose = "auto_close" // a resolved ticket the customer did not confirm
	JobRenewal   = "renewal"    // Ref: unit; the free service period ends within a month
)

// Finished is a job carried out: its outcome and the follow-up jobs it
// calls for (the next escalation step).
type Finished struct {
	ID      int64
	Outcome string
	Next    []Job
}

// JobTicket is a ticket as a batch of jobs reads it: with its customer's
// id on the channel, to notify them without a query per job.
type JobTicket struct {
	Ticket
	OpenID string `db:"open_id"`
}

// Job outcomes.
const (
	OutcomeSent    = "sent"
	OutcomeSkipped = "skipped" // moot by the time it was due: the ticket moved on
	OutcomeFailed  = "failed"
)

// JobStore keeps scheduled work.
type JobStore interface {
	// AddJobs schedules jobs outside a ticket change (renewal notices).
	AddJobs(ctx context.Context, jobs []Job, now time.Time) error
	// ClaimJobs leases up to limit due jobs to the caller until now+lease.
	ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Job, error)
	// JobTickets reads the tickets of a batch of jobs, with their
	// customers' ids on the channel, in one query; a ticket that is gone is
	// left out.
	JobTickets(ctx context.Context, ids []int64) ([]JobTicket, error)
	// CloseResolved closes each ticket of events that is still resolved
	// and appends its event to its log, all in one transaction, and
	// returns the ids of the tickets it closed.
	CloseResolved(ctx context.Context, events []Event, now time.Time) ([]int64, error)
	// FinishJobs records jobs as done with their outcomes, and schedules
	// their follow-up jobs, all in one transaction.
	FinishJobs(ctx context.Context, done []Finished, now time.Time) error
	// RetryJob releases a job to be tried again at due.
	RetryJob(ctx context.Context, id int64, due time.Time, errText string) error
	// PendingJobs lists jobs not done, soonest first; FailedJobs the failed.
	PendingJobs(ctx context.Context, limit int) ([]Job, error)
	FailedJobs(ctx context.Context, limit int) ([]Job, error)
}

// goals as written in job payloads.
const (
	goalResponse   = "response"
	goalResolution = "resolution"
)

// deadlineJobs are the reminders and the first breach step of each goal a
// ticket still has to meet, on its plan and in quiet hours where the plan
// says so. Their keys carry the deadline, so deadlines moved by a pause
// schedule new jobs and the old ones find themselves moot.
func (d *Desk) deadlineJobs(t *Ticket, plan *sla.Plan, clock sla.Clock, now time.Time) ([]Job, error) {
	reminders, err := clock.Reminders(now)
	if err != nil {
		return nil, err
	}
	dl, err := clock.Deadlines(now)
	if err != nil {
		return nil, err
	}
	var jobs []Job
	for _, r := range reminders {
		goal, due := goalOf(r.Goal), deadlineOf(dl, r.Goal)
		if t.done(goal) || !r.At.After(now) {
			continue
		}
		f := strconv.FormatFloat(r.Fraction, 'f', -1, 64)
		jobs = append(jobs, Job{Kind: JobRemind, TicketID: ptr(t.ID), Payload: goal + ":" + f,
			Key: jobKey(t.ID, JobRemind, goal, f, due), DueAt: plan.NotifyAt(t.Severity, r.At)})
	}
	for _, g := range []sla.Goal{sla.GoalResponse, sla.GoalResolution} {
		goal, due := goalOf(g), deadlineOf(dl, g)
		if due.IsZero() || t.done(goal) {
			continue
		}
		jobs = append(jobs, Job{Kind: JobBreach, TicketID: ptr(t.ID), Payload: goal, Key: jobKey(t.ID, JobBreach, goal, "0", due), DueAt: due})
	}
	return jobs, nil
}

func goalOf(g sla.Goal) string {
	if g == sla.GoalResolution {
		return goalResolution
	}
	return goalResponse
}

func deadlineOf(d sla.Deadlines, g sla.Goal) time.Time {
	if g == sla.GoalResolution {
		return d.Resolution
	}
	return d.Response
}

func jobKey(ticket int64, kind, goal, part string, due time.Time) string {
	return fmt.Sprintf("%s:%d:%s:%s:%d", kind, ticket, goal, part, due.Unix())
}

// done reports whether the ticket has met (or no longer races) a goal.
func (t *Ticket) done(goal string) bool {
	if t.Status == StatusClosed {
		return true
	}
	if goal == goalResponse {
		return t.RespondedAt != nil
	}
	return t.ResolvedAt != nil
}

// currentDue is the ticket's deadline for a goal as stored now.
func (t *Ticket) currentDue(goal string) time.Time {
	if goal == goalResponse {
		return t.ResponseDue
	}
	if t.ResolutionDue == nil {
		return time.Time{}
	}
	return *t.ResolutionDue
}

func ptr[T any](v T) *T { return &v }
