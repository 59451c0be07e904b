package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/hotline-desk/hotline/conversation"
)

// complain records a complaint (投诉) on the customer's open ticket, or
// their latest one. A customer with no ticket at all gets one opened for
// the complaint, so it is handled like any report.
func (x *intentRun) complain(ctx context.Context, it conversation.Intent) ([]Reply, error) {
	t, err := x.complaintTicket(ctx, it)
	if err != nil {
		return nil, err
	}
	e := x.customerEvent(EventComplaint, it.Text, "")
	if it.Attachment != nil {
		e.MediaID = it.Attachment.MediaID
	}
	e.TicketID, e.MsgKey = t.ID, &x.in.Key
	added, err := x.desk.tickets.AddEvent(ctx, e)
	if err != nil {
		return nil, fmt.Errorf("record complaint: %w", err)
	}
	who := "负责人"
	if added {
		x.desk.log.Info("complaint recorded", slog.Int64("ticket", t.ID))
		who = x.desk.escalateComplaint(ctx, t, e)
	}
	return []Reply{{Text: fmt.Sprintf("您的投诉已记录（工单 #%d），已转交%s，我们会立即核实，并尽快给您答复。", t.ID, who)}}, nil
}

// escalateComplaint sends a complaint at once to the managers (总经理室,
// seed 000 6.4) with the ticket's history, and to the assignee; with no
// manager reachable, to the leads. It returns who received it, as the
// customer reads it.
func (d *Desk) escalateComplaint(ctx context.Context, t *Ticket, e Event) string {
	if d.staff == nil {
		return "负责人"
	}
	to, office := d.staffWith(ctx, RoleManager), "总经理室"
	if len(to) == 0 {
		to, office = d.staffWith(ctx, RoleLead), "服务主管"
	}
	d.relayToStaff(ctx, t, e) // the assignee hears it too
	if len(to) == 0 {
		return "负责人"
	}
	text := d.complaintBrief(ctx, t, e)
	names := make([]string, 0, len(to))
	for _, s := range to {
		names = append(names, s.Label())
		msg := StaffMessage{ChatID: *s.TelegramUserID, TicketID: t.ID, Text: text, Key: "complaint:" + derefKey(e.MsgKey) + ":" + strconv.FormatInt(s.ID, 10)}
		if err := d.sendStaff(ctx, msg); err != nil {
			d.log.Error("escalate complaint", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		}
	}
	body := office + " " + strings.Join(names, "、")
	d.tickets.AddEvent(ctx, Event{TicketID: t.ID, At: d.now(), ActorKind: ActorSystem, Kind: "escalated", Body: "投诉升级至 " + body})
	d.metrics.Escalated()
	return body
}

func derefKey(k *string) string {
	if k == nil {
		return ""
	}
	return *k
}

// complaintBrief is the complaint with the ticket and its recent history.
func (d *Desk) complaintBrief(ctx context.Context, t *Ticket, e Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "🚨 客户投诉（工单 #%d）：%s\n\n%s\n\n服务记录：", t.ID, e.Body, d.ticketCard(t, d.now()))
	events, err := d.tickets.Events(ctx, t.ID)
	if err == nil {
		for _, ev := range events[max(0, len(events)-15):] {
			b.WriteString("\n" + d.eventLine(ev))
		}
	}
	b.WriteString("\n\n回复本消息即可答复客户。")
	return b.String()
}

func (x *intentRun) complaintTicket(ctx context.Context, it conversation.Intent) (*Ticket, error) {
	if x.s.ActiveTicket != 0 {
		t, err := x.desk.tickets.Ticket(ctx, x.s.ActiveTicket)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("load ticket: %w", err)
		}
	}
	c, err := x.desk.customers.Customer(ctx, x.in.Channel, x.in.From)
	if err == nil {
		t, err := x.desk.tickets.LatestTicketOf(ctx, c.ID)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("latest ticket: %w", err)
		}
	} else if !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("load customer: %w", err)
	}
	return x.complaintOnlyTicket(ctx, it)
}

// complaintOnlyTicket opens a normal-severity ticket carrying the complaint
// with the details on file.
func (x *intentRun) complaintOnlyTicket(ctx context.Context, it conversation.Intent) (*Ticket, error) {
	p := x.s.Profile
	dr := &conversation.Draft{Description: "【投诉】" + it.Text, Severity: 3, Unit: p.Unit, Name: p.Name, Phone: p.Phone, Room: p.Room}
	t, clock, err := x.newTicket(ctx, dr, "complaint:"+x.in.Key)
	if err != nil {
		return nil, err
	}
	a := x.desk.assignNew(ctx, t, x.now)
	created, err := x.open(ctx, dr, t, clock, append([]Event{x.customerEvent(EventOpened, dr.Description, "")}, a.events()...))
	if err != nil {
		return nil, fmt.Errorf("open complaint ticket: %w", err)
	}
	x.s.ActiveTicket = t.ID
	if created {
		x.desk.announce(ctx, t, a, x.now)
	}
	return t, nil
}

// callback records a request for a person to call back (人工).
func (x *intentRun) callback(ctx context.Context) ([]Reply, error) {
	if x.s.ActiveTicket == 0 {
		return []Reply{{Text: "好的。请先简单描述您遇到的问题并留下联系电话，提交报修后工程师会尽快给您回电。"}}, nil
	}
	e := x.customerEvent(EventCallback, "客户请求人工回电", "")
	e.TicketID, e.MsgKey = x.s.ActiveTicket, &x.in.Key
	added, err := x.desk.tickets.AddEvent(ctx, e)
	if err != nil {
		return nil, fmt.Errorf("record callback: %w", err)
	}
	if added {
		if t, err := x.desk.tickets.Ticket(ctx, x.s.ActiveTicket); err == nil {
			x.desk.relayToStaff(ctx, t, e)
		}
	}
	return []Reply{{Text: fmt.Sprintf("已为您登记人工回电（工单 #%d），工程师会尽快给您打电话。", x.s.ActiveTicket)}}, nil
}

// overflow keeps text that did not fit a draft's description: on the open
// ticket when there is one, else in the backlog for staff to read.
func (x *intentRun) overflow(ctx context.Context, text string) error {
	if x.s.ActiveTicket != 0 {
		e := x.customerEvent(EventMessage, text, "")
		e.TicketID = x.s.ActiveTicket
		_, err := x.desk.tickets.AddEvent(ctx, e)
		return wrap("keep overflow text", err)
	}
	in := x.in
	in.Key, in.Text = overflowPrefix+in.Key, text
	return wrap("keep overflow text", x.desk.backlog.Keep(ctx, in, "description too long for one report", x.now))
}
