package bot

import (
	"context"
	"fmt"
	"time"
)

// Job is one piece of scheduled work. It is written with the ticket change
// that calls for it and carried out once by whichever replica claims it
// (bot/engine), by the handler registered for its Kind.
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

// The kinds of a ticket's deadline work (bot/ticket schedules them,
// bot/engine carries them out); other rooms name their own kinds.
const (
	JobRemind    = "remind"     // Payload: goal and fraction; tells the assignee
	JobBreach    = "breach"     // Payload: goal; escalation step Step of the plan's chain
	JobAutoClose = "auto_close" // a resolved ticket the customer did not confirm
	JobRenewal   = "renewal"    // Ref: unit; the free service period ends within a month
)

// DeadlineKey is the key of a ticket's deadline job. It carries the
// deadline, so deadlines moved by a pause schedule new jobs and the old
// ones find themselves moot.
func DeadlineKey(ticket int64, kind, goal, part string, due time.Time) string {
	return fmt.Sprintf("%s:%d:%s:%s:%d", kind, ticket, goal, part, due.Unix())
}

// MaxJobAttempts is how often a failing job is tried before it is
// recorded failed.
const MaxJobAttempts = 5

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
	OpenID          string `db:"open_id"`
	CustomerChannel string `db:"customer_channel"`
}

// Job outcomes.
const (
	OutcomeSent    = "sent"
	OutcomeSkipped = "skipped" // moot by the time it was due: the ticket moved on
	OutcomeFailed  = "failed"
)

// JobAdder schedules jobs outside a ticket change (renewal notices, the
// monthly survey check).
type JobAdder interface {
	AddJobs(ctx context.Context, jobs []Job, now time.Time) error
}

// Ptr is a pointer to a copy of v.
func Ptr[T any](v T) *T { return &v }
