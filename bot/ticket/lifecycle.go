// Package ticket opens tickets and moves them through their lifecycle:
// the committed times of a new ticket on its unit's plan, its deadline
// jobs, who it is assigned to, and the transitions of the lifecycle table,
// each with the notices it calls for.
package ticket

import (
	"context"
	"log/slog"
	"slices"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
)

// move is a row of the lifecycle table: the statuses an action may start
// from and the status it leads to ("" keeps the status).
type move struct {
	from []bot.Status
	to   bot.Status
	// unanswered, when set, is where the action leads a ticket without a
	// response yet.
	unanswered bot.Status
}

const (
	open     = bot.StatusOpen
	answered = bot.StatusAcknowledged
	waiting  = bot.StatusWaiting
	resolved = bot.StatusResolved
	closed   = bot.StatusClosed
)

// table is the ticket lifecycle: {from, action} → to. The store applies a
// transition only while the ticket is in one of from, so a double press or
// a second replica moves it once.
var table = map[bot.Action]move{
	bot.Acknowledge: {from: []bot.Status{open}, to: answered},
	bot.Resolve:     {from: []bot.Status{open, answered, waiting}, to: resolved},
	bot.Reassign:    {from: []bot.Status{open, answered, waiting}},
	bot.Pause:       {from: []bot.Status{open, answered}, to: waiting},
	bot.Resume:      {from: []bot.Status{waiting}, to: answered, unanswered: open},
	bot.Confirm:     {from: []bot.Status{resolved}, to: closed},
	bot.Reopen:      {from: []bot.Status{resolved}, to: answered},
	bot.AutoClose:   {from: []bot.Status{resolved}, to: closed},
	bot.Visit:       {from: []bot.Status{open, answered, waiting}},
	bot.Arrive:      {from: []bot.Status{open, answered, waiting, resolved}},
	bot.Leave:       {from: []bot.Status{open, answered, waiting, resolved, closed}},
	bot.Reschedule:  {from: []bot.Status{open, answered, waiting}},
}

// Allowed reports whether the table lets action start from t's status now.
func Allowed(t *bot.Ticket, action bot.Action) bool {
	return slices.Contains(table[action].from, t.Status)
}

// Transition is action on t as the store applies it, at the lifecycle's
// time: From and To come from the table; the action's fields are the
// caller's.
func Transition(t *bot.Ticket, action bot.Action, tr bot.Transition) bot.Transition {
	m := table[action]
	tr.Action, tr.From, tr.To = action, m.from, m.to
	if m.unanswered != "" && t.RespondedAt == nil {
		tr.To = m.unanswered
	}
	return tr
}

// FollowUp gives the jobs that follow a transition, beside those the
// lifecycle schedules itself (jobs): a room registers one to hang its own
// work on a ticket's changes, written in the same transaction (the survey
// after a ticket closes).
type FollowUp func(tr bot.Transition, ticket int64, jobs []bot.Job) []bot.Job

// Lifecycle opens tickets and moves them.
type Lifecycle struct {
	now       bot.Clock
	policy    *policy.Policy
	tickets   bot.TicketStore
	units     bot.UnitStore
	customers bot.CustomerStore
	staff     bot.StaffStore
	notify    *notify.Notifier
	log       *slog.Logger
	autoClose int
	follow    []FollowUp
	attach    []Attacher
}

// Attacher hears of a ticket staff opened for a customer of the official
// account, so that the customer's next words reach it (the intake
// registers one).
type Attacher func(ctx context.Context, channel, openID string, ticket int64) error

// Deps are a Lifecycle's collaborators.
type Deps struct {
	Clock   bot.Clock
	Policy  *policy.Policy
	Tickets bot.TicketStore
	Units   bot.UnitStore
	// Customers finds the official account's customer behind a call
	// (OpenForCall).
	Customers bot.CustomerStore
	Staff     bot.StaffStore // nil: tickets are not assigned
	Notify    *notify.Notifier
	Log       *slog.Logger
	// AutoClose is how many working days a resolved ticket waits for the
	// customer's confirmation; 0 means 3.
	AutoClose int
}

// New builds a Lifecycle.
func New(d Deps) *Lifecycle {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.AutoClose == 0 {
		d.AutoClose = 3
	}
	return &Lifecycle{now: d.Clock, policy: d.Policy, tickets: d.Tickets, units: d.Units, customers: d.Customers, staff: d.Staff,
		notify: d.Notify, log: d.Log, autoClose: d.AutoClose}
}

// Follow registers a follow-up of every transition.
func (l *Lifecycle) Follow(f FollowUp) { l.follow = append(l.follow, f) }

// Attach registers who hears of a ticket opened for a known customer.
func (l *Lifecycle) Attach(a Attacher) { l.attach = append(l.attach, a) }

// AutoCloseDays is how many working days a resolution waits for the
// customer before it closes itself.
func (l *Lifecycle) AutoCloseDays() int { return l.autoClose }

// move applies action to t with events and jobs (and the registered
// follow-ups) in one transaction; see bot.TicketStore.Move.
func (l *Lifecycle) move(ctx context.Context, t *bot.Ticket, action bot.Action, tr bot.Transition, events []bot.Event, jobs []bot.Job) (*bot.Ticket, bool, error) {
	tr = Transition(t, action, tr)
	for _, f := range l.follow {
		jobs = append(jobs, f(tr, t.ID, jobs)...)
	}
	return l.tickets.Move(ctx, t.ID, tr, events, jobs) // its errors name the action and the ticket
}
