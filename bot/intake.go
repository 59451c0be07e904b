package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/conversation"
)

// intentRun carries out one intent of a dialogue step.
type intentRun struct {
	desk *Desk
	in   Inbound
	s    *conversation.Session
	now  time.Time
}

// intentResult is what carrying out an intent adds to the step.
type intentResult struct {
	replies []Reply
	replace bool // the replies replace the dialogue's own
	again   bool // run the event through the dialogue again, without the active ticket
}

// run carries out one intent.
func (x *intentRun) run(ctx context.Context, it conversation.Intent) (intentResult, error) {
	var replies []Reply
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
	case conversation.IntentCallback:
		replies, err = x.callback(ctx)
	case conversation.IntentOverflowText:
		err = x.overflow(ctx, it.Text)
	case conversation.IntentUnsubscribed:
		err = x.desk.customers.SetSubscribed(ctx, x.in.Channel, x.in.From, false, x.now)
	case conversation.IntentDraftCancelled:
		x.desk.log.Info("draft cancelled", slog.Int("runes", len([]rune(it.Draft.Description))))
	}
	return intentResult{replies: replies}, err
}

// openTicket turns a confirmed draft into a ticket with its committed
// times, in one transaction with the customer's details, its first events,
// its assignee and its jobs.
func (x *intentRun) openTicket(ctx context.Context, dr *conversation.Draft) ([]Reply, error) {
	t, clock, err := x.newTicket(ctx, dr, x.in.Key)
	if err != nil {
		return nil, err
	}
	a := x.desk.assignNew(ctx, t, x.now)
	created, err := x.open(ctx, dr, t, clock, append(x.openingEvents(t, dr), a.events()...))
	if err != nil {
		return nil, fmt.Errorf("open ticket: %w", err)
	}
	x.s.ActiveTicket = t.ID
	if created {
		x.desk.log.Info("ticket opened", slog.Int64("ticket", t.ID), slog.Int("severity", t.Severity), slog.String("plan", t.Plan))
		x.desk.announce(ctx, t, a, x.now)
	}
	return []Reply{{Text: openedText(t, clock, x.now), Fallback: ticketTemplate(t, "已受理", t.ResponseDue, x.desk.policy.Location)}}, nil
}

// open writes t, the customer's details from dr, events and t's deadline
// jobs in one transaction. A retry of the opening message finds its ticket
// (in t) and returns false.
func (x *intentRun) open(ctx context.Context, dr *conversation.Draft, t *Ticket, clock sla.Clock, events []Event) (bool, error) {
	now := x.now
	c := &Customer{Channel: x.in.Channel, OpenID: x.in.From, UnitName: dr.Unit, Name: dr.Name, Phone: dr.Phone,
		Room: dr.Room, Subscribed: true, LastSeenAt: &now, UpdatedAt: now}
	return x.desk.tickets.OpenTicket(ctx, Opening{Customer: c, Ticket: t, Events: events, Jobs: x.desk.jobsFor(clock, now)})
}

// ticketTemplate is a ticket notice as a template message: short fields,
// since WeChat caps each at 20 characters.
func ticketTemplate(t *Ticket, status string, at time.Time, loc *time.Location) *TemplateMessage {
	return &TemplateMessage{
		Kind: "ticket",
		Fields: map[string]string{
			"ticket": fmt.Sprintf("#%d", t.ID),
			"status": status,
			"time":   at.In(loc).Format("2006-01-02 15:04"),
			"note":   summaryLine(t.Description),
		},
		ClientMsgID: fmt.Sprintf("ticket-%d-%s", t.ID, status),
	}
}

// newTicket builds the ticket on the plan of the customer's unit; an
// unknown unit is served on the default plan. openedBy is the key that
// keeps a retried message from opening it twice.
func (x *intentRun) newTicket(ctx context.Context, dr *conversation.Draft, openedBy string) (*Ticket, sla.Clock, error) {
	planName, paid, err := x.desk.unitPlan(ctx, dr.Unit, x.now)
	if err != nil {
		return nil, sla.Clock{}, err
	}
	plan, err := x.desk.policy.Plan(planName)
	if err != nil {
		return nil, sla.Clock{}, fmt.Errorf("unit %q: %w", dr.Unit, err)
	}
	clock, err := sla.NewClock(plan, dr.Severity, x.now)
	if err != nil {
		return nil, sla.Clock{}, err
	}
	due, err := clock.Deadlines(x.now)
	if err != nil {
		return nil, sla.Clock{}, err
	}
	t := &Ticket{OpenedBy: openedBy, Channel: x.in.Channel, UnitName: dr.Unit,
		ContactName: dr.Name, Phone: dr.Phone, Room: dr.Room, Description: dr.Description, Severity: dr.Severity,
		Status: StatusOpen, Plan: planName, PaidService: paid, ReportedAt: x.now, ResponseDue: due.Response,
		CreatedAt: x.now}
	if !due.Resolution.IsZero() {
		t.ResolutionDue = &due.Resolution
	}
	return t, clock, nil
}

// jobsFor schedules a new ticket's reminders and breach checks.
func (d *Desk) jobsFor(clock sla.Clock, now time.Time) func(*Ticket) ([]Job, error) {
	return func(t *Ticket) ([]Job, error) { return d.deadlineJobs(t, clock.Plan, clock, now) }
}

// unitPlan finds the plan of a unit and whether the report falls outside
// its free service period (paid service). The policy's units are the
// database's (serve syncs them at start, and nothing else writes units), so
// they are read from memory; the database is asked only for a name the
// policy lacks, which an earlier policy file may have listed.
func (d *Desk) unitPlan(ctx context.Context, unit string, now time.Time) (plan string, paid bool, err error) {
	u, ok := d.policy.Unit(unit)
	if !ok {
		found, err := d.units.Unit(ctx, unit)
		if errors.Is(err, ErrNotFound) {
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
	st := sla.PeriodStatus(start, *u.ServiceEnd, now, d.policy.Location)
	return u.Plan, st == sla.Outside, nil
}

func (x *intentRun) openingEvents(t *Ticket, dr *conversation.Draft) []Event {
	events := []Event{x.customerEvent(EventOpened, dr.Description, "")}
	if dr.SeverityGuessed {
		events = append(events, Event{At: x.now, ActorKind: ActorSystem, Kind: "severity_assumed",
			Body: "客户未能选择严重程度，按普通问题受理"})
	}
	for _, a := range dr.Attachments {
		events = append(events, x.customerEvent(a.Kind, "", a.MediaID))
	}
	if t.PaidService {
		events = append(events, Event{At: x.now, ActorKind: ActorSystem, Kind: "paid_service", Body: "单位免费服务期外，按有偿服务处理"})
	}
	return events
}

func (x *intentRun) customerEvent(kind, body, media string) Event {
	return Event{At: x.now, ActorKind: ActorCustomer, Actor: x.in.From, Kind: kind, Body: body, MediaID: media}
}

// openedText is the promise: ticket number, severity, committed times.
func openedText(t *Ticket, clock sla.Clock, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "您的报修已受理，工单号 #%d（%s）。\n", t.ID, conversation.SeverityName(t.Severity))
	if promise, err := clock.Commitment(now); err == nil {
		b.WriteString(promise + "。\n")
	}
	if t.PaidService {
		b.WriteString("贵单位的免费服务期已结束，本次服务将按有偿服务处理，工程师会与您确认。\n")
	}
	b.WriteString("工程师会尽快与您联系；如需补充情况，直接回复即可。")
	return b.String()
}

// appendToTicket adds a message to the customer's open ticket and hands it
// to the engineer. A ticket closed meanwhile sends the message through the
// dialogue again, where it starts a new report; on a resolved ticket a yes
// or no is the customer's confirmation.
func (x *intentRun) appendToTicket(ctx context.Context, it conversation.Intent) (intentResult, error) {
	t, err := x.desk.tickets.Ticket(ctx, x.s.ActiveTicket)
	if errors.Is(err, ErrNotFound) || (err == nil && !t.IsOpen()) {
		return intentResult{again: true}, nil
	}
	if err != nil {
		return intentResult{}, fmt.Errorf("load ticket: %w", err)
	}
	if solved, ok := parseConfirmation(it.Text); ok && t.Status == StatusResolved && it.Attachment == nil {
		replies, err := x.desk.customerConfirms(ctx, t.ID, solved, x.in, x.now)
		return intentResult{replies: replies, replace: true}, err
	}
	e := x.customerEvent(EventMessage, it.Text, "")
	if it.Attachment != nil {
		e.Kind, e.MediaID = it.Attachment.Kind, it.Attachment.MediaID
	}
	e.TicketID, e.MsgKey = t.ID, &x.in.Key
	added, err := x.desk.tickets.AddEvent(ctx, e)
	if err != nil {
		return intentResult{}, fmt.Errorf("add to ticket: %w", err)
	}
	if !added {
		return intentResult{}, nil
	}
	if t.Status == StatusWaiting {
		if t, err = x.desk.resume(ctx, t, x.now); err != nil {
			return intentResult{}, fmt.Errorf("resume clock: %w", err)
		}
	}
	x.desk.relayToStaff(ctx, t, e)
	return intentResult{}, nil
}

// listTickets answers 查询 / 进度.
func (x *intentRun) listTickets(ctx context.Context) ([]Reply, error) {
	c, err := x.desk.customers.Customer(ctx, x.in.Channel, x.in.From)
	if errors.Is(err, ErrNotFound) {
		return []Reply{{Text: noTicketsText}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load customer: %w", err)
	}
	open, err := x.desk.tickets.OpenTicketsOf(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	if len(open) == 0 {
		return []Reply{{Text: noTicketsText}}, nil
	}
	return []Reply{{Text: ticketList(open, x.desk.policy.Location, x.now.In(x.desk.policy.Location))}}, nil
}

const noTicketsText = "您目前没有处理中的工单。如需报修，直接描述遇到的问题即可。"

func ticketList(ts []Ticket, loc *time.Location, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "您有 %d 张处理中的工单：\n", len(ts))
	for _, t := range ts {
		fmt.Fprintf(&b, "\n#%d %s｜%s\n%s\n", t.ID, conversation.SeverityName(t.Severity), t.Status.Label(), summaryLine(t.Description))
		if t.RespondedAt == nil {
			fmt.Fprintf(&b, "响应时限：%s\n", sla.CustomerTime(t.ResponseDue.In(loc), now.Year()))
		} else if t.StaffName != "" {
			fmt.Fprintf(&b, "处理人：%s（工号 %s）\n", t.StaffName, t.StaffNumber)
		}
		if t.ResolutionDue != nil && t.Status != StatusResolved {
			fmt.Fprintf(&b, "解决时限：%s\n", sla.CustomerTime(t.ResolutionDue.In(loc), now.Year()))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// summaryLine is the start of a description, short enough for one line.
func summaryLine(s string) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return string(r)
}
