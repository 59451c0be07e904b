package ticket

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
)

// Report is what a new ticket is opened from: the customer's report, as a
// confirmed draft gives it.
type Report struct {
	Channel, OpenID string // the customer on their channel
	// Intake is how a request staff entered came in (bot.ChannelPhone,
	// ...), whose commitments apply too; "" for a customer's own message,
	// whose channel is Channel and whose time is At.
	Intake string
	// CustomerID, when set, is the customer of the ticket, a known one
	// whose details stay as they are (staff opened it for them); Channel
	// and OpenID name them.
	CustomerID  int64
	Key         string // the opening message's dedupe key: a retry finds its ticket
	Unit        string
	Name, Phone string
	Room        string
	Description string
	Severity    int
	At          time.Time
	// Events gives the ticket's first events, the ticket built (its paid
	// service known); the assignment's follow them.
	Events func(t *bot.Ticket) []bot.Event
	// Assign is the engineer staff chose; nil: the usual assignment.
	Assign *bot.Staff
	// CallBack: the customer cannot be messaged (a caller known by phone
	// only); the ticket says to call them back.
	CallBack bool
	// Obligation, when set, is the recurring work (bot.Obligation's kind)
	// the ticket is opened for: a maintenance ticket (bot/upkeep).
	Obligation string
	// Due, when set, is when the work is due instead of the plan's
	// targets: both goals, set by no rule of the plan, with the plan's
	// reminders before it and its escalation after (the end of a
	// maintenance period).
	Due time.Time
}

// Opened is a ticket just opened, or found opened by an earlier try.
type Opened struct {
	Ticket  *bot.Ticket
	Clock   sla.Clock // its SLA clock, for the promise
	Created bool      // false: a retry found the ticket of an earlier try
}

// Open turns a report into a ticket with its committed times, in one
// transaction with the customer's details, its first events, its assignee
// and its deadline jobs. Staff hear of it after the commit.
func (l *Lifecycle) Open(ctx context.Context, r Report) (Opened, error) {
	t, clock, err := l.newTicket(ctx, r)
	if err != nil {
		return Opened{}, err
	}
	now := l.opened(r)
	a := l.assignNew(ctx, t, now)
	if r.Assign != nil {
		a = assignTo(t, r.Assign, now)
	}
	events := append(r.Events(t), a.events()...)
	var c *bot.Customer
	if r.CustomerID != 0 {
		t.CustomerID = r.CustomerID
	} else {
		c = &bot.Customer{Channel: r.Channel, OpenID: r.OpenID, UnitName: r.Unit, Name: r.Name, Phone: r.Phone,
			Room: r.Room, Subscribed: r.Channel == bot.ChannelWeChat, LastSeenAt: &now, UpdatedAt: now}
	}
	jobs := func(t *bot.Ticket) ([]bot.Job, error) {
		if r.Due.IsZero() {
			return DeadlineJobs(t, clock, now)
		}
		return deadlineJobsFor(t, clock, promisedOf(t), now) // the time the report gave
	}
	created, err := l.tickets.OpenTicket(ctx, bot.Opening{Customer: c, Ticket: t, Events: events, Jobs: jobs})
	if err != nil {
		return Opened{}, fmt.Errorf("open ticket: %w", err)
	}
	if created {
		l.log.Info("ticket opened", slog.Int64("ticket", t.ID), slog.Int("severity", t.Severity), slog.String("plan", t.Plan))
		l.announce(ctx, t, a, now)
	}
	return Opened{Ticket: t, Clock: clock, Created: created}, nil
}

// opened is when a report is written down: at its time for a customer's
// own message, now for a request staff enter later (the clock still runs
// from the time it came in).
func (l *Lifecycle) opened(r Report) time.Time {
	if r.Intake == "" || l.now == nil {
		return r.At
	}
	return l.now()
}

// newTicket builds the ticket on the plan of the customer's unit; an
// unknown unit is served on the default plan.
func (l *Lifecycle) newTicket(ctx context.Context, r Report) (*bot.Ticket, sla.Clock, error) {
	planName, paid, err := l.UnitPlan(ctx, r.Unit, r.At)
	if err != nil {
		return nil, sla.Clock{}, err
	}
	plan, err := l.policy.Plan(planName)
	if err != nil {
		return nil, sla.Clock{}, fmt.Errorf("unit %q: %w", r.Unit, err)
	}
	clock, err := sla.NewClock(plan, r.Severity, r.At)
	if err != nil {
		return nil, sla.Clock{}, err
	}
	clock.Channel = cmp.Or(r.Intake, r.Channel)
	due, err := clock.Deadlines(r.At)
	if err != nil {
		return nil, sla.Clock{}, err
	}
	if !r.Due.IsZero() {
		due = sla.Deadlines{Response: r.Due, Resolution: r.Due}
	}
	t := &bot.Ticket{OpenedBy: r.Key, Channel: clock.Channel, UnitName: r.Unit, ContactName: r.Name, Phone: r.Phone,
		Room: r.Room, Description: r.Description, Severity: r.Severity, Status: bot.StatusOpen, Plan: planName,
		PaidService: paid, ReportedAt: r.At, ResponseDue: due.Response, CreatedAt: l.opened(r), Kind: bot.KindFault,
		ResponseRule: string(due.ResponseRule), ResolutionRule: string(due.ResolutionRule), CallBack: r.CallBack}
	if r.Obligation != "" {
		t.Kind, t.Obligation = bot.KindMaintenance, r.Obligation
	}
	if !due.Resolution.IsZero() {
		t.ResolutionDue = &due.Resolution
	}
	return t, clock, nil
}

// UnitPlan finds the plan of a unit and whether a report at now falls
// outside its free service period (paid service). The policy's units are
// the database's (serve syncs them at start, and nothing else writes
// units), so they are read from memory; the database is asked only for a
// name the policy lacks, which an earlier policy file may have listed.
func (l *Lifecycle) UnitPlan(ctx context.Context, unit string, now time.Time) (plan string, paid bool, err error) {
	u, ok := l.policy.Unit(unit)
	if !ok {
		found, err := l.units.Unit(ctx, unit)
		if errors.Is(err, bot.ErrNotFound) {
			return sla.DefaultPlan, false, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("find unit: %w", err)
		}
		u = *found
	}
	if u.ServiceEnd == nil {
		return u.Plan, false, nil
	}
	start := sla.Date{Year: 1, Month: 1, Day: 1}
	if u.ServiceStart != nil {
		start = *u.ServiceStart
	}
	st := sla.PeriodStatus(start, *u.ServiceEnd, now, l.policy.Location)
	return u.Plan, st == sla.Outside, nil
}
