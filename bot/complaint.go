package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

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
	if added {
		x.desk.log.Info("complaint recorded", slog.Int64("ticket", t.ID))
		x.desk.relayToStaff(ctx, t, e)
	}
	return []Reply{{Text: fmt.Sprintf("您的投诉已记录（工单 #%d），我们会立即转交负责人核实，并尽快给您答复。", t.ID)}}, nil
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
	c, err := x.saveCustomer(ctx, dr)
	if err != nil {
		return nil, err
	}
	t, _, err := x.newTicket(ctx, c, dr)
	if err != nil {
		return nil, err
	}
	t.OpenedBy = "complaint:" + x.in.Key
	if _, err := x.desk.tickets.OpenTicket(ctx, t, []Event{x.customerEvent(EventOpened, dr.Description, "")}); err != nil {
		return nil, fmt.Errorf("open complaint ticket: %w", err)
	}
	x.s.ActiveTicket = t.ID
	x.desk.ticketOpened(ctx, t)
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
	in.Key, in.Text = "overflow:"+in.Key, text
	return wrap("keep overflow text", x.desk.backlog.Keep(ctx, in, "description too long for one report", x.now))
}
