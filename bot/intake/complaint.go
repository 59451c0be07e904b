package intake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/conversation"
)

// complain records a complaint (投诉) on the customer's open ticket, or
// their latest one. A customer with no ticket at all gets one opened for
// the complaint, so it is handled like any report.
func (x *intentRun) complain(ctx context.Context, it conversation.Intent) ([]bot.Reply, error) {
	t, err := x.complaintTicket(ctx, it)
	if err != nil {
		return nil, err
	}
	e := x.customerEvent(bot.EventComplaint, it.Text, "")
	if it.Attachment != nil {
		e.MediaID = it.Attachment.MediaID
		if it.Text == "" {
			e.Body = it.Attachment.Text
		}
	}
	e = e.On(t.ID).Keyed(x.in.Key)
	added, err := x.desk.tickets.AddEvent(ctx, e)
	if err != nil {
		return nil, fmt.Errorf("record complaint: %w", err)
	}
	who := "负责人"
	if added {
		x.desk.log.Info("complaint recorded", slog.Int64("ticket", t.ID))
		who = x.desk.escalateComplaint(ctx, t, e)
	}
	return []bot.Reply{{Text: fmt.Sprintf(complaintText, t.ID, who)}}, nil
}

// escalateComplaint sends a complaint at once to the managers (总经理室,
// seed 000 6.4) with the ticket's history, and to the assignee; with no
// manager reachable, to the leads. It returns who received it, as the
// customer reads it.
func (d *Desk) escalateComplaint(ctx context.Context, t *bot.Ticket, e bot.Event) string {
	to, office := d.notify.StaffWith(ctx, bot.RoleManager), "总经理室"
	if len(to) == 0 {
		to, office = d.notify.StaffWith(ctx, bot.RoleLead), "服务主管"
	}
	d.notify.Relay(ctx, t, e) // the assignee hears it too
	if len(to) == 0 {
		return "负责人"
	}
	text := d.complaintBrief(ctx, t, e)
	names := make([]string, 0, len(to))
	for _, s := range to {
		names = append(names, s.Label())
		msg := bot.StaffMessage{ChatID: *s.TelegramUserID, TicketID: t.ID, Text: text, Key: "complaint:" + *e.MsgKey + ":" + strconv.FormatInt(s.ID, 10)}
		if err := d.notify.Send(ctx, msg); err != nil {
			d.log.Error("escalate complaint", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		}
	}
	body := office + " " + strings.Join(names, "、")
	d.tickets.AddEvent(ctx, bot.SystemEvent(d.now(), "escalated", "投诉升级至 "+body).On(t.ID))
	d.metrics.Escalated()
	return body
}

// complaintBrief is the complaint with the ticket and its recent history.
func (d *Desk) complaintBrief(ctx context.Context, t *bot.Ticket, e bot.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "🚨 客户投诉（工单 #%d）：%s\n\n%s\n\n服务记录：", t.ID, e.Body, d.notify.Card(t, d.now()))
	if lines, err := d.notify.ServiceLog(ctx, t.ID, 15); err == nil {
		b.WriteString(lines)
	}
	b.WriteString("\n\n回复本消息即可答复客户。")
	return b.String()
}

// complaintTicket is the ticket a complaint is about: the active one, the
// customer's latest, or one opened for it.
func (x *intentRun) complaintTicket(ctx context.Context, it conversation.Intent) (*bot.Ticket, error) {
	if x.s.ActiveTicket != 0 {
		t, err := x.desk.tickets.Ticket(ctx, x.s.ActiveTicket)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, bot.ErrNotFound) {
			return nil, fmt.Errorf("load ticket: %w", err)
		}
	}
	c, err := x.desk.customers.Customer(ctx, x.in.Channel, x.in.From)
	if err == nil {
		t, err := x.desk.tickets.LatestTicketOf(ctx, c.ID)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, bot.ErrNotFound) {
			return nil, fmt.Errorf("latest ticket: %w", err)
		}
	} else if !errors.Is(err, bot.ErrNotFound) {
		return nil, fmt.Errorf("load customer: %w", err)
	}
	return x.complaintOnlyTicket(ctx, it)
}

// complaintOnlyTicket opens a normal-severity ticket carrying the complaint
// with the details on file.
func (x *intentRun) complaintOnlyTicket(ctx context.Context, it conversation.Intent) (*bot.Ticket, error) {
	p := x.s.Profile
	dr := &conversation.Draft{Description: "【投诉】" + it.Text, Severity: 3, Unit: p.Unit, Name: p.Name, Phone: p.Phone, Room: p.Room}
	opening := func(*bot.Ticket) []bot.Event {
		return []bot.Event{x.customerEvent(bot.EventOpened, dr.Description, "")}
	}
	o, err := x.desk.lifecycle.Open(ctx, x.report(dr, "complaint:"+x.in.Key, opening))
	if err != nil {
		return nil, fmt.Errorf("open complaint ticket: %w", err)
	}
	x.s.ActiveTicket = o.Ticket.ID
	return o.Ticket, nil
}
