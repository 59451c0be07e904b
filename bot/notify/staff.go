package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// Send delivers a message to a staff chat (stored in the outbox first).
func (n *Notifier) Send(ctx context.Context, m bot.StaffMessage) error {
	if n.staffChat == nil {
		return nil
	}
	return n.staffChat.SendStaff(ctx, m)
}

// Edit changes a message sent earlier under a ref (stored in the outbox
// first, behind the messages before it).
func (n *Notifier) Edit(ctx context.Context, e bot.StaffEdit) error {
	if n.staffChat == nil {
		return nil
	}
	return n.staffChat.EditStaff(ctx, e)
}

// Tell sends plain text to a staff chat.
func (n *Notifier) Tell(ctx context.Context, chat int64, text string) error {
	return n.Send(ctx, bot.StaffMessage{ChatID: chat, Text: text})
}

// Answer answers a button press with a toast.
func (n *Notifier) Answer(ctx context.Context, callbackID, text string) error {
	if n.answerer == nil {
		return nil
	}
	return n.answerer.AnswerCallback(ctx, callbackID, text)
}

// Relay hands a customer's message on an open ticket to its assignee,
// marked with the ticket number. Unassigned tickets' messages wait in the
// log for whoever takes the ticket.
func (n *Notifier) Relay(ctx context.Context, t *bot.Ticket, e bot.Event) {
	if n.staffChat == nil || n.staff == nil || t.AssigneeID == nil {
		return
	}
	s, err := n.staff.StaffByID(ctx, *t.AssigneeID)
	if err != nil || !s.Reachable() {
		return
	}
	m := bot.StaffMessage{ChatID: *s.TelegramUserID, TicketID: t.ID, Text: relayText(t, e)}
	if e.Kind == bot.EventImage && e.MediaID != "" {
		m.CustomerMedia, m.MediaCaption = e.MediaID, fmt.Sprintf("💬 工单 #%d 客户发来的图片", t.ID)
	}
	if err := n.staffChat.SendStaff(ctx, m); err != nil {
		n.log.Error("relay to staff", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
	}
}

// StaffWith lists reachable staff with any of roles; a failure to read the
// roster is logged and lists nobody.
func (n *Notifier) StaffWith(ctx context.Context, roles ...string) []bot.Staff {
	if n.staff == nil {
		return nil
	}
	roster, err := n.staff.ListStaff(ctx)
	if err != nil {
		n.log.Error("list staff", slog.String("err", err.Error()))
		return nil
	}
	return WithRoles(roster, roles...)
}

// WithRoles keeps the reachable staff of roster with any of roles.
func WithRoles(roster []bot.Staff, roles ...string) []bot.Staff {
	var out []bot.Staff
	for _, s := range roster {
		if s.Reachable() && slices.ContainsFunc(roles, s.HasRole) {
			out = append(out, s)
		}
	}
	return out
}

// Ping sends the assignee the ticket with its buttons.
func (n *Notifier) Ping(ctx context.Context, to *bot.Staff, t *bot.Ticket, now time.Time) error {
	if n.staffChat == nil || to.TelegramUserID == nil {
		return nil
	}
	return n.staffChat.SendStaff(ctx, bot.StaffMessage{ChatID: *to.TelegramUserID, Ref: PingRef(t.ID), TicketID: t.ID,
		Text: "🔔 新工单\n" + n.Card(t, now), Buttons: PingButtons(t)})
}

// PingRef names a ticket's ping for later edits.
func PingRef(ticket int64) string { return fmt.Sprintf("ping:%d", ticket) }

// TellLeads tells every lead that a ticket waits in the queue, each at the
// start of their next service hour.
func (n *Notifier) TellLeads(ctx context.Context, roster []bot.Staff, t *bot.Ticket, now time.Time) error {
	for _, s := range roster {
		if !s.HasRole(bot.RoleLead) || !s.Reachable() || n.staffChat == nil {
			continue
		}
		msg := bot.StaffMessage{ChatID: *s.TelegramUserID, TicketID: t.ID, NotBefore: n.policy.NextOnDuty(&s, now),
			Text: "📥 待派工单（无值班工程师）\n" + n.Card(t, now), Buttons: [][]bot.Button{{{Text: "接单", Data: CallbackData(ActAck, t.ID)}}}}
		if err := n.staffChat.SendStaff(ctx, msg); err != nil {
			return fmt.Errorf("tell lead %s: %w", s.Number, err)
		}
	}
	return nil
}

// RefreshPing shows the ticket's new state on the assignee's ping.
func (n *Notifier) RefreshPing(ctx context.Context, t *bot.Ticket) {
	n.EditPing(ctx, t, n.Card(t, n.now()), PingButtons(t))
}

// EditPing rewrites the assignee's ping of t.
func (n *Notifier) EditPing(ctx context.Context, t *bot.Ticket, text string, buttons [][]bot.Button) {
	if n.staffChat == nil || t.AssigneeID == nil {
		return
	}
	s, err := n.staff.StaffByID(ctx, *t.AssigneeID)
	if err != nil || s.TelegramUserID == nil {
		return
	}
	if err := n.staffChat.EditStaff(ctx, bot.StaffEdit{ChatID: *s.TelegramUserID, Ref: PingRef(t.ID), Text: text, Buttons: buttons}); err != nil {
		n.warn("edit ping", t.ID, err)
	}
}

// ServiceLog is the last events of a ticket's log, each on a line of its
// own after a line break.
func (n *Notifier) ServiceLog(ctx context.Context, ticket int64, last int) (string, error) {
	events, err := n.tickets.Events(ctx, ticket)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, e := range events[max(0, len(events)-last):] {
		b.WriteString("\n" + n.EventLine(e))
	}
	return b.String(), nil
}

// TellUserError shows an error safe to show (bot.UserError) to a staff
// chat, and returns any other.
func (n *Notifier) TellUserError(ctx context.Context, chat int64, err error) error {
	var ue *bot.UserError
	if errors.As(err, &ue) {
		return n.Tell(ctx, chat, ue.Message)
	}
	return err
}
