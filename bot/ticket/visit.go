package ticket

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/sla"
)

// The on-site visit: 需上门 decides it and, on a plan with an on_site
// target, promises the customer by when the engineer is there; a time
// agreed with the customer (约定时间) becomes the promise instead; 到场 and
// 离场 record the engineer's arrival and departure. The promise is chased
// like the other deadlines: reminders at the plan's fractions of the
// window from the decision to the promise, and the escalation chain from
// the promise on (goal bot.GoalVisit).

// handlingOnSite is the way a fault was solved when an engineer was on
// site (bot.Ticket.Handling), and wayOnSite how staff read it.
const (
	handlingOnSite = "onsite"
	wayOnSite      = "上门"
)

// OnSite (需上门) decides the visit: on a plan with an on_site target its
// deadline is set and chased, and the customer is told by when the
// engineer arrives; without one the customer is told the engineer will
// call to agree a time. The customer is told once: the service log's
// keyed event is the guard, written after the visit, so that a press
// again after a failure between the two tells what was recorded. applied
// false when the visit was announced before, the engineer has arrived, or
// the ticket no longer needs work.
func (l *Lifecycle) OnSite(ctx context.Context, s *bot.Staff, t *bot.Ticket) (*bot.Ticket, bool, error) {
	if !Allowed(t, bot.Visit) {
		return t, false, nil
	}
	now := l.now()
	if t.VisitDecidedAt == nil {
		var applied bool
		var err error
		if t, applied, err = l.moveVisit(ctx, t, now, l.visitDue(t, now), nil); err != nil || !applied {
			return t, false, err
		}
	}
	body := s.Label() + " 安排上门服务（待与客户约定时间）"
	if t.VisitDue != nil {
		body = s.Label() + " 安排上门服务，" + l.customerTime(*t.VisitDue, now) + " 前到场"
	}
	e := bot.StaffEvent(s, now, "onsite", body).On(t.ID).Keyed("onsite:" + strconv.FormatInt(t.ID, 10))
	added, err := l.tickets.AddEvent(ctx, e)
	if err != nil || !added {
		return t, false, err
	}
	text := fmt.Sprintf("您的工单 #%d 需要上门处理，工程师 %s 会与您联系确认上门时间。", t.ID, s.Label())
	if t.VisitDue != nil {
		text = fmt.Sprintf("您的工单 #%d 需要上门处理，工程师将于 %s 前到达现场，请保持电话畅通。如需另约时间，请直接回复本消息。",
			t.ID, l.customerTime(*t.VisitDue, now))
	}
	l.notify.Reply(ctx, t, bot.Reply{Text: text, Fallback: notify.TicketTemplate(t, notify.StatusOnSite, visitTime(t, now), l.notify.Location())})
	l.notify.RefreshPing(ctx, t)
	return t, true, nil
}

// AgreeVisit (约定时间) makes due, the time agreed with the customer, the
// visit's promise: its deadline moves there with new reminders and
// escalation (the old jobs find themselves moot by their keys), the
// service log records it, and the customer is told. applied false once the
// engineer has arrived or the ticket no longer needs work.
func (l *Lifecycle) AgreeVisit(ctx context.Context, s *bot.Staff, t *bot.Ticket, due time.Time) (*bot.Ticket, bool, error) {
	if !Allowed(t, bot.Visit) {
		return t, false, nil
	}
	now := l.now()
	when := l.customerTime(due, now)
	e := bot.StaffEvent(s, now, "visit_agreed", s.Label()+" 与客户约定上门，"+when+" 前到场")
	t2, applied, err := l.moveVisit(ctx, t, now, &due, []bot.Event{e})
	if err != nil || !applied {
		return t2, applied, err
	}
	r := bot.Reply{Text: fmt.Sprintf("您的工单 #%d：已按与您约定的时间安排上门，工程师将于 %s 前到达现场，请保持电话畅通。", t2.ID, when),
		Fallback: notify.TicketTemplate(t2, notify.StatusVisitTime, visitTime(t2, now), l.notify.Location())}
	r.Fallback.ClientMsgID += "-" + strconv.FormatInt(due.Unix(), 10) // each new time is a new notice
	l.notify.Reply(ctx, t2, r)
	l.notify.RefreshPing(ctx, t2)
	return t2, true, nil
}

// Arrive (到场) records the engineer's arrival, once, and tells the
// customer.
func (l *Lifecycle) Arrive(ctx context.Context, s *bot.Staff, t *bot.Ticket) (*bot.Ticket, bool, error) {
	now := l.now()
	body := s.Label() + " 到达现场"
	switch {
	case t.VisitDue != nil && now.After(*t.VisitDue):
		body += "，超时 " + notify.HoursMinutes(now.Sub(*t.VisitDue))
	case t.VisitDue != nil:
		body += "，按时"
	}
	e := bot.StaffEvent(s, now, "arrived", body)
	t2, applied, err := l.move(ctx, t, bot.Arrive, bot.Transition{At: now}, []bot.Event{e}, nil)
	if err != nil || !applied {
		return t2, applied, err
	}
	l.notify.Customer(ctx, t2, fmt.Sprintf("您的工单 #%d：工程师已到达现场（%s），正在为您处理。", t2.ID, s.Label()), notify.StatusArrived)
	l.notify.RefreshPing(ctx, t2)
	return t2, true, nil
}

// Leave (离场) records the engineer's departure from the site, once.
func (l *Lifecycle) Leave(ctx context.Context, s *bot.Staff, t *bot.Ticket) (*bot.Ticket, bool, error) {
	now := l.now()
	body := s.Label() + " 离开现场"
	if t.VisitArrivedAt != nil {
		body += "，在场 " + notify.HoursMinutes(now.Sub(*t.VisitArrivedAt))
	}
	e := bot.StaffEvent(s, now, "left", body)
	t2, applied, err := l.move(ctx, t, bot.Leave, bot.Transition{At: now}, []bot.Event{e}, nil)
	if err != nil || !applied {
		return t2, applied, err
	}
	l.notify.RefreshPing(ctx, t2)
	return t2, true, nil
}

// moveVisit sets the visit's deadline (nil: none promised yet) with the
// jobs that chase it.
func (l *Lifecycle) moveVisit(ctx context.Context, t *bot.Ticket, now time.Time, due *time.Time, events []bot.Event) (*bot.Ticket, bool, error) {
	var jobs []bot.Job
	if due != nil {
		plan, err := l.policy.Plan(t.Plan)
		if err != nil {
			return t, false, fmt.Errorf("visit of ticket %d: %w", t.ID, err)
		}
		decided := now
		if t.VisitDecidedAt != nil {
			decided = *t.VisitDecidedAt
		}
		jobs = visitJobs(plan, t, decided, *due, now)
	}
	return l.move(ctx, t, bot.Visit, bot.Transition{At: now, VisitDue: due}, events, jobs)
}

// visitDue is the deadline the plan's on_site target sets for a visit
// decided now; nil when the plan promises none. A plan the policy no
// longer has promises none: the visit is still recorded, and its time is
// agreed with the customer.
func (l *Lifecycle) visitDue(t *bot.Ticket, now time.Time) *time.Time {
	plan, err := l.policy.Plan(t.Plan)
	if err != nil {
		l.log.Warn("visit without a promise", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		return nil
	}
	due, ok := plan.VisitDue(t.Severity, now)
	if !ok {
		return nil
	}
	return &due
}

// customerTime is an instant as the customer reads it: 12月9日（周三）10:00.
func (l *Lifecycle) customerTime(at, now time.Time) string {
	loc := l.notify.Location()
	return sla.CustomerTime(at.In(loc), now.In(loc).Year())
}

// visitJobs chase a visit promised for due, decided at decided: the
// reminders still ahead at the plan's fractions of the window (each sent
// outside quiet hours, as the plan holds them for the ticket's severity)
// and the first escalation step at due. Their keys carry due
// (bot.DeadlineKey), so a promise moved makes them moot.
func visitJobs(plan *sla.Plan, t *bot.Ticket, decided, due, now time.Time) []bot.Job {
	key := func(kind, part string) string { return bot.DeadlineKey(t.ID, kind, bot.GoalVisit, part, due) }
	var jobs []bot.Job
	for _, f := range plan.Reminders() {
		at := visitReminderAt(plan, t.Severity, decided, due, f)
		notifyAt := plan.NotifyAt(t.Severity, at) // quiet hours may hold it: a reminder after the promise is none
		if !at.After(now) || !notifyAt.Before(due) {
			continue
		}
		part := strconv.FormatFloat(f, 'f', -1, 64)
		jobs = append(jobs, bot.Job{Kind: bot.JobRemind, TicketID: bot.Ptr(t.ID), Payload: bot.GoalVisit + ":" + part,
			Key: key(bot.JobRemind, part), DueAt: notifyAt})
	}
	return append(jobs, bot.Job{Kind: bot.JobBreach, TicketID: bot.Ptr(t.ID), Payload: bot.GoalVisit,
		Key: key(bot.JobBreach, "0"), DueAt: due})
}

// visitReminderAt is when fraction f of the window from to due has
// passed: counted in business time on the severity's calendar, as the
// plan's on_site target counts, or in wall time for a wall-clock target or
// a window with no business time in it (a visit agreed for a Saturday on
// 5×9).
func visitReminderAt(plan *sla.Plan, sev int, from, due time.Time, f float64) time.Time {
	cal := plan.Calendar()
	if ts, err := plan.Targets(sev); err == nil && ts.Calendar != nil {
		cal = ts.Calendar
	}
	window := cal.BusinessBetween(from, due)
	if plan.OnSite().Kind == sla.WallClock || window <= 0 {
		return from.Add(time.Duration(math.Round(f * float64(due.Sub(from)))))
	}
	// Rounding to the nanosecond keeps 0.8 × 24h at 19h12m, as the
	// response's and the resolution's reminders are.
	return cal.AddBusiness(from, time.Duration(math.Round(f*float64(window))))
}

// visitTime is the time a visit's template shows: the promise, or now
// when no time is promised yet.
func visitTime(t *bot.Ticket, now time.Time) time.Time {
	if t.VisitDue != nil {
		return *t.VisitDue
	}
	return now
}
