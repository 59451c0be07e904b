package staffdesk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/staffdialog"
	"github.com/hotline-desk/hotline/bot/ticket"
)

// press handles a button: a registered one by its action, or one of a
// ticket's: parse, check the ticket and the roster, apply the step once,
// answer the press, and show the new state on the ping.
func (d *Desk) press(ctx context.Context, s *bot.Staff, u bot.StaffUpdate) error {
	action, _, _ := strings.Cut(u.Callback.Data, ":")
	if p, ok := d.presses[action]; ok {
		return d.answer(ctx, u, func() (string, error) { return p(ctx, s, u.ChatID, u.Callback.Data) })
	}
	action, id, arg, ok := parseCallback(u.Callback.Data)
	if !ok {
		return d.notify.Answer(ctx, u.Callback.ID, "无效的按钮")
	}
	t, err := d.tickets.Ticket(ctx, id)
	if errors.Is(err, bot.ErrNotFound) {
		return d.notify.Answer(ctx, u.Callback.ID, "工单不存在")
	}
	if err != nil {
		return fmt.Errorf("load ticket: %w", err)
	}
	if !s.MayAct(t) {
		return d.notify.Answer(ctx, u.Callback.ID, fmt.Sprintf("工单 #%d 由 %s 处理，只有处理人或主管可以操作", t.ID, notify.OrDash(t.StaffName)))
	}
	return d.answer(ctx, u, func() (string, error) { return d.act(ctx, s, u.ChatID, t, action, arg) })
}

// answer runs a press's step and answers the press with its toast, or
// with an apology when it failed.
func (d *Desk) answer(ctx context.Context, u bot.StaffUpdate, step func() (string, error)) error {
	toast, err := step()
	if err != nil {
		d.notify.Answer(ctx, u.Callback.ID, "操作失败，请稍后再试")
		return err
	}
	return d.notify.Answer(ctx, u.Callback.ID, toast)
}

func parseCallback(data string) (action string, id int64, arg string, ok bool) {
	parts := strings.SplitN(data, ":", 3)
	if len(parts) < 2 {
		return "", 0, "", false
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || id <= 0 {
		return "", 0, "", false
	}
	if len(parts) == 3 {
		arg = parts[2]
	}
	return parts[0], id, arg, true
}

// act applies one of a ticket's buttons and returns the toast to show.
func (d *Desk) act(ctx context.Context, s *bot.Staff, chat int64, t *bot.Ticket, action, arg string) (string, error) {
	switch action {
	case notify.ActAck:
		return d.acknowledge(ctx, s, t)
	case notify.ActResolve:
		return d.askNote(ctx, s, chat, t)
	case staffdialog.HowAction:
		return d.resolve(ctx, s, chat, t, arg)
	case staffdialog.ClassifyAction:
		return d.classify(ctx, s, chat, t, notify.CallbackData(action, t.ID, arg))
	case notify.ActReassign:
		return d.offerReassign(ctx, s, chat, t)
	case notify.ActTo:
		return d.reassign(ctx, s, t, arg)
	case notify.ActOnSite, notify.ActArrive, notify.ActLeave, notify.ActVisitTime:
		return visits{d}.act(ctx, s, chat, t, action)
	case notify.ActWait:
		return d.askMissing(ctx, s, chat, t)
	case notify.ActEscalationAck:
		return d.acknowledgeEscalation(ctx, s, t, arg)
	}
	return "无效的按钮", nil
}

func alreadyText(t *bot.Ticket, err error) string {
	if err != nil || t == nil {
		return "操作失败"
	}
	return fmt.Sprintf("工单 #%d 已是「%s」状态，无需重复操作", t.ID, t.Status.Label())
}

// acknowledge (接单).
func (d *Desk) acknowledge(ctx context.Context, s *bot.Staff, t *bot.Ticket) (string, error) {
	t2, applied, met, err := d.lifecycle.Acknowledge(ctx, s, t)
	if err != nil || !applied {
		return alreadyText(t2, err), err
	}
	return "已接单（" + met + "）", nil
}

// askNote (已解决) asks for the resolution note first.
func (d *Desk) askNote(ctx context.Context, s *bot.Staff, chat int64, t *bot.Ticket) (string, error) {
	if !ticket.Allowed(t, bot.Resolve) {
		return alreadyText(t, nil), nil
	}
	st, reply := staffdialog.AskNote(t.ID)
	if err := d.states.SetStaffState(ctx, s.ID, st); err != nil {
		return "", err
	}
	return "请回复解决说明", d.notify.Tell(ctx, chat, reply.Text)
}

// noteReceived keeps the note and asks how the fault was solved.
func (d *Desk) noteReceived(ctx context.Context, s *bot.Staff, chat int64, st staffdialog.State, note string) error {
	next, reply := staffdialog.NoteReceived(st, note)
	if err := d.states.SetStaffState(ctx, s.ID, next); err != nil {
		return err
	}
	return d.notify.Send(ctx, bot.StaffMessage{ChatID: chat, TicketID: st.Ticket, Buttons: reply.Buttons, Text: reply.Text})
}

// resolve takes the way the fault was solved, with the note kept,
// resolves the ticket, and offers its classification.
func (d *Desk) resolve(ctx context.Context, s *bot.Staff, chat int64, t *bot.Ticket, how string) (string, error) {
	st, err := d.states.StaffState(ctx, s.ID)
	if err != nil {
		return "", err
	}
	note, way, ok, toast := staffdialog.Resolution(st, t.ID, how)
	if !ok {
		return toast, nil
	}
	t2, applied, err := d.lifecycle.Resolve(ctx, s, t, note, how, way)
	if err != nil || !applied {
		return alreadyText(t2, err), err
	}
	toast = "已标记解决，等待客户确认"
	if t2.Handling != how { // the engineer was on site: handled on site
		toast = "已标记解决（已到场，记为上门处理），等待客户确认"
	}
	if err := d.states.SetStaffState(ctx, s.ID, staffdialog.State{}); err != nil {
		d.log.Warn("clear staff state", slog.String("err", err.Error()))
	}
	if err := d.offerClassify(ctx, chat, t2); err != nil { // the resolution stands: its defaults hold
		d.log.Warn("offer the classification", slog.Int64("ticket", t2.ID), slog.String("err", err.Error()))
	}
	return toast, nil
}

// offerReassign (转派) lists the other engineers on duty as buttons.
func (d *Desk) offerReassign(ctx context.Context, s *bot.Staff, chat int64, t *bot.Ticket) (string, error) {
	others, err := d.lifecycle.Colleagues(ctx, s, t)
	if err != nil {
		return "", err
	}
	if len(others) == 0 {
		return "目前没有其他值班工程师", nil
	}
	rows := make([][]bot.Button, 0, len(others))
	for _, o := range others {
		rows = append(rows, []bot.Button{{Text: o.Label(), Data: notify.CallbackData(notify.ActTo, t.ID, strconv.FormatInt(o.ID, 10))}})
	}
	err = d.notify.Send(ctx, bot.StaffMessage{ChatID: chat, TicketID: t.ID, Buttons: rows, Text: fmt.Sprintf("工单 #%d 转派给：", t.ID)})
	return "请选择转派对象", err
}

// reassign moves the ticket to the engineer chosen.
func (d *Desk) reassign(ctx context.Context, s *bot.Staff, t *bot.Ticket, arg string) (string, error) {
	toID, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return "无效的按钮", nil
	}
	to, err := d.staff.StaffByID(ctx, toID)
	if errors.Is(err, bot.ErrNotFound) || (err == nil && !to.Reachable()) {
		return "该工程师已不可用", nil
	}
	if err != nil {
		return "", err
	}
	if t.AssigneeID != nil && *t.AssigneeID == to.ID {
		return "已转派给 " + to.Label(), nil
	}
	t2, applied, err := d.lifecycle.Reassign(ctx, s, t, to)
	if err != nil || !applied {
		return alreadyText(t2, err), err
	}
	return "已转派给 " + to.Label(), nil
}

// askMissing (等待客户) asks the engineer what the customer must add.
func (d *Desk) askMissing(ctx context.Context, s *bot.Staff, chat int64, t *bot.Ticket) (string, error) {
	if !ticket.Allowed(t, bot.Pause) {
		return alreadyText(t, nil), nil
	}
	if t.CallBack { // nothing would resume the clock: the customer cannot answer in WeChat
		return "客户未关注公众号，无法在线等待补充：请电话联系客户", nil
	}
	st, reply := staffdialog.AskMissing(t.ID)
	if err := d.states.SetStaffState(ctx, s.ID, st); err != nil {
		return "", err
	}
	return "请发送需要客户补充的内容", d.notify.Tell(ctx, chat, reply.Text)
}

// missingReceived pauses the clock and asks the customer for what is
// missing.
func (d *Desk) missingReceived(ctx context.Context, s *bot.Staff, chat int64, st staffdialog.State, what string) error {
	if err := d.states.SetStaffState(ctx, s.ID, staffdialog.State{}); err != nil {
		return err
	}
	t, applied, err := d.lifecycle.Pause(ctx, s, st.Ticket, what)
	if err != nil {
		return err
	}
	if !applied {
		return d.notify.Tell(ctx, chat, alreadyText(t, nil))
	}
	return d.notify.Tell(ctx, chat, fmt.Sprintf("工单 #%d 已暂停计时，已请客户补充。", t.ID))
}

// acknowledgeEscalation (已知悉) stops the chain for that missed deadline:
// a lead or manager has taken it in hand.
func (d *Desk) acknowledgeEscalation(ctx context.Context, s *bot.Staff, t *bot.Ticket, goal string) (string, error) {
	if !s.IsLead() {
		return "只有主管和经理可以确认升级", nil
	}
	if _, ok := bot.GoalNames[goal]; !ok {
		return "无效的按钮", nil
	}
	// The acknowledgement names the deadline it takes in hand: a deadline
	// moved later (a visit agreed again, 改期) is escalated afresh.
	due := strconv.FormatInt(t.Due(goal).Unix(), 10)
	key := notify.CallbackData(notify.ActEscalationAck, t.ID, goal, due)
	e := bot.StaffEvent(s, d.now(), "escalation_acknowledged", goal+":"+due).On(t.ID).Keyed(key)
	if _, err := d.tickets.AddEvent(ctx, e); err != nil {
		return "", err
	}
	return "已确认，后续升级已停止", nil
}
