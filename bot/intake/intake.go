// Package intake is the customer side of the desk: each message from the
// official account runs one step of the customer's dialogue (conversation)
// and the desk carries out its intents: a ticket opened, a message added to
// the open ticket and relayed to its engineer, a complaint escalated. A
// message that cannot be handled now is kept and replayed later. Other
// rooms take messages that are theirs before the dialogue does (Take).
package intake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/ticket"
	"github.com/hotline-desk/hotline/conversation"
)

// A Taker takes customers' messages that are not the dialogue's (a survey
// asked in the chat). The desk asks the registered takers, in order,
// before the dialogue.
type Taker interface {
	// Claim decides whether the message may be the taker's, with no effects
	// and at most one cheap read; nil leaves it to the dialogue. A claim
	// makes the message's step run under the customer's lock, where Take
	// gets it.
	Claim(ctx context.Context, in bot.Inbound, s conversation.Session) any
	// Take handles a claimed message. ok false hands it to the dialogue
	// after all; an error comes with ok true.
	Take(ctx context.Context, claim any, in bot.Inbound, s conversation.Session, now time.Time) (next conversation.Session, replies []bot.Reply, ok bool, err error)
}

// Desk takes customers' messages.
type Desk struct {
	now       bot.Clock
	policy    *policy.Policy
	sessions  SessionStore
	backlog   Backlog
	customers bot.CustomerStore
	tickets   bot.TicketStore
	lifecycle *ticket.Lifecycle
	notify    *notify.Notifier
	metrics   bot.Metrics
	log       *slog.Logger
	takers    []Taker
}

// Deps are the Desk's collaborators.
type Deps struct {
	Clock     bot.Clock
	Policy    *policy.Policy
	Sessions  SessionStore
	Backlog   Backlog
	Customers bot.CustomerStore
	Tickets   bot.TicketStore
	Lifecycle *ticket.Lifecycle
	Notify    *notify.Notifier
	Metrics   bot.Metrics // nil: none
	Log       *slog.Logger
}

// New builds the Desk.
func New(d Deps) *Desk {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Metrics == nil {
		d.Metrics = bot.NoMetrics{}
	}
	return &Desk{now: d.Clock, policy: d.Policy, sessions: d.Sessions, backlog: d.Backlog, customers: d.Customers,
		tickets: d.Tickets, lifecycle: d.Lifecycle, notify: d.Notify, metrics: d.Metrics, log: d.Log}
}

// Take registers a taker, asked after those registered before it.
func (d *Desk) Take(t Taker) { d.takers = append(d.takers, t) }

// HandleInbound handles one customer message. A retry of a message already
// handled (same Key) gets the same replies and changes nothing. A message
// that cannot be handled now is kept in the backlog, and the customer gets
// an apology; ReplayBacklog handles it later.
func (d *Desk) HandleInbound(ctx context.Context, in bot.Inbound) ([]bot.Reply, error) {
	replies, err := d.process(ctx, in)
	if err != nil {
		return d.keep(ctx, in, err)
	}
	return replies, nil
}

// keep stores a message that failed, and apologises. The error goes to the
// log without the message's content.
func (d *Desk) keep(ctx context.Context, in bot.Inbound, cause error) ([]bot.Reply, error) {
	ctx = context.WithoutCancel(ctx)
	d.log.Error("inbound message not handled; kept in the backlog", slog.String("kind", string(in.Kind)), slog.String("err", cause.Error()))
	if err := d.backlog.Keep(ctx, in, cause.Error(), d.now()); err != nil {
		return nil, errors.Join(cause, fmt.Errorf("keep in backlog: %w", err))
	}
	return []bot.Reply{{Text: apologyText}}, nil
}

// sessionOf is the dialogue of a snapshot; a new one starts from what the
// database knows of the customer (their details, their open ticket).
func (d *Desk) sessionOf(ctx context.Context, in bot.Inbound, snap SessionSnapshot) (conversation.Session, error) {
	s := snap.Session
	if snap.Found {
		return s, nil
	}
	c, err := d.customers.Customer(ctx, in.Channel, in.From)
	if errors.Is(err, bot.ErrNotFound) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("load customer: %w", err)
	}
	s.Profile = conversation.Profile{Unit: c.UnitName, Name: c.Name, Phone: c.Phone, Room: c.Room}
	open, err := d.tickets.OpenTicketsOf(ctx, c.ID)
	if err != nil {
		return s, fmt.Errorf("load open tickets: %w", err)
	}
	if len(open) > 0 {
		s.ActiveTicket = open[0].ID
	}
	return s, nil
}

func wrap(step string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", step, err)
}
