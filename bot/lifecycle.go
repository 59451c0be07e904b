package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// press handles a button: parse, check the ticket and the roster, apply
// the step once, answer the press, and show the new state on the ping.
func (d *Desk) press(ctx context.Context, s *Staff, u StaffUpdate) error {
	if handled, err := d.surveyPress(ctx, s, u); handled {
		return err
	}
	action, id, arg, ok := parseCallback(u.Callback.Data)
	if !ok {
		return d.answer(ctx, u.Callback.ID, "无效的按钮")
	}
	t, err := d.tickets.Ticket(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return d.answer(ctx, u.Callback.ID, "工单不存在")
	}
	if err != nil {
		return fmt.Errorf("load ticket: %w", err)
	}
	if !mayAct(s, t) {
		return d.answer(ctx, u.Callback.ID, fmt.Sprintf("工单 #%d 由 %s 处理，只有处理人或主管可以操作", t.ID, orDash(t.StaffName)))
	}
	toast, err := d.act(ctx, s, u.ChatID, t, action, arg)
	if err != nil {
		d.answer(ctx, u.Callback.ID, "操作失败，请稍后再试")
		return err
	}
	return d.answer(ctx, u.Callback.ID, toast)
}

// mayAct: the assignee, anyone on an unassigned ticket, or a lead.
func mayAct(s *Staff, t *Ticket) bool {
	return s.IsLead() || t.AssigneeID == nil || *t.AssigneeID == s.ID
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

// act applies one button's step and returns the toast to show.
func (d *Desk) act(ctx context.Context, s *Staff, chat int64, t *Ticket, action, arg string) (string, error) {
	switch action {
	case actAck:
		return d.acknowledge(ctx, s, t)
	case actResolve:
		return d.askNote(ctx, s, chat, t)
	case actHow:
		return d.resolve(ctx, s, t, arg)
	case actReassign:
		return d.offerReassign(ctx, s, chat, t)
	case actTo:
		return d.reassign(ctx, s, t, arg)
	case actOnSite:
		return d.onSite(ctx, s, t)
	case actWait:
		return d.askMissing(ctx, s, chat, t)
	case actEscalationAck:
		return d.acknowledgeEscalation(ctx, s, t, arg)
	}
	return "无效的按钮", nil
}

func (d *Desk) staffEvent(s *Staff, kind, body string, at time.Time) Event {
	return Event{At: at, ActorKind: ActorStaff, Actor: s.Number, Kind: kind, Body: body}
}

// acknowledge (接单) records the response and tells the customer who is
// handling it.
func (d *Desk) acknowledge(ctx context.Context, s *Staff, t *Ticket) (string, error) {
	now := d.now()
	met := "按时响应"
	if now.After(t.ResponseDue) {
		met = "响应超时 " + hoursMinutes(now.Sub(t.ResponseDue))
	}
	ch := TicketChange{From: []Status{StatusOpen}, Status: StatusAcknowledged, RespondedAt: &now, Assignee: s, At: now}
	t2, applied, err := d.tickets.ChangeTicket(ctx, t.ID, ch, []Event{d.staffEvent(s, "acknowledged", s.Label()+" 接单，"+met, now)}, nil)
	if err != nil || !applied {
		return alreadyText(t2, err), err
	}
	d.notifyCustomer(ctx, t2, fmt.Sprintf("您的工单 #%d 已由工程师 %s 接单处理，稍后会与您联系。", t2.ID, s.Label()), "处理中")
	d.refreshPing(ctx, t2)
	return "已接单（" + met + "）", nil
}

func alreadyText(t *Ticket, err error) string {
	if err != nil || t == nil {
		return "操作失败"
	}
	return fmt.Sprintf("工单 #%d 已是「%s」状态，无需重复操作", t.ID, t.Status.Label())
}

// askNote (已解决) asks for the resolution note first.
func (d *Desk) askNote(ctx context.Context, s *Staff, chat int64, t *Ticket) (string, error) {
	if t.Status == StatusResolved || t.Status == StatusClosed {
		return alreadyText(t, nil), nil
	}
	if err := d.states.SetStaffState(ctx, s.ID, StaffState{Awaiting: awaitNote, Ticket: t.ID}); err != nil {
		return "", err
	}
	return "请回复解决说明", d.tell(ctx, chat, fmt.Sprintf("请直接发送工单 #%d 的解决说明（做了什么、结果如何）。", t.ID))
}

// noteReceived stores the note and asks how the fault was solved.
func (d *Desk) noteReceived(ctx context.Context, s *Staff, chat int64, st StaffState, note string) error {
	st.Note, st.Awaiting = note, ""
	if err := d.states.SetStaffState(ctx, s.ID, st); err != nil {
		return err
	}
	buttons := [][]Button{{{"电话", callbackData(actHow, st.Ticket, "phone")}, {"远程", callbackData(actHow, st.Ticket, "remote")}, {"上门", callbackData(actHow, st.Ticket, "onsite")}}}
	return d.sendStaff(ctx, StaffMessage{ChatID: chat, TicketID: st.Ticket, Buttons: buttons,
		Text: fmt.Sprintf("工单 #%d 解决说明已记下。请选择解决方式：", st.Ticket)})
}

var handlingNames = map[string]string{"phone": "电话", "remote": "远程", "onsite": "上门"}

// resolve records the note and the way, tells the customer and asks them
// to confirm.
func (d *Desk) resolve(ctx context.Context, s *Staff, t *Ticket, how string) (string, error) {
	way, ok := handlingNames[how]
	st, err := d.states.StaffState(ctx, s.ID)
	if err != nil {
		return "", err
	}
	if !ok || st.Ticket != t.ID || st.Note == "" {
		return "请先按「已解决」并发送解决说明", nil
	}
	now := d.now()
	ch := TicketChange{From: []Status{StatusOpen, StatusAcknowledged, StatusWaiting}, Status: StatusResolved,
		RespondedAt: &now, ResolvedAt: &now, Resolution: &st.Note, Handling: &how, At: now}
	t2, applied, err := d.tickets.ChangeTicket(ctx, t.ID, ch, []Event{d.staffEvent(s, "resolved", way+"解决："+st.Note, now)}, d.withClosingSurvey(d.autoCloseJob(t, now)))
	if err != nil || !applied {
		return alreadyText(t2, err), err
	}
	if err := d.states.SetStaffState(ctx, s.ID, StaffState{}); err != nil {
		d.log.Warn("clear staff state", slog.String("err", err.Error()))
	}
	d.askCustomerToConfirm(ctx, t2, st.Note)
	d.refreshPing(ctx, t2)
	return "已标记解决，等待客户确认", nil
}

// Menu ids of the customer's confirmation.
const (
	menuSolved   = "ticket_solved"
	menuUnsolved = "ticket_unsolved"
)

func (d *Desk) askCustomerToConfirm(ctx context.Context, t *Ticket, note string) {
	if d.customer == nil {
		return
	}
	c, err := d.customerOf(ctx, t)
	if err != nil {
		d.log.Error("confirm: load customer", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		return
	}
	head := fmt.Sprintf("您的工单 #%d 已处理：%s\n请问问题是否已经解决？", t.ID, note)
	r := Reply{
		Text:     head + "\n回复「1」已解决，「2」未解决。",
		Menu:     &Menu{Head: head, Items: []MenuItem{{menuSolved, "已解决"}, {menuUnsolved, "未解决"}}, Tail: "也可以回复 1 或 2。"},
		Fallback: ticketTemplate(t, "已解决，请确认", d.now(), d.policy.Location),
	}
	if err := d.customer.Notify(ctx, c.OpenID, Notice{Reply: r, Template: r.Fallback}); err != nil {
		d.log.Warn("ask customer to confirm", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
	}
}

// offerReassign (转派) lists the other engineers on duty as buttons.
func (d *Desk) offerReassign(ctx context.Context, s *Staff, chat int64, t *Ticket) (string, error) {
	roster, err := d.staff.ListStaff(ctx)
	if err != nil {
		return "", err
	}
	now := d.now()
	var rows [][]Button
	for _, o := range roster {
		if o.ID == s.ID || !o.HasRole(RoleEngineer) || !d.reachable(&o) || !d.onDuty(&o, now) || !o.Serves(t.UnitName) {
			continue
		}
		rows = append(rows, []Button{{o.Label(), callbackData(actTo, t.ID, strconv.FormatInt(o.ID, 10))}})
	}
	if len(rows) == 0 {
		return "目前没有其他值班工程师", nil
	}
	err = d.sendStaff(ctx, StaffMessage{ChatID: chat, TicketID: t.ID, Buttons: rows, Text: fmt.Sprintf("工单 #%d 转派给：", t.ID)})
	return "请选择转派对象", err
}

// reassign moves the ticket to another engineer and pings them.
func (d *Desk) reassign(ctx context.Context, s *Staff, t *Ticket, arg string) (string, error) {
	toID, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return "无效的按钮", nil
	}
	to, err := d.staff.StaffByID(ctx, toID)
	if errors.Is(err, ErrNotFound) || (err == nil && !d.reachable(to)) {
		return "该工程师已不可用", nil
	}
	if err != nil {
		return "", err
	}
	if t.AssigneeID != nil && *t.AssigneeID == to.ID {
		return "已转派给 " + to.Label(), nil
	}
	now := d.now()
	old := t
	ch := TicketChange{From: []Status{StatusOpen, StatusAcknowledged, StatusWaiting}, Assignee: to, At: now}
	t2, applied, err := d.tickets.ChangeTicket(ctx, t.ID, ch, []Event{d.staffEvent(s, "reassigned", s.Label()+" 转派给 "+to.Label(), now)}, nil)
	if err != nil || !applied {
		return alreadyText(t2, err), err
	}
	d.editPing(ctx, old, fmt.Sprintf("↪️ 已转派给 %s\n%s", to.Label(), d.ticketCard(t2, now)), nil)
	if err := d.ping(ctx, to, t2, now); err != nil {
		return "", err
	}
	return "已转派给 " + to.Label(), nil
}

// onSite (需上门) records the visit and tells the customer, once.
func (d *Desk) onSite(ctx context.Context, s *Staff, t *Ticket) (string, error) {
	if !t.IsOpen() || t.Status == StatusResolved {
		return alreadyText(t, nil), nil
	}
	now := d.now()
	key := "onsite:" + strconv.FormatInt(t.ID, 10)
	e := d.staffEvent(s, "onsite", s.Label()+" 安排上门服务", now)
	e.TicketID, e.MsgKey = t.ID, &key
	added, err := d.tickets.AddEvent(ctx, e)
	if err != nil || !added {
		return "已登记上门", err
	}
	d.notifyCustomer(ctx, t, fmt.Sprintf("您的工单 #%d 需要上门处理，工程师 %s 会与您联系确认上门时间。", t.ID, s.Label()), "安排上门")
	return "已登记上门，并已通知客户", nil
}

// refreshPing shows the ticket's new state on the assignee's ping.
func (d *Desk) refreshPing(ctx context.Context, t *Ticket) {
	d.editPing(ctx, t, d.ticketCard(t, d.now()), pingButtons(t))
}

func (d *Desk) editPing(ctx context.Context, t *Ticket, text string, buttons [][]Button) {
	if d.staffChat == nil || t.AssigneeID == nil {
		return
	}
	s, err := d.staff.StaffByID(ctx, *t.AssigneeID)
	if err != nil || s.TelegramUserID == nil {
		return
	}
	if err := d.staffChat.EditStaff(ctx, StaffEdit{ChatID: *s.TelegramUserID, Ref: pingRef(t.ID), Text: text, Buttons: buttons}); err != nil {
		d.log.Warn("edit ping", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
	}
}

// staffSay relays a staff member's words to the ticket's customer.
func (d *Desk) staffSay(ctx context.Context, s *Staff, chat, ticketID int64, text string) error {
	t, err := d.ticketToAnswer(ctx, s, chat, ticketID)
	if t == nil {
		return err
	}
	if text == "" {
		return d.tell(ctx, chat, "请发送文字内容。")
	}
	if _, err := d.tickets.AddEvent(ctx, withTicket(d.staffEvent(s, "staff_message", text, d.now()), t.ID)); err != nil {
		return err
	}
	d.notifyCustomer(ctx, t, fmt.Sprintf("工程师 %s（工单 #%d）：%s", s.Name, t.ID, text), "工程师留言")
	return d.tell(ctx, chat, fmt.Sprintf("✅ 已转达工单 #%d 的客户。", t.ID))
}

// ticketToAnswer loads the ticket s wants to answer the customer of; nil
// when s was told why not (no such ticket, not theirs).
func (d *Desk) ticketToAnswer(ctx context.Context, s *Staff, chat, ticketID int64) (*Ticket, error) {
	t, err := d.tickets.Ticket(ctx, ticketID)
	if errors.Is(err, ErrNotFound) {
		return nil, d.tell(ctx, chat, fmt.Sprintf("没有工单 #%d。", ticketID))
	}
	if err != nil {
		return nil, err
	}
	if !mayAct(s, t) {
		return nil, d.tell(ctx, chat, fmt.Sprintf("工单 #%d 由 %s 处理，只有处理人或主管可以答复客户。", t.ID, orDash(t.StaffName)))
	}
	return t, nil
}

// acknowledgeEscalation (已知悉) stops the chain for that missed deadline:
// a lead or manager has taken it in hand.
func (d *Desk) acknowledgeEscalation(ctx context.Context, s *Staff, t *Ticket, goal string) (string, error) {
	if !s.IsLead() {
		return "只有主管和经理可以确认升级", nil
	}
	if _, ok := goalNames[goal]; !ok {
		return "无效的按钮", nil
	}
	key := callbackData(actEscalationAck, t.ID, goal)
	e := d.staffEvent(s, "escalation_acknowledged", goal, d.now())
	e.TicketID, e.MsgKey = t.ID, &key
	if _, err := d.tickets.AddEvent(ctx, e); err != nil {
		return "", err
	}
	return "已确认，后续升级已停止", nil
}
