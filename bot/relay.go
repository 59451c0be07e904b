package bot

import (
	"context"
	"fmt"
	"log/slog"
)

// relayToStaff hands a customer's message on an open ticket to its
// assignee, marked with the ticket number. Unassigned tickets' messages
// wait in the log for whoever takes the ticket.
func (d *Desk) relayToStaff(ctx context.Context, t *Ticket, e Event) {
	if d.staffChat == nil || d.staff == nil {
		return
	}
	if t.AssigneeID == nil {
		return
	}
	s, err := d.staff.StaffByID(ctx, *t.AssigneeID)
	if err != nil || !d.reachable(s) {
		return
	}
	m := StaffMessage{ChatID: *s.TelegramUserID, TicketID: t.ID, Text: relayText(t, e)}
	if e.Kind == EventImage && e.MediaID != "" {
		m.CustomerMedia, m.MediaCaption = e.MediaID, fmt.Sprintf("💬 工单 #%d 客户发来的图片", t.ID)
	}
	if err := d.staffChat.SendStaff(ctx, m); err != nil {
		d.log.Error("relay to staff", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
	}
}

func relayText(t *Ticket, e Event) string {
	switch {
	case e.Kind == EventComplaint:
		return fmt.Sprintf("⚠️ 工单 #%d 客户投诉：%s\n（回复本消息即可答复客户）", t.ID, e.Body)
	case e.Kind == EventCallback:
		return fmt.Sprintf("📞 工单 #%d 客户请求人工回电：%s %s", t.ID, t.ContactName, t.Phone)
	case e.MediaID != "" && e.Kind == EventImage:
		return fmt.Sprintf("💬 工单 #%d 客户发来一张图片（已存入工单，素材 ID %s）", t.ID, e.MediaID)
	case e.MediaID != "":
		return fmt.Sprintf("💬 工单 #%d 客户发来一条语音（已存入工单，素材 ID %s）", t.ID, e.MediaID)
	}
	return fmt.Sprintf("💬 工单 #%d 客户：%s\n（回复本消息即可答复客户）", t.ID, e.Body)
}

// staffWith lists reachable staff with any of roles.
func (d *Desk) staffWith(ctx context.Context, roles ...string) []Staff {
	roster, err := d.staff.ListStaff(ctx)
	if err != nil {
		d.log.Error("list staff", slog.String("err", err.Error()))
		return nil
	}
	var out []Staff
	for _, s := range roster {
		for _, r := range roles {
			if s.HasRole(r) && d.reachable(&s) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// notifyCustomer pushes a notice about a ticket to its customer, with the
// ticket template as the fallback outside WeChat's 48-hour window.
func (d *Desk) notifyCustomer(ctx context.Context, t *Ticket, text, status string) {
	if d.customer == nil {
		return
	}
	c, err := d.customerOf(ctx, t)
	if err != nil {
		d.log.Error("notify customer: load customer", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		return
	}
	r := Reply{Text: text, Fallback: ticketTemplate(t, status, d.now(), d.policy.Location)}
	if err := d.customer.Notify(ctx, c.OpenID, Notice{Reply: r, Template: r.Fallback}); err != nil {
		d.log.Warn("notify customer", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
	}
}

func (d *Desk) customerOf(ctx context.Context, t *Ticket) (*Customer, error) {
	return d.customers.CustomerByID(ctx, t.CustomerID)
}
