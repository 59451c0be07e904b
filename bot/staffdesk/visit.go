package staffdesk

import (
	"context"
	"errors"
	"fmt"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/staffdialog"
	"github.com/hotline-desk/hotline/bot/ticket"
)

// visits are the on-site visit's buttons (需上门, 到场, 离场, 约定时间)
// and the 约定时间 dialogue: the desk's, with their methods kept apart.
// press has checked the ticket and that the staff member may act on it
// (the assignee or a lead).
type visits struct{ *Desk }

// act applies one of the visit's buttons and returns the toast to show.
func (v visits) act(ctx context.Context, s *bot.Staff, chat int64, t *bot.Ticket, action string) (string, error) {
	switch action {
	case notify.ActOnSite:
		return v.onSite(ctx, s, t)
	case notify.ActArrive:
		return v.arrive(ctx, s, t)
	case notify.ActLeave:
		return v.leave(ctx, s, t)
	}
	return v.askTime(ctx, s, chat, t)
}

// onSite (需上门) decides the visit and tells the customer, once.
func (v visits) onSite(ctx context.Context, s *bot.Staff, t *bot.Ticket) (string, error) {
	if !ticket.Allowed(t, bot.Visit) {
		return alreadyText(t, nil), nil
	}
	t2, applied, err := v.lifecycle.OnSite(ctx, s, t)
	switch {
	case err != nil:
		return "", err
	case t2.VisitArrivedAt != nil:
		return "工程师已到场", nil
	case !applied:
		return "已登记上门", nil
	case t2.VisitDue != nil:
		return "已登记上门并通知客户，" + v.notify.DeadlineLine("到场时限", *t2.VisitDue, v.now()), nil
	}
	return "已登记上门，并已通知客户；与客户约定时间后请按「约定时间」", nil
}

// arrive (到场) records the engineer's arrival, once.
func (v visits) arrive(ctx context.Context, s *bot.Staff, t *bot.Ticket) (string, error) {
	if t.VisitDecidedAt == nil {
		return "请先按「需上门」", nil
	}
	t2, applied, err := v.lifecycle.Arrive(ctx, s, t)
	switch {
	case err != nil:
		return "", err
	case applied:
		return "已登记到场，并已通知客户", nil
	case t2.VisitArrivedAt != nil:
		return "已登记到场，无需重复操作", nil
	}
	return alreadyText(t2, nil), nil
}

// leave (离场) records the engineer's departure, once.
func (v visits) leave(ctx context.Context, s *bot.Staff, t *bot.Ticket) (string, error) {
	if t.VisitArrivedAt == nil {
		return "请先按「到场」", nil
	}
	t2, applied, err := v.lifecycle.Leave(ctx, s, t)
	switch {
	case err != nil:
		return "", err
	case applied:
		return "已登记离场", nil
	case t2.VisitLeftAt != nil:
		return "已登记离场，无需重复操作", nil
	}
	return alreadyText(t2, nil), nil
}

// askTime (约定时间) asks for the time agreed with the customer.
func (v visits) askTime(ctx context.Context, s *bot.Staff, chat int64, t *bot.Ticket) (string, error) {
	switch {
	case !ticket.Allowed(t, bot.Visit):
		return alreadyText(t, nil), nil
	case t.VisitArrivedAt != nil:
		return "工程师已到场，无需再约定时间", nil
	}
	st, reply := staffdialog.AskVisitTime(t.ID)
	if err := v.states.SetStaffState(ctx, s.ID, st); err != nil {
		return "", err
	}
	return "请发送约定的上门时间", v.notify.Tell(ctx, chat, reply.Text)
}

// timeReceived makes the time agreed the visit's promise, or asks again.
// The ticket is read again: it may have been reassigned, or the engineer
// arrived, since the question.
func (v visits) timeReceived(ctx context.Context, s *bot.Staff, chat int64, st staffdialog.State, text string) error {
	next, due, reply := staffdialog.VisitTimeReceived(st, text, v.now().In(v.policy.Location))
	if err := v.states.SetStaffState(ctx, s.ID, next); err != nil {
		return err
	}
	if reply != nil {
		return v.notify.Tell(ctx, chat, reply.Text)
	}
	t, err := v.tickets.Ticket(ctx, st.Ticket)
	if errors.Is(err, bot.ErrNotFound) {
		return v.notify.Tell(ctx, chat, fmt.Sprintf("没有工单 #%d。", st.Ticket))
	}
	if err != nil {
		return fmt.Errorf("load ticket: %w", err)
	}
	if !s.MayAct(t) {
		return v.notify.Tell(ctx, chat, fmt.Sprintf("工单 #%d 由 %s 处理，只有处理人或主管可以约定上门时间。", t.ID, notify.OrDash(t.StaffName)))
	}
	t2, applied, err := v.lifecycle.AgreeVisit(ctx, s, t, due)
	switch {
	case err != nil:
		return err
	case t2.VisitArrivedAt != nil:
		return v.notify.Tell(ctx, chat, fmt.Sprintf("工单 #%d 的工程师已到场，上门时间未改。", t2.ID))
	case !applied:
		return v.notify.Tell(ctx, chat, alreadyText(t2, nil))
	}
	return v.notify.Tell(ctx, chat, fmt.Sprintf("✅ 工单 #%d 已约定上门，已通知客户。\n%s", t2.ID, v.notify.DeadlineLine("到场时限", due, v.now())))
}
