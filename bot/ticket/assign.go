package ticket

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// assignment is who a new ticket goes to. It is decided before the ticket
// is written, so that the ticket, its assignee and the assignment's event
// share the ticket's transaction; the staff hear of it after the commit.
type assignment struct {
	to     *bot.Staff // nil: queued, or no decision
	roster []bot.Staff
	event  *bot.Event // assigned or queued; nil: no decision
	err    error      // why there is no decision
}

// assignNew picks the assignee of a new ticket and sets it on t. A failure
// leaves the ticket unassigned, in the queue, where leads see it: the
// customer's report is taken all the same, and announce logs the failure.
func (l *Lifecycle) assignNew(ctx context.Context, t *bot.Ticket, now time.Time) assignment {
	if l.staff == nil {
		return assignment{}
	}
	roster, err := l.staff.ListStaff(ctx)
	if err != nil {
		return assignment{err: fmt.Errorf("list staff: %w", err)}
	}
	who, err := l.pickAssignee(ctx, roster, t, now)
	if err != nil {
		return assignment{err: err}
	}
	if who == nil {
		e := bot.SystemEvent(now, "queued", "无值班工程师，进入待派队列")
		return assignment{roster: roster, event: &e}
	}
	t.AssigneeID, t.StaffName, t.StaffNumber = &who.ID, who.Name, who.Number
	e := bot.SystemEvent(now, "assigned", "派单给 "+who.Label())
	return assignment{to: who, roster: roster, event: &e}
}

// assignTo is the assignment to the engineer staff chose.
func assignTo(t *bot.Ticket, who *bot.Staff, now time.Time) assignment {
	t.AssigneeID, t.StaffName, t.StaffNumber = &who.ID, who.Name, who.Number
	e := bot.SystemEvent(now, "assigned", "指派给 "+who.Label())
	return assignment{to: who, event: &e}
}

// events are the assignment's events for the ticket's opening.
func (a assignment) events() []bot.Event {
	if a.event == nil {
		return nil
	}
	return []bot.Event{*a.event}
}

// announce tells the staff of a ticket just opened: its assignee gets the
// ping, or, queued, every lead hears of it.
func (l *Lifecycle) announce(ctx context.Context, t *bot.Ticket, a assignment, now time.Time) {
	err := a.err
	switch {
	case err != nil, a.event == nil:
	case a.to != nil:
		err = l.notify.Ping(ctx, a.to, t, now)
	default:
		err = l.notify.TellLeads(ctx, a.roster, t, now)
	}
	if err != nil {
		l.log.Error("assign ticket", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
	}
}

// pickAssignee is an engineer who is on duty now, serves the unit, and has
// the fewest open tickets, the longest-unassigned first on ties (round
// robin); else a lead on duty; else nobody.
func (l *Lifecycle) pickAssignee(ctx context.Context, roster []bot.Staff, t *bot.Ticket, now time.Time) (*bot.Staff, error) {
	for _, role := range []string{bot.RoleEngineer, bot.RoleLead} {
		candidates := slices.DeleteFunc(slices.Clone(roster), func(s bot.Staff) bool {
			return !s.HasRole(role) || !s.Reachable() || !l.policy.OnDuty(&s, now) || !s.Serves(t.UnitName)
		})
		if len(candidates) == 0 {
			continue
		}
		load, err := l.staff.OpenLoad(ctx)
		if err != nil {
			return nil, fmt.Errorf("staff load: %w", err)
		}
		slices.SortStableFunc(candidates, func(a, b bot.Staff) int {
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

// Colleagues are the other engineers on duty who serve t's unit: whom s
// may hand it to.
func (l *Lifecycle) Colleagues(ctx context.Context, s *bot.Staff, t *bot.Ticket) ([]bot.Staff, error) {
	roster, err := l.staff.ListStaff(ctx)
	if err != nil {
		return nil, err
	}
	now := l.now()
	return slices.DeleteFunc(roster, func(o bot.Staff) bool {
		return o.ID == s.ID || !o.HasRole(bot.RoleEngineer) || !o.Reachable() || !l.policy.OnDuty(&o, now) || !o.Serves(t.UnitName)
	}), nil
}
