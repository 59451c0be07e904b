package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hotline-desk/hotline/conversation"
)

// Clock tells the time; tests move it instead of sleeping.
type Clock func() time.Time

// Desk is the service desk: it takes customers' messages, runs the
// dialogue, opens tickets and carries out what the dialogue asks for.
type Desk struct {
	now       Clock
	policy    *Policy
	tickets   TicketStore
	customers CustomerStore
	units     UnitStore
	sessions  SessionStore
	inbound   InboundLog
	backlog   Backlog
	staff     StaffStore
	states    StaffStateStore
	staffChat StaffSender
	answerer  CallbackAnswerer
	customer  CustomerMessenger
	jobs      JobStore
	sched     SchedulerConfig
	metrics   JobMetrics
	surveys   SurveyDeps
	log       *slog.Logger
}

// Deps are the Desk's collaborators.
type Deps struct {
	Clock     Clock
	Policy    *Policy
	Tickets   TicketStore
	Customers CustomerStore
	Units     UnitStore
	Sessions  SessionStore
	Inbound   InboundLog
	Backlog   Backlog
	Staff     StaffStore
	States    StaffStateStore
	// StaffChat and Answerer are the staff's chat (Telegram); nil when none
	// is configured: tickets then wait in the queue unannounced.
	StaffChat StaffSender
	Answerer  CallbackAnswerer
	// Customer pushes notices to customers (WeChat); nil when none.
	Customer CustomerMessenger
	Jobs     JobStore
	// Scheduler tunes the job worker; zero: DefaultSchedulerConfig.
	Scheduler SchedulerConfig
	Metrics   JobMetrics // nil: none
	Surveys   SurveyDeps // Surveys.Store nil: no surveys
	Log       *slog.Logger
}

// NewDesk builds the desk.
func NewDesk(d Deps) *Desk {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Scheduler == (SchedulerConfig{}) {
		d.Scheduler = DefaultSchedulerConfig
	}
	if d.Metrics == nil {
		d.Metrics = noMetrics{}
	}
	return &Desk{now: d.Clock, policy: d.Policy, tickets: d.Tickets, customers: d.Customers, units: d.Units,
		sessions: d.Sessions, inbound: d.Inbound, backlog: d.Backlog, staff: d.Staff, states: d.States,
		staffChat: d.StaffChat, answerer: d.Answerer, customer: d.Customer, jobs: d.Jobs, sched: d.Scheduler,
		metrics: d.Metrics, surveys: d.Surveys, log: d.Log}
}

// apologyText is what a customer reads when their message could not be
// handled now; the message itself is kept (Backlog) and handled later.
const apologyText = "抱歉，系统暂时繁忙，您的消息已保存，我们会尽快处理。请稍后再试，或回复「人工」请工程师回电。"

// HandleInbound handles one customer message. A retry of a message already
// handled (same Key) gets the same replies and changes nothing. A message
// that cannot be handled now is kept in the backlog, and the customer gets
// an apology; ReplayBacklog handles it later.
func (d *Desk) HandleInbound(ctx context.Context, in Inbound) ([]Reply, error) {
	replies, err := d.process(ctx, in)
	if err != nil {
		return d.keep(ctx, in, err)
	}
	return replies, nil
}

// process claims the message, runs it, and records its replies.
func (d *Desk) process(ctx context.Context, in Inbound) ([]Reply, error) {
	claimed, err := d.inbound.Claim(ctx, in.Key)
	if err != nil {
		return nil, fmt.Errorf("claim inbound: %w", err)
	}
	if !claimed {
		return d.inbound.Replies(ctx, in.Key)
	}
	replies, err := d.handle(ctx, in)
	if err != nil {
		d.inbound.Release(context.WithoutCancel(ctx), in.Key)
		return nil, err
	}
	if err := d.inbound.Finish(ctx, in.Key, replies); err != nil {
		d.log.Warn("record inbound replies", slog.String("err", err.Error()))
	}
	return replies, nil
}

// keep stores a message that failed, and apologises. The error goes to the
// log without the message's content.
func (d *Desk) keep(ctx context.Context, in Inbound, cause error) ([]Reply, error) {
	ctx = context.WithoutCancel(ctx)
	d.log.Error("inbound message not handled; kept in the backlog", slog.String("kind", string(in.Kind)), slog.String("err", cause.Error()))
	if err := d.backlog.Keep(ctx, in, cause.Error(), d.now()); err != nil {
		return nil, errors.Join(cause, fmt.Errorf("keep in backlog: %w", err))
	}
	return []Reply{{Text: apologyText}}, nil
}

// handle runs one dialogue step under the customer's lock.
func (d *Desk) handle(ctx context.Context, in Inbound) ([]Reply, error) {
	unlock, err := d.sessions.LockCustomer(ctx, in.Channel, in.From)
	if err != nil {
		return nil, fmt.Errorf("lock customer: %w", err)
	}
	defer unlock()
	s, err := d.loadSession(ctx, in)
	if err != nil {
		return nil, err
	}
	now := d.now()
	s, replies, err := d.step(ctx, in, s, now)
	if err != nil {
		return nil, err
	}
	if err := d.sessions.SaveSession(ctx, in.Channel, in.From, s); err != nil {
		return nil, fmt.Errorf("save session: %w", err)
	}
	return replies, nil
}

// loadSession loads the dialogue; a new one starts from what the database
// knows of the customer (their details, their open ticket).
func (d *Desk) loadSession(ctx context.Context, in Inbound) (conversation.Session, error) {
	s, found, err := d.sessions.Session(ctx, in.Channel, in.From)
	if err != nil || found {
		return s, wrap("load session", err)
	}
	c, err := d.customers.Customer(ctx, in.Channel, in.From)
	if errors.Is(err, ErrNotFound) {
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

// step runs the dialogue and carries out its intents. An intent may send
// the event through the dialogue once more (a message for a ticket that
// has meanwhile closed starts a new report), or answer in place of the
// dialogue's acknowledgement.
func (d *Desk) step(ctx context.Context, in Inbound, s conversation.Session, now time.Time) (conversation.Session, []Reply, error) {
	if s2, replies, ok, err := d.surveyInbound(ctx, in, s, now); ok {
		return s2, replies, err
	}
	if solved, ok := confirmTap(in); ok && s.ActiveTicket != 0 {
		replies, err := d.customerConfirms(ctx, s.ActiveTicket, solved, in, now)
		return s, replies, err
	}
	next, said, intents := conversation.Step(s, toEvent(in), now)
	out := toReplies(said)
	for _, it := range intents {
		x := &intentRun{desk: d, in: in, s: &next, now: now}
		res, err := x.run(ctx, it)
		if err != nil {
			return s, nil, err
		}
		switch {
		case res.again:
			s.ActiveTicket = 0
			return d.step(ctx, in, s, now)
		case res.replace:
			out = res.replies
		default:
			out = append(out, res.replies...)
		}
	}
	return next, out, nil
}

func toEvent(in Inbound) conversation.Event {
	ev := conversation.Event{Text: in.Text, MediaID: in.MediaID, Key: in.EventKey, MenuID: in.MenuID}
	switch in.Kind {
	case InboundText:
		ev.Kind = conversation.EventText
		if in.MenuID != "" {
			ev.Kind = conversation.EventMenu
		}
	case InboundImage:
		ev.Kind = conversation.EventImage
	case InboundVoice:
		ev.Kind = conversation.EventVoice
	case InboundSubscribe:
		ev.Kind = conversation.EventSubscribe
	case InboundUnsubscribe:
		ev.Kind = conversation.EventUnsubscribe
	case InboundClick:
		ev.Kind = conversation.EventClick
	default:
		ev.Kind = conversation.EventKind(in.Kind) // Step ignores what it does not know
	}
	return ev
}

func toReplies(rs []conversation.Reply) []Reply {
	out := make([]Reply, 0, len(rs))
	for _, r := range rs {
		reply := Reply{Text: r.Text}
		if r.Menu != nil {
			m := &Menu{Head: r.Menu.Head, Tail: r.Menu.Tail}
			for _, it := range r.Menu.Items {
				m.Items = append(m.Items, MenuItem{ID: it.ID, Content: it.Content})
			}
			reply.Menu = m
		}
		out = append(out, reply)
	}
	return out
}
