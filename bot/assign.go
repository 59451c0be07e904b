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

// assignment is who a new ticket goes to. It is decided before the ticket
// is written, so that the ticket, its assignee and the assignment's event
// share the ticket's transaction; the staff hear of it after the commit.
type assignment struct {
	to     *Staff // nil: queued, or no decision
	roster []Staff
	event  *Event // assigned or queued; nil: no decision
	err    error  // why there is no decision
}

// assignNew picks the assignee of a new ticket and sets it on t. A failure
// leaves the ticket unassigned, in the queue, where leads see it: the
// customer's report is taken all the same, and announce logs the failure.
func (d *Desk) assignNew(ctx context.Context, t *Ticket, now time.Time) assignment {
	if d.staff == nil {
		return assignment{}
	}
	roster, err := d.staff.ListStaff(ctx)
	if err != nil {
		return assignment{err: fmt.Errorf("list staff: %w", err)}
	}
	who, err := d.pickAssignee(ctx, roster, t, now)
	if err != nil {
		return assignment{err: err}
	}
	if who == nil {
		return assignment{roster: roster, event: &Event{At: now, ActorKind: ActorSystem, Kind: "queued", Body: "无值班工程师，进入待派队列"}}
	}
	t.AssigneeID, t.StaffName, t.StaffNumber = &who.ID, who.Name, who.Number
	return assignment{to: who, roster: roster, event: &Event{At: now, ActorKind: ActorSystem, Kind: "assigned", Body: "派单给 " + who.Label()}}
}

// events are the assignment's events for the ticket's opening.
func (a assignment) events() []Event {
	if a.event == nil {
		return nil
	}
	return []Event{*a.event}
}

// announce tells the staff of a ticket just opened: its assignee gets the
// ping, or, queued, every lead hears of it.
func (d *Desk) announce(ctx context.Context, t *Ticket, a assignment, now time.Time) {
	err := a.err
	switch {
	case err != nil, a.event == nil:
	case a.to != nil:
		err = d.ping(ctx, a.to, t, now)
	default:
		err = d.tellLeads(ctx, a.roster, t, now)
	}
	if err != nil {
		d.log.Error("assign ticket", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
	}
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
			la, lb := load[a.ID], load[b.ID]
			return cmp.Or(cmp.Compare(la.Open, lb.Open), compareAssigned(la.LastAssignedAt, lb.LastAssignedAt), cmp.Compare(a.ID, b.ID))
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

// tellLeads tells every lead that a ticket waits in the queue, each at the
// start of their next service hour.
func (d *Desk) tellLeads(ctx context.Context, roster []Staff, t *Ticket, now time.Time) error {
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
