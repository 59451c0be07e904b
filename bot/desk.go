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
		sessions: d.Sessions, backlog: d.Backlog, staff: d.Staff, states: d.States,
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

// quickTries bounds how often a step is taken again from a newer session
// before it runs under the customer's lock instead.
const quickTries = 3

// process runs the message as one step of the customer's dialogue. A step
// whose only effect is on the dialogue is committed optimistically, from
// the session as last seen (one Redis round trip in the usual case); a
// step with other effects, or one that keeps meeting newer sessions, runs
// under the customer's lock.
func (d *Desk) process(ctx context.Context, in Inbound) ([]Reply, error) {
	snap, err := d.sessions.Snapshot(ctx, in.Channel, in.From)
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	for range quickTries {
		s, err := d.sessionOf(ctx, in, snap)
		if err != nil {
			return nil, err
		}
		now := d.now()
		next, replies, intents, ok, err := d.quickStep(ctx, in, s, now)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		res, err := d.sessions.Commit(ctx, in.Key, snap, next, replies)
		if err != nil {
			return nil, fmt.Errorf("commit step: %w", err)
		}
		switch res.Outcome {
		case Committed:
			d.runQuiet(ctx, in, &next, intents, now)
			return replies, nil
		case Handled:
			return res.Replies, nil
		case Busy:
			return d.processLocked(ctx, in)
		}
		snap = res.Current
	}
	return d.processLocked(ctx, in)
}

// processLocked claims the message, locks the customer, runs the step with
// its effects, and records the session and the replies.
func (d *Desk) processLocked(ctx context.Context, in Inbound) ([]Reply, error) {
	step, err := d.sessions.Begin(ctx, in.Key, in.Channel, in.From)
	if err != nil {
		return nil, fmt.Errorf("lock customer: %w", err)
	}
	if step.Handled {
		return step.Replies, nil
	}
	next, replies, err := d.lockedStep(ctx, in, step.Snapshot)
	if err == nil {
		err = wrap("save session", d.sessions.Finish(ctx, step, next, replies))
	}
	if err != nil {
		if aerr := d.sessions.Abort(context.WithoutCancel(ctx), step); aerr != nil {
			d.log.Warn("release inbound claim", slog.String("err", aerr.Error()))
		}
		return nil, err
	}
	return replies, nil
}

func (d *Desk) lockedStep(ctx context.Context, in Inbound, snap SessionSnapshot) (conversation.Session, []Reply, error) {
	s, err := d.sessionOf(ctx, in, snap)
	if err != nil {
		return s, nil, err
	}
	return d.step(ctx, in, s, d.now())
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

// sessionOf is the dialogue of a snapshot; a new one starts from what the
// database knows of the customer (their details, their open ticket).
func (d *Desk) sessionOf(ctx context.Context, in Inbound, snap SessionSnapshot) (conversation.Session, error) {
	s := snap.Session
	if snap.Found {
		return s, nil
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

// quickStep takes the dialogue's step when nothing but the dialogue changes:
// no survey answer, no confirmation of a resolved ticket, and no intent
// with effects. ok is false otherwise, and the step is to run under the
// customer's lock. The quiet intents are for runQuiet once committed.
func (d *Desk) quickStep(ctx context.Context, in Inbound, s conversation.Session, now time.Time) (next conversation.Session, replies []Reply, quiet []conversation.Intent, ok bool, err error) {
	if d.surveyMayTake(ctx, in, s) {
		return s, nil, nil, false, nil
	}
	if _, tap := confirmTap(in); tap && s.ActiveTicket != 0 {
		return s, nil, nil, false, nil
	}
	next, said, intents := conversation.Step(s, toEvent(in), now)
	for _, it := range intents {
		if !quietIntent(it.Kind) {
			return s, nil, nil, false, nil
		}
	}
	return next, toReplies(said), intents, true, nil
}

// quietIntent: an intent that changes nothing outside the dialogue, so its
// step may be committed optimistically and the intent run afterwards.
func quietIntent(k conversation.IntentKind) bool {
	return k == conversation.IntentDraftCancelled
}

// runQuiet carries out the quiet intents of a committed step.
func (d *Desk) runQuiet(ctx context.Context, in Inbound, s *conversation.Session, intents []conversation.Intent, now time.Time) {
	for _, it := range intents {
		x := &intentRun{desk: d, in: in, s: s, now: now}
		if _, err := x.run(ctx, it); err != nil {
			d.log.Warn("after step", slog.String("intent", string(it.Kind)), slog.String("err", err.Error()))
		}
	}
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
