package bot

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"
)

// ticketOpened assigns a new ticket and pings the assignee. A failure here
// leaves the ticket in the queue, where leads see it; the customer's report
// is already safe.
func (d *Desk) ticketOpened(ctx context.Context, t *Ticket) {
	if err := d.assign(ctx, t, d.now()); err != nil {
		d.log.Error("assign ticket", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
	}
}

func (d *Desk) assign(ctx context.Context, t *Ticket, now time.Time) error {
	if d.staff == nil {
		return nil
	}
	roster, err := d.staff.ListStaff(ctx)
	if err != nil {
		return fmt.Errorf("list staff: %w", err)
	}
	who, err := d.pickAssignee(ctx, roster, t, now)
	if err != nil {
		return err
	}
	if who == nil {
		return d.queueTicket(ctx, roster, t, now)
	}
	e := Event{At: now, ActorKind: ActorSystem, Kind: "assigned", Body: "派单给 " + who.Label()}
	t, applied, err := d.tickets.ChangeTicket(ctx, t.ID, TicketChange{From: []Status{StatusOpen}, Assignee: who, At: now}, []Event{e}, nil)
	if err != nil || !applied {
		return err
	}
	return d.ping(ctx, who, t, now)
}

// pickAssignee is an engineer who is on duty now, serves the unit, and has
// the fewest open tickets, the longest-unassigned first on ties (round
// robin); else a lead on duty; else nobody.
func (d *Desk) pickAssignee(ctx context.Context, roster []Staff, t *Ticket, now time.Time) (*Staff, error) {
	for _, role := range []string{RoleEngineer, RoleLead} {
		candidates := slices.DeleteFunc(slices.Clone(roster), func(s Staff) bool {
			return !s.HasRole(role) || !d.reachable(&s) || !d.onDuty(&s, now) || !s.Serves(t.UnitName)
		})
		if len(candidates) == 0 {
			continue
		}
		load, err := d.staff.OpenLoad(ctx)
		if err != nil {
			return nil, fmt.Errorf("staff load: %w", err)
		}
		slices.SortStableFunc(candidates, func(a, b Staff) int {
			return cmp.Or(cmp.Compare(load[a.ID], load[b.ID]), compareAssigned(a.LastAssignedAt, b.LastAssignedAt), cmp.Compare(a.ID, b.ID))
		})
		return &candidates[0], nil
	}
	return nil, nil
}

// compareAssigned orders never-assigned first, then the longest ago.
func compareAssigned(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}

// reachable staff are active and have linked their chat.
func (d *Desk) reachable(s *Staff) bool { return s.Active && s.TelegramUserID != nil }

// onDuty: staff without hours are always on duty; others while their
// calendar is open.
func (d *Desk) onDuty(s *Staff, now time.Time) bool {
	if s.Hours == "" {
		return true
	}
	cal, ok := d.policy.Calendars[s.Hours]
	return !ok || cal.IsOpen(now)
}

// queueTicket leaves a ticket unassigned and tells every lead, each at the
// start of their next service hour.
func (d *Desk) queueTicket(ctx context.Context, roster []Staff, t *Ticket, now time.Time) error {
	e := Event{At: now, ActorKind: ActorSystem, Kind: "queued", Body: "无值班工程师，进入待派队列"}
	if _, err := d.tickets.AddEvent(ctx, withTicket(e, t.ID)); err != nil {
		return err
	}
	for _, s := range roster {
		if !s.HasRole(RoleLead) || !d.reachable(&s) || d.staffChat == nil {
			continue
		}
		msg := StaffMessage{ChatID: *s.TelegramUserID, TicketID: t.ID, NotBefore: d.nextOnDuty(&s, now),
			Text: "📥 待派工单（无值班工程师）\n" + d.ticketCard(t, now), Buttons: [][]Button{{{Text: "接单", Data: callbackData(actAck, t.ID)}}}}
		if err := d.staffChat.SendStaff(ctx, msg); err != nil {
			return fmt.Errorf("tell lead %s: %w", s.Number, err)
		}
	}
	return nil
}

func (d *Desk) nextOnDuty(s *Staff, now time.Time) time.Time {
	if cal, ok := d.policy.Calendars[s.Hours]; ok && s.Hours != "" {
		return cal.NextOpen(now)
	}
	return now
}

func withTicket(e Event, id int64) Event {
	e.TicketID = id
	return e
}

// ping sends the assignee the ticket with its four buttons.
func (d *Desk) ping(ctx context.Context, to *Staff, t *Ticket, now time.Time) error {
	if d.staffChat == nil || to.TelegramUserID == nil {
		return nil
	}
	return d.staffChat.SendStaff(ctx, StaffMessage{ChatID: *to.TelegramUserID, Ref: pingRef(t.ID), TicketID: t.ID,
		Text: "🔔 新工单\n" + d.ticketCard(t, now), Buttons: pingButtons(t)})
}

func pingRef(ticket int64) string { return "ping:" + strconv.FormatInt(ticket, 10) }

// Button actions; the callback data is "action:ticket[:arg]", well under
// Telegram's 64 bytes.
const (
	actAck      = "ack"
	actResolve  = "res"
	actReassign = "re"
	actOnSite   = "os"
	actHow      = "how"
	actTo       = "to"
	// actEscalationAck acknowledges an escalation (leads and managers).
	actEscalationAck = "eack"
)

func callbackData(action string, ticket int64, arg ...string) string {
	s := action + ":" + strconv.FormatInt(ticket, 10)
	for _, a := range arg {
		s += ":" + a
	}
	return s
}

// pingButtons are the ticket's actions in its current state.
func pingButtons(t *Ticket) [][]Button {
	switch t.Status {
	case StatusOpen:
		return [][]Button{{{"接单", callbackData(actAck, t.ID)}, {"已解决", callbackData(actResolve, t.ID)}},
			{{"转派", callbackData(actReassign, t.ID)}, {"需上门", callbackData(actOnSite, t.ID)}}}
	case StatusAcknowledged:
		return [][]Button{{{"已解决", callbackData(actResolve, t.ID)}, {"等待客户", callbackData(actWait, t.ID)}},
			{{"转派", callbackData(actReassign, t.ID)}, {"需上门", callbackData(actOnSite, t.ID)}}}
	case StatusWaiting:
		return [][]Button{{{"已解决", callbackData(actResolve, t.ID)}},
			{{"转派", callbackData(actReassign, t.ID)}, {"需上门", callbackData(actOnSite, t.ID)}}}
	}
	return nil
}
