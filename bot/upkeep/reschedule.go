package upkeep

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/bot/staffdialog"
	"github.com/hotline-desk/hotline/bot/ticket"
)

// 改期: a lead moves an open maintenance ticket's due date. The button is
// on a lead's /ticket N; pressing it asks for the new last day; the
// answer moves the deadlines (Lifecycle.MoveDue).

// RescheduleAction is the 改期 button's callback action: upk:<ticket>.
const RescheduleAction = "upk"

// AwaitDue is the dialogue state waiting for a ticket's new last day
// (staffdialog.State.Ticket); this room carries it on.
const AwaitDue = "upkeep_due"

// onlyLeadsText refuses 改期 to staff who are not leads or managers;
// cancelText is what a lead sends to give it up.
const (
	onlyLeadsText = "只有主管和经理可以改期"
	cancelText    = "取消"
)

// Buttons are the rows a lead's /ticket N gets for t: 改期 for an open
// maintenance ticket of recurring work, none for the others.
func (u *Upkeep) Buttons(t *bot.Ticket) [][]bot.Button {
	if t.Obligation == "" || !ticket.Allowed(t, bot.Reschedule) {
		return nil
	}
	return [][]bot.Button{{{Text: "改期", Data: fmt.Sprintf("%s:%d", RescheduleAction, t.ID)}}}
}

// Press answers 改期: a lead is asked for the new last day; anyone else
// is refused.
func (u *Upkeep) Press(ctx context.Context, s *bot.Staff, chat int64, data string) (string, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(data, RescheduleAction+":"), 10, 64)
	if err != nil {
		return "无效的按钮", nil
	}
	if !s.IsLead() {
		return onlyLeadsText, nil
	}
	t, refusal, err := u.movable(ctx, id)
	if err != nil || refusal != "" {
		return refusal, err
	}
	if err := u.states.SetStaffState(ctx, s.ID, staffdialog.State{Awaiting: AwaitDue, Ticket: t.ID}); err != nil {
		return "", err
	}
	return "请发送新的完成日期", u.notify.Tell(ctx, chat, u.askText(t))
}

// movable loads a ticket a lead may move, or says why not.
func (u *Upkeep) movable(ctx context.Context, id int64) (*bot.Ticket, string, error) {
	t, err := u.tickets.Ticket(ctx, id)
	switch {
	case errors.Is(err, bot.ErrNotFound):
		return nil, fmt.Sprintf("没有工单 #%d", id), nil
	case err != nil:
		return nil, "", fmt.Errorf("load ticket: %w", err)
	case t.Obligation == "":
		return nil, fmt.Sprintf("工单 #%d 不是定期维护工单，不能改期", id), nil
	case t.Status == bot.StatusWaiting: // the wait would move the chosen day again when it ends
		return nil, fmt.Sprintf("工单 #%d 正在等待客户补充，客户回复后再改期", id), nil
	case !ticket.Allowed(t, bot.Reschedule):
		return nil, fmt.Sprintf("工单 #%d 已是「%s」状态，不能改期", id, t.Status.Label()), nil
	}
	return t, "", nil
}

// askText asks for the new last day, with the due date now and the last
// one allowed.
func (u *Upkeep) askText(t *bot.Ticket) string {
	loc := u.policy.Location
	now := u.now().In(loc)
	text := fmt.Sprintf("工单 #%d（%s）现在的完成期限：%s。\n请发送新的最后一天，如 2026-12-20、12-20 或 下周五", t.ID, t.Description,
		sla.CustomerTime(t.Due(bot.GoalResolution).In(loc), now.Year()))
	if last, ok := lastDay(t, loc); ok {
		text += fmt.Sprintf("（今天到 %s 之间）", last)
	}
	return text + "；发送「取消」放弃。"
}

// lastDay is the latest day t may move to: the last of the period after
// its own.
func lastDay(t *bot.Ticket, loc *time.Location) (sla.Date, bool) {
	every, at, ok := periodOfKey(t.OpenedBy, loc)
	if !ok {
		return sla.Date{}, false
	}
	o := bot.Obligation{Kind: t.Obligation, Every: every}
	_, next, _, _ := o.Period(at, loc)
	_, end, _, _ := o.Period(next, loc)
	return sla.DateOf(end.AddDate(0, 0, -1)), true
}

// Dialogue takes the new last day (the dialogue of AwaitDue): a day that
// fits moves the ticket; one that does not is explained, and the lead may
// send another.
func (u *Upkeep) Dialogue(ctx context.Context, s *bot.Staff, chat int64, st staffdialog.State, text string) error {
	if text == cancelText {
		return u.endDialogue(ctx, s, chat, "已取消改期。")
	}
	if !s.IsLead() {
		return u.endDialogue(ctx, s, chat, onlyLeadsText+"。")
	}
	t, refusal, err := u.movable(ctx, st.Ticket)
	if err != nil {
		return err
	}
	if refusal != "" {
		return u.endDialogue(ctx, s, chat, refusal+"。")
	}
	due, problem := u.newDue(t, text)
	if problem != "" {
		return u.notify.Tell(ctx, chat, problem+"\n请重新发送日期，或发送「取消」放弃。")
	}
	return u.move(ctx, s, chat, t, due)
}

// move moves t to due and tells the lead.
func (u *Upkeep) move(ctx context.Context, s *bot.Staff, chat int64, t *bot.Ticket, due time.Time) error {
	loc := u.policy.Location
	year := u.now().In(loc).Year()
	was := sla.CustomerTime(t.Due(bot.GoalResolution).In(loc), year)
	to := sla.CustomerTime(due.In(loc), year)
	t2, applied, err := u.lifecycle.MoveDue(ctx, s, t, due, fmt.Sprintf("%s 改期：完成期限 %s → %s", s.Label(), was, to))
	if err != nil {
		return err
	}
	if !applied {
		return u.endDialogue(ctx, s, chat, fmt.Sprintf("工单 #%d 已是「%s」状态，不能改期。", t2.ID, t2.Status.Label()))
	}
	return u.endDialogue(ctx, s, chat, fmt.Sprintf("工单 #%d 已改期：完成期限 %s（原 %s），提醒和升级随之调整。", t2.ID, to, was))
}

// endDialogue leaves the dialogue and says why.
func (u *Upkeep) endDialogue(ctx context.Context, s *bot.Staff, chat int64, text string) error {
	if err := u.states.SetStaffState(ctx, s.ID, staffdialog.State{}); err != nil {
		return err
	}
	return u.notify.Tell(ctx, chat, text)
}

// newDue is the close of business of the day text names on t's plan
// calendar, or what is wrong with it: not a day, in the past, after the
// next period, not a working day, or today after hours.
func (u *Upkeep) newDue(t *bot.Ticket, text string) (time.Time, string) {
	loc := u.policy.Location
	now := u.now()
	today := sla.DateOf(now.In(loc))
	day, ok := ParseDay(text, today)
	if !ok {
		return time.Time{}, "看不懂这个日期：请发送如 2026-12-20、12-20 或 下周五。"
	}
	if day.Before(today) {
		return time.Time{}, fmt.Sprintf("%s 已经过去（今天是 %s）。", day, today)
	}
	if last, ok := lastDay(t, loc); ok && day.After(last) {
		return time.Time{}, fmt.Sprintf("最晚只能改到 %s（下一周期的最后一天）。", last)
	}
	plan, err := u.policy.Plan(t.Plan)
	if err != nil {
		return time.Time{}, "工单的服务方案已不在配置中，无法计算工作日。"
	}
	due, open := CloseOf(plan.Calendar(), day)
	switch {
	case !open:
		return time.Time{}, fmt.Sprintf("%s 不是工作日（%s），请另选一天。", day, plan.Calendar().Name())
	case !due.After(now):
		return time.Time{}, fmt.Sprintf("%s 的下班时间已过，请另选一天。", day)
	}
	return due, ""
}
