package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/ticket"
	"github.com/hotline-desk/hotline/conversation"
)

// intentRun carries out one intent of a dialogue step.
type intentRun struct {
	desk *Desk
	in   bot.Inbound
	s    *conversation.Session
	now  time.Time
}

// intentResult is what carrying out an intent adds to the step.
type intentResult struct {
	replies []bot.Reply
	replace bool // the replies replace the dialogue's own
	// ack: the dialogue's acknowledgement of the intent (conversation.AckOf)
	// is replaced by the replies, in its place; "" for none.
	ack   string
	again bool // run the event through the desk again, without the active ticket
}

// run carries out one intent.
func (x *intentRun) run(ctx context.Context, it conversation.Intent) (intentResult, error) {
	var replies []bot.Reply
	var err error
	switch it.Kind {
	case conversation.IntentOpenTicket:
		replies, err = x.openTicket(ctx, it.Draft)
	case conversation.IntentListTickets:
		replies, err = x.listTickets(ctx)
	case conversation.IntentAppend:
		return x.appendToTicket(ctx, it)
	case conversation.IntentComplaint:
		replies, err = x.complain(ctx, it)
		return intentResult{replies: replies, ack: conversation.AckOf(it.Kind)}, err
	case conversation.IntentCallback:
		replies, err = x.callback(ctx)
		return intentResult{replies: replies, ack: conversation.AckOf(it.Kind)}, err
	case conversation.IntentOverflowText:
		err = x.overflow(ctx, it.Text)
	case conversation.IntentUnsubscribed:
		err = x.desk.customers.SetSubscribed(ctx, x.in.Channel, x.in.From, false, x.now)
	case conversation.IntentDraftCancelled:
		x.desk.log.Info("draft cancelled", slog.Int("runes", len([]rune(it.Draft.Description))))
	}
	return intentResult{replies: replies}, err
}

// report is a draft as the ticket's report; key keeps a retried message
// from opening it twice.
func (x *intentRun) report(dr *conversation.Draft, key string, events func(*bot.Ticket) []bot.Event) ticket.Report {
	return ticket.Report{Channel: x.in.Channel, OpenID: x.in.From, Key: key, Unit: dr.Unit, Name: dr.Name, Phone: dr.Phone,
		Room: dr.Room, Description: dr.Description, Severity: dr.Severity, At: x.now, Events: events}
}

// openTicket turns a confirmed draft into a ticket and promises its times.
func (x *intentRun) openTicket(ctx context.Context, dr *conversation.Draft) ([]bot.Reply, error) {
	// Text the report could not hold goes on the ticket with it, in its
	// transaction; each piece keyed, so a retry adds none twice. Only a
	// report that overflowed looks: opening a ticket stays one query.
	var overflow []BacklogItem
	if dr.Overflow {
		var err error
		if overflow, err = x.desk.backlog.OverflowOf(ctx, x.in.Channel, x.in.From, dr.StartedAt); err != nil {
			return nil, fmt.Errorf("read the report's overflow text: %w", err)
		}
	}
	o, err := x.desk.lifecycle.Open(ctx, x.report(dr, x.in.Key, func(t *bot.Ticket) []bot.Event {
		events := x.openingEvents(t, dr)
		for _, it := range overflow {
			events = append(events, x.customerEvent(bot.EventMessage, "（报修补充）"+it.In.Text, "").Keyed(it.In.Key))
		}
		return events
	}))
	if err != nil {
		return nil, err
	}
	for _, it := range overflow {
		if err := x.desk.backlog.Handled(ctx, it.ID, x.now); err != nil {
			// On the ticket already; the next report finds it keyed and adds nothing.
			x.desk.log.Warn("mark overflow text handled", slog.Int64("backlog", it.ID), slog.String("err", err.Error()))
		}
	}
	t := o.Ticket
	x.s.ActiveTicket = t.ID
	return []bot.Reply{{Text: openedText(t, o.Clock, x.now), Fallback: notify.TicketTemplate(t, notify.StatusTaken, t.ResponseDue, x.desk.policy.Location)}}, nil
}

func (x *intentRun) openingEvents(t *bot.Ticket, dr *conversation.Draft) []bot.Event {
	events := []bot.Event{x.customerEvent(bot.EventOpened, dr.Description, "")}
	if dr.SeverityGuessed {
		events = append(events, bot.SystemEvent(x.now, "severity_assumed", "客户未能选择严重程度，按普通问题受理"))
	}
	for _, a := range dr.Attachments {
		events = append(events, x.customerEvent(a.Kind, a.Text, a.MediaID))
	}
	if t.PaidService {
		events = append(events, bot.SystemEvent(x.now, "paid_service", "单位免费服务期外，按有偿服务处理"))
	}
	return events
}

func (x *intentRun) customerEvent(kind, body, media string) bot.Event {
	return bot.Event{At: x.now, ActorKind: bot.ActorCustomer, Actor: x.in.From, Kind: kind, Body: body, MediaID: media}
}

// appendToTicket adds a message to the customer's open ticket and hands it
// to the engineer. A ticket closed meanwhile sends the message through the
// desk again, where it starts a new report; on a resolved ticket a yes or
// no is the customer's confirmation.
func (x *intentRun) appendToTicket(ctx context.Context, it conversation.Intent) (intentResult, error) {
	t, err := x.desk.tickets.Ticket(ctx, x.s.ActiveTicket)
	if errors.Is(err, bot.ErrNotFound) || (err == nil && !t.IsOpen()) {
		return intentResult{again: true}, nil
	}
	if err != nil {
		return intentResult{}, fmt.Errorf("load ticket: %w", err)
	}
	if solved, ok := conversation.ReadConfirmation(it.Text); ok && t.Status == bot.StatusResolved && it.Attachment == nil {
		replies, err := x.desk.confirm(ctx, t.ID, solved, x.in, x.now)
		return intentResult{replies: replies, replace: true}, err
	}
	e := x.customerEvent(bot.EventMessage, it.Text, "")
	if it.Attachment != nil {
		e.Kind, e.MediaID, e.Body = it.Attachment.Kind, it.Attachment.MediaID, it.Attachment.Text
	}
	e = e.On(t.ID).Keyed(x.in.Key)
	added, err := x.desk.tickets.AddEvent(ctx, e)
	if err != nil {
		return intentResult{}, fmt.Errorf("add to ticket: %w", err)
	}
	if !added {
		return intentResult{}, nil
	}
	if t.Status == bot.StatusWaiting {
		if t, err = x.desk.lifecycle.Resume(ctx, t, x.now); err != nil {
			return intentResult{}, fmt.Errorf("resume clock: %w", err)
		}
	}
	x.desk.notify.Relay(ctx, t, e)
	return intentResult{}, nil
}

// listTickets answers 查询 / 进度.
func (x *intentRun) listTickets(ctx context.Context) ([]bot.Reply, error) {
	c, err := x.desk.customers.Customer(ctx, x.in.Channel, x.in.From)
	if errors.Is(err, bot.ErrNotFound) {
		return []bot.Reply{{Text: noTicketsText}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load customer: %w", err)
	}
	open, err := x.desk.tickets.OpenTicketsOf(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	if len(open) == 0 {
		return []bot.Reply{{Text: noTicketsText}}, nil
	}
	loc := x.desk.policy.Location
	return []bot.Reply{{Text: ticketList(open, loc, x.now.In(loc))}}, nil
}

// callback records a request for a person to call back (人工).
func (x *intentRun) callback(ctx context.Context) ([]bot.Reply, error) {
	if x.s.ActiveTicket == 0 {
		return []bot.Reply{{Text: callbackNoTicketText}}, nil
	}
	e := x.customerEvent(bot.EventCallback, "客户请求人工回电", "").On(x.s.ActiveTicket).Keyed(x.in.Key)
	added, err := x.desk.tickets.AddEvent(ctx, e)
	if err != nil {
		return nil, fmt.Errorf("record callback: %w", err)
	}
	if added {
		if t, err := x.desk.tickets.Ticket(ctx, x.s.ActiveTicket); err == nil {
			x.desk.notify.Relay(ctx, t, e)
		}
	}
	return []bot.Reply{{Text: fmt.Sprintf(callbackText, x.s.ActiveTicket)}}, nil
}

// overflow keeps text that did not fit a draft's description: on the open
// ticket when there is one, else in the backlog for staff to read.
func (x *intentRun) overflow(ctx context.Context, text string) error {
	// Keyed by the message and the text: a retried step keeps it once, and
	// two pieces of one message (a description replaced by one too long)
	// are both kept.
	sum := sha256.Sum256([]byte(text))
	key := overflowPrefix + x.in.Key + ":" + hex.EncodeToString(sum[:6])
	if x.s.ActiveTicket != 0 {
		e := x.customerEvent(bot.EventMessage, text, "").On(x.s.ActiveTicket).Keyed(key)
		_, err := x.desk.tickets.AddEvent(ctx, e)
		return wrap("keep overflow text", err)
	}
	in := x.in
	in.Key, in.Text = key, text
	return wrap("keep overflow text", x.desk.backlog.Keep(ctx, in, "description too long for one report", x.now))
}
