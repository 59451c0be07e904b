package ticket

import (
	"context"
	"fmt"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/conversation"
)

// The lifecycle's transitions, each with the notices it calls for. Each
// returns the ticket as it is afterwards and whether the transition
// applied: one that did not (a double press, another replica first) tells
// nobody anything.

// Acknowledge (接单) records s's response, makes s the assignee and tells
// the customer who handles it. met says whether the response was in time.
func (l *Lifecycle) Acknowledge(ctx context.Context, s *bot.Staff, t *bot.Ticket) (t2 *bot.Ticket, applied bool, met string, err error) {
	now := l.now()
	met = "按时响应"
	if now.After(t.ResponseDue) {
		met = "响应超时 " + notify.HoursMinutes(now.Sub(t.ResponseDue))
	}
	e := bot.StaffEvent(s, now, "acknowledged", s.Label()+" 接单，"+met)
	t2, applied, err = l.move(ctx, t, bot.Acknowledge, bot.Transition{At: now, Staff: s}, []bot.Event{e}, nil)
	if err != nil || !applied {
		return t2, applied, met, err
	}
	l.notify.Customer(ctx, t2, fmt.Sprintf("您的工单 #%d 已由工程师 %s 接单处理，稍后会与您联系。", t2.ID, s.Label()), notify.StatusHandling)
	l.notify.RefreshPing(ctx, t2)
	return t2, true, met, nil
}

// Resolve (已解决) records the note and the way, schedules the auto-close,
// and asks the customer to confirm. A ticket whose engineer was on site
// (到场) was handled on site, whatever way was pressed: the returned
// ticket's Handling says so.
func (l *Lifecycle) Resolve(ctx context.Context, s *bot.Staff, t *bot.Ticket, note, how, way string) (*bot.Ticket, bool, error) {
	now := l.now()
	if t.VisitArrivedAt != nil {
		how, way = handlingOnSite, wayOnSite
	}
	tr := bot.Transition{At: now, Resolution: note, Handling: how}
	e := bot.StaffEvent(s, now, "resolved", way+"解决："+note)
	t2, applied, err := l.move(ctx, t, bot.Resolve, tr, []bot.Event{e}, l.autoCloseJob(t, now))
	if err != nil || !applied {
		return t2, applied, err
	}
	r := bot.ReplyOf(conversation.ConfirmationQuestion(t2.ID, note))
	r.Fallback = notify.TicketTemplate(t2, notify.StatusConfirm, now, l.notify.Location())
	l.notify.Reply(ctx, t2, r)
	l.notify.RefreshPing(ctx, t2)
	return t2, true, nil
}

// Reassign (转派) hands t to another engineer: the old ping says so, and the
// new assignee is pinged.
func (l *Lifecycle) Reassign(ctx context.Context, by *bot.Staff, t *bot.Ticket, to *bot.Staff) (*bot.Ticket, bool, error) {
	now := l.now()
	e := bot.StaffEvent(by, now, "reassigned", by.Label()+" 转派给 "+to.Label())
	t2, applied, err := l.move(ctx, t, bot.Reassign, bot.Transition{At: now, Staff: to}, []bot.Event{e}, nil)
	if err != nil || !applied {
		return t2, applied, err
	}
	l.notify.EditPing(ctx, t, fmt.Sprintf("↪️ 已转派给 %s\n%s", to.Label(), l.notify.Card(t2, now)), nil)
	return t2, true, l.notify.Ping(ctx, to, t2, now)
}

// Pause (等待客户) stops the clock of ticket and asks the customer for what
// is missing.
func (l *Lifecycle) Pause(ctx context.Context, s *bot.Staff, ticket int64, what string) (*bot.Ticket, bool, error) {
	now := l.now()
	e := bot.StaffEvent(s, now, "waiting", "等待客户补充："+what)
	t, applied, err := l.move(ctx, &bot.Ticket{ID: ticket}, bot.Pause, bot.Transition{At: now}, []bot.Event{e}, nil)
	if err != nil || !applied {
		return t, applied, err
	}
	l.notify.Customer(ctx, t, fmt.Sprintf("为了继续处理工单 #%d，工程师需要您补充：%s\n请直接回复本消息。", t.ID, what), notify.StatusNeedInfo)
	l.notify.RefreshPing(ctx, t)
	return t, true, nil
}

// Resume restarts the clock when the customer answers: the deadlines
// promised move by the business time paused, and the reminders follow them.
func (l *Lifecycle) Resume(ctx context.Context, t *bot.Ticket, now time.Time) (*bot.Ticket, error) {
	clock, err := l.ClockOf(t)
	if err != nil {
		return t, err
	}
	clock, dl, err := clock.ResumeFrom(promisedOf(t), now)
	if err != nil {
		return t, err
	}
	tr := Transition(t, bot.Resume, bot.Transition{At: now, Paused: encodePaused(clock.Paused), ResponseDue: dl.Response})
	if !dl.Resolution.IsZero() {
		tr.ResolutionDue = &dl.Resolution
	}
	moved := *t
	moved.Status, moved.ResponseDue, moved.ResolutionDue = tr.To, dl.Response, tr.ResolutionDue
	jobs, err := deadlineJobsFor(&moved, clock, dl, now)
	if err != nil {
		return t, err
	}
	e := bot.SystemEvent(now, "resumed", "客户已补充，恢复计时")
	t2, _, err := l.move(ctx, t, bot.Resume, tr, []bot.Event{e}, jobs)
	return t2, err
}

// Confirm takes the customer's answer to the resolution: solved closes the
// ticket; not solved reopens it and tells the engineer. A ticket no longer
// waiting for confirmation is left alone (applied false). key is the
// customer's message.
func (l *Lifecycle) Confirm(ctx context.Context, ticket int64, solved bool, openID, key string, now time.Time) (*bot.Ticket, bool, error) {
	e := bot.Event{At: now, ActorKind: bot.ActorCustomer, Actor: openID}.Keyed(key)
	action := bot.Confirm
	tr := bot.Transition{At: now}
	e.Kind, e.Body = "confirmed", "客户确认已解决"
	if !solved {
		action = bot.Reopen
		e.Kind, e.Body = "reopened", "客户表示未解决"
	}
	t, applied, err := l.move(ctx, &bot.Ticket{ID: ticket}, action, tr, []bot.Event{e}, nil)
	if err != nil || !applied || solved {
		return t, applied, err
	}
	l.notify.Relay(ctx, t, bot.Event{Kind: bot.EventMessage, Body: "【客户表示问题未解决，工单已重新打开】"})
	l.notify.RefreshPing(ctx, t)
	return t, true, nil
}
