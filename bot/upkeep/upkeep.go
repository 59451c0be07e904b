// Package upkeep does the recurring work a unit's contract owes (巡检,
// 电话回访, 日常维护 every month, quarter or year: bot.Obligation, listed
// under the unit's maintenance in the policy file). At the start of each
// period it opens a maintenance ticket, assigned by the usual rules and
// due at the period's end, with the plan's reminders before it and its
// escalation chain after; when the ticket is resolved, the unit's contacts
// on the official account are told; and a lead may move the due date
// (改期). It plugs into the other rooms through their registrations: its
// jobs into bot/engine, the notice of the work done into bot/ticket (a
// follow-up of the resolution), and the 改期 button, press and dialogue
// into bot/staffdesk.
package upkeep

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/bot/staffdialog"
	"github.com/hotline-desk/hotline/bot/ticket"
)

// The room's job kinds: scheduled work carried out by whichever replica
// claims it (bot/engine; cmd registers the handlers).
const (
	// JobOpen opens a period's ticket. Ref: the unit; Payload: the
	// obligation's kind; key upkeep_open:<unit key>:<kind>:<period key>.
	JobOpen = "upkeep_open"
	// JobDone looks at a resolved ticket and, for a maintenance one, tells
	// each of the unit's contacts (JobTell). TicketID: the ticket.
	JobDone = "upkeep_done"
	// JobTell tells one contact the work is done. TicketID: the ticket;
	// Ref: the customer's id.
	JobTell = "upkeep_tell"
)

// Severity is a maintenance ticket's severity (4, 小问题): planned work,
// not a fault; its deadline is the period's end, not the severity's.
const Severity = 4

// States keeps each staff member's dialogue state (the 改期 dialogue).
type States interface {
	StaffState(ctx context.Context, staffID int64) (staffdialog.State, error)
	SetStaffState(ctx context.Context, staffID int64, s staffdialog.State) error
}

// Upkeep opens the periods' tickets, tells the units when the work is
// done, and moves a ticket's due date at a lead's word.
type Upkeep struct {
	now       bot.Clock
	policy    *policy.Policy
	lifecycle *ticket.Lifecycle
	tickets   bot.TicketStore
	customers bot.CustomerStore
	jobs      bot.JobAdder
	states    States
	notify    *notify.Notifier
	log       *slog.Logger
}

// Deps are the room's collaborators.
type Deps struct {
	Clock     bot.Clock
	Policy    *policy.Policy
	Lifecycle *ticket.Lifecycle
	Tickets   bot.TicketStore
	Customers bot.CustomerStore
	Jobs      bot.JobAdder
	States    States
	Notify    *notify.Notifier
	Log       *slog.Logger
}

// New builds the room.
func New(d Deps) *Upkeep {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Upkeep{now: d.Clock, policy: d.Policy, lifecycle: d.Lifecycle, tickets: d.Tickets, customers: d.Customers,
		jobs: d.Jobs, states: d.States, notify: d.Notify, log: d.Log}
}

// Schedule is called at start: every unit's obligations get the opening
// of their next period and, while its time is still ahead, of the current
// one. A job already there, done or not, stays as it is (the key), so a
// restart opens nothing twice. An obligation new to the policy starts
// with the first period whose opening is ahead: a period under way would
// open with little or none of its time left, and escalate at once. The
// next period's opening is the one the current period's schedules too,
// there in case that one was skipped (the obligation missing then).
func (u *Upkeep) Schedule(ctx context.Context) error {
	now := u.now()
	jobs := slices.DeleteFunc(Jobs(u.policy, now), func(j bot.Job) bool { return !j.DueAt.After(now) })
	return u.jobs.AddJobs(ctx, jobs, now)
}

// Jobs are the openings of the period around now and of the next one, of
// every unit's obligations: what a holiday year imported moves (they fall
// on working days), and what Schedule adds of them.
func Jobs(p *policy.Policy, now time.Time) []bot.Job {
	var jobs []bot.Job
	for _, unit := range p.Units {
		for _, o := range unit.Maintenance {
			_, next, _, _ := o.Period(now, p.Location)
			jobs = append(jobs, OpenJob(p, unit.Name, o, now), OpenJob(p, unit.Name, o, next))
		}
	}
	return jobs
}

// OpenJob opens unit's ticket of o for the period around t, at 09:00 on
// the period's first working day (policy.Policy.Morning).
func OpenJob(p *policy.Policy, unit string, o bot.Obligation, t time.Time) bot.Job {
	from, _, _, key := o.Period(t, p.Location)
	return bot.Job{Kind: JobOpen, Ref: unit, Payload: o.Kind, DueAt: p.Morning(sla.DateOf(from)),
		Key: fmt.Sprintf("%s:%s:%s:%s", JobOpen, bot.UnitKey(unit), o.Kind, key)}
}

// obligation finds a unit's obligation of a kind in the policy.
func (u *Upkeep) obligation(unit, kind string) (bot.Unit, bot.Obligation, bool) {
	found, ok := u.policy.Unit(unit)
	if !ok {
		return bot.Unit{}, bot.Obligation{}, false
	}
	for _, o := range found.Maintenance {
		if o.Kind == kind {
			return found, o, true
		}
	}
	return bot.Unit{}, bot.Obligation{}, false
}

// Open opens the period's ticket (the handler of JobOpen) and schedules
// the next period's opening. An obligation the policy no longer lists
// for the unit, or lists for other periods now (every changed), is
// skipped: Schedule adds its jobs as it is now. A second try, or another
// replica's, finds the ticket of the first (the job's key opened it).
func (u *Upkeep) Open(ctx context.Context, j bot.Job, now time.Time) (string, []bot.Job, error) {
	unit, o, ok := u.obligation(j.Ref, j.Payload)
	if !ok {
		return bot.OutcomeSkipped, nil, nil
	}
	from, to, name, _ := o.Period(j.DueAt, u.policy.Location)
	if OpenJob(u.policy, unit.Name, o, from).Key != j.Key {
		return bot.OutcomeSkipped, nil, nil
	}
	next := []bot.Job{OpenJob(u.policy, unit.Name, o, to)}
	due, err := u.periodDue(ctx, unit.Name, from, to)
	if err != nil {
		return "", nil, err
	}
	r, err := u.report(ctx, j.Key, unit.Name, o, name, due, now)
	if err != nil {
		return "", nil, err
	}
	opened, err := u.lifecycle.Open(ctx, r)
	if err != nil {
		return "", nil, err
	}
	if opened.Created {
		u.log.Info("maintenance ticket opened", slog.Int64("ticket", opened.Ticket.ID), slog.String("kind", o.Kind),
			slog.String("period", name))
	}
	return bot.OutcomeSent, next, nil
}

// periodDue is when the work of the period [from, to) is due: the close of
// business of its last working day on the unit's plan calendar.
func (u *Upkeep) periodDue(ctx context.Context, unit string, from, to time.Time) (time.Time, error) {
	name, _, err := u.lifecycle.UnitPlan(ctx, unit, from)
	if err != nil {
		return time.Time{}, err
	}
	plan, err := u.policy.Plan(name)
	if err != nil {
		return time.Time{}, fmt.Errorf("unit %q: %w", unit, err)
	}
	return LastClose(plan.Calendar(), from, to), nil
}

// report is the ticket of the period: for the unit as its customer, one
// that cannot be messaged (the ticket says whom to call), with the unit's
// contact seen last on the official account as the person to call.
func (u *Upkeep) report(ctx context.Context, key, unit string, o bot.Obligation, period string, due, now time.Time) (ticket.Report, error) {
	c, err := u.contact(ctx, unit)
	if err != nil {
		return ticket.Report{}, err
	}
	desc := Description(o, period)
	body := fmt.Sprintf("定期维护（%s%s）：%s，完成期限 %s", EveryLabel(o.Every), o.Kind, desc,
		sla.CustomerTime(due.In(u.policy.Location), now.In(u.policy.Location).Year()))
	r := ticket.Report{Channel: bot.ChannelOther, OpenID: "upkeep:" + bot.UnitKey(unit), Key: key, Unit: unit,
		Description: desc, Severity: Severity, At: now, CallBack: true, Obligation: o.Kind, Due: due,
		Events: func(*bot.Ticket) []bot.Event { return []bot.Event{bot.SystemEvent(now, bot.EventOpened, body)} }}
	if c != nil {
		r.Name, r.Phone = c.Name, c.Phone
	}
	return r, nil
}

// contact is the unit's contact on the official account seen last who gave
// a phone number; nil when there is none.
func (u *Upkeep) contact(ctx context.Context, unit string) (*bot.Customer, error) {
	cs, err := u.customers.CustomersOfUnit(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("contacts of the unit: %w", err)
	}
	seen := func(c *bot.Customer) time.Time {
		if c.LastSeenAt == nil {
			return time.Time{}
		}
		return *c.LastSeenAt
	}
	var best *bot.Customer
	for i := range cs {
		c := &cs[i]
		if c.Messageable() && c.Phone != "" && (best == nil || seen(c).After(seen(best))) {
			best = c
		}
	}
	return best, nil
}
