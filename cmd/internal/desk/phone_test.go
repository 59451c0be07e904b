package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/staffdialog"
)

// phonePolicy is seed 001 on 5×9: calls answered within 2 business hours,
// urgent requests outside service hours within 4 wall-clock hours.
const phonePolicy = `
units:
  - name: 大庆市住房公积金管理中心
    plan: hotline
plans:
  - name: hotline
    calendar: 5x9
    channels:
      phone: {response: 2h}
      email: {response: 4h}
    out_of_hours:
      severities: [1, 2]
      response: wall 4h
surveys:
  send_rate: 200
`

// Staff of the phone scenarios, by their Telegram ids.
var (
	dispatcherTG = telegramOf("102")
	engineerTG   = telegramOf("007")
	leadTG       = telegramOf("001")
)

func newPhoneFixture(t *testing.T, at time.Time) *surveyFixture {
	t.Helper()
	f := newSurveyFixture(t, phonePolicy)
	f.setNow(at)
	f.addStaff("102", "dispatcher")
	f.addStaff("007", "engineer")
	f.addStaff("001", "lead")
	return f
}

// followsAccount makes openID a customer of the official account who gave
// phone when they last wrote, an hour ago.
func (f *surveyFixture) followsAccount(openID, phone string) int64 {
	f.t.Helper()
	seen := f.now().Add(-time.Hour)
	c := bot.Customer{Channel: bot.ChannelWeChat, OpenID: openID, UnitName: "大庆市住房公积金管理中心", Name: "张三", Phone: phone,
		Subscribed: true, LastSeenAt: &seen, UpdatedAt: seen}
	if err := f.rec.Customers.SaveCustomer(context.Background(), &c); err != nil {
		f.t.Fatal(err)
	}
	return c.ID
}

// enterCall walks /new through the staff chat as the dispatcher would,
// with buttons where the dialogue offers them.
func (f *surveyFixture) enterCall(by int64, sev, unit, phone, description, channel, at string) {
	f.t.Helper()
	f.staffText(by, "/new")
	f.press(by, "new:sev:"+sev)
	f.staffText(by, unit)
	f.staffText(by, "张三")
	f.staffText(by, phone)
	f.press(by, "new:skip")
	f.staffText(by, description)
	f.press(by, "new:ch:"+channel)
	f.staffText(by, at)
	f.staffSaw(by, "请核对", "来电时间")
	f.press(by, "new:ok")
}

// A dispatcher takes a call at 14:05 on 5×9 with phone 2h and enters it
// at 14:20: due at 16:05 by the channel's rule; the caller, a customer of
// the official account, gets the promise in WeChat; the engineer is
// pinged and reminded at 80%; when they acknowledge, the customer is told
// their number and name.
func TestDispatcherOpensTicketForCaller(t *testing.T) {
	f := newPhoneFixture(t, time.Date(2026, 12, 7, 14, 20, 0, 0, shanghai)) // a Monday
	customer := f.followsAccount("o-zhang", "13800138000")
	// They wrote an hour ago: their dialogue has no ticket to follow.
	if got := f.sayAs("o-zhang", "查询"); strings.Contains(got, "#") {
		t.Fatalf("查询 before the call: %q", got)
	}

	f.enterCall(dispatcherTG, "3", "公积金", "138 0013 8000", "社保接口报错，无法提交", "phone", "14:05")
	f.staffSaw(dispatcherTG, "已登记工单 #1", "电话受理", "已发到客户微信")

	tk := f.ticketRow(1)
	due := time.Date(2026, 12, 7, 16, 5, 0, 0, shanghai)
	if tk.Channel != bot.ChannelPhone || !tk.ReportedAt.Equal(time.Date(2026, 12, 7, 14, 5, 0, 0, shanghai)) ||
		!tk.ResponseDue.Equal(due) || tk.ResponseRule != "channel" || tk.CustomerID != customer || tk.StaffNumber != "007" {
		t.Fatalf("ticket = %+v", tk)
	}
	promise := f.wechatTo("o-zhang", "工单 #1", "电话", "12月7日（周一）16:05 前响应")
	if promise.Kind != wechattest.KindCustom {
		t.Errorf("promise went as %s", promise.Kind)
	}
	f.staffSaw(engineerTG, "新工单", "工单 #1", "社保接口报错", "16:05")
	// Their next words reach the ticket's engineer, and 查询 lists it.
	if got := f.sayAs("o-zhang", "补充一下，错误代码 E102"); !strings.Contains(got, "已转达给处理您工单 #1 的工程师") {
		t.Fatalf("the caller's next words: %q", got)
	}
	f.staffSaw(engineerTG, "错误代码 E102")
	if got := f.sayAs("o-zhang", "查询"); !strings.Contains(got, "#1") {
		t.Fatalf("查询 after the call: %q", got)
	}

	// 50% and 80% of the 2 business hours from 14:05: 15:05 and 15:41.
	f.advance(time.Date(2026, 12, 7, 15, 40, 0, 0, shanghai))
	f.staffSaw(engineerTG, "⏰ 提醒：工单 #1 的响应时限")
	if n := f.sentContaining(engineerTG, "⏰ 提醒"); n != 1 {
		t.Fatalf("reminded %d times before 80%%, want once (50%%)", n)
	}
	f.advance(time.Date(2026, 12, 7, 15, 41, 0, 0, shanghai))
	f.tg.Wait(t, 5*time.Second, "the 80% reminder", func() bool { return f.sentContaining(engineerTG, "⏰ 提醒") == 2 })

	f.press(engineerTG, "ack:1")
	f.wechatTo("o-zhang", "工单 #1", "工007（工号 007）", "接单")
	if tk := f.ticketRow(1); tk.Status != bot.StatusAcknowledged {
		t.Fatalf("after 接单: %s", tk.Status)
	}
	// The same 确认 pressed again (a double tap) opens nothing more.
	f.press(dispatcherTG, "new:ok")
	if n := f.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Fatalf("%d tickets", n)
	}
}

// An urgent call at 21:00 on 5×9 is due at 01:00 (4 wall-clock hours) and
// its reminders go out at night; a caller who does not follow the
// official account gets nothing in WeChat, and the ping says to call back.
func TestUrgentCallOutOfHours(t *testing.T) {
	f := newPhoneFixture(t, time.Date(2026, 12, 7, 21, 10, 0, 0, shanghai))
	f.enterCall(dispatcherTG, "2", "公积金", "13912345678", "数据库无法连接，全部窗口停办", "phone", "21:00")
	f.staffSaw(dispatcherTG, "已登记工单 #1", "工程师将电话联系客户")

	tk := f.ticketRow(1)
	if !tk.ResponseDue.Equal(time.Date(2026, 12, 8, 1, 0, 0, 0, shanghai)) || tk.ResponseRule != "out_of_hours" {
		t.Fatalf("response due %v by %q, want 01:00 by out_of_hours", tk.ResponseDue.In(shanghai), tk.ResponseRule)
	}
	var reminders []time.Time
	err := f.rec.DB.SelectContext(context.Background(), &reminders,
		`SELECT due_at FROM jobs WHERE kind = 'remind' AND payload LIKE 'response:%' ORDER BY due_at`)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{time.Date(2026, 12, 7, 23, 0, 0, 0, shanghai), time.Date(2026, 12, 8, 0, 12, 0, 0, shanghai)}
	if len(reminders) != 2 || !reminders[0].Equal(want[0]) || !reminders[1].Equal(want[1]) {
		t.Fatalf("response reminders due %v, want %v (not held for quiet hours)", reminders, want)
	}
	f.staffSaw(engineerTG, "新工单", "请电话联系 张三 13912345678")
	f.advance(want[0])
	f.staffSaw(engineerTG, "⏰ 提醒：工单 #1 的响应时限")
	if msgs := f.wx.Messages(); len(msgs) != 0 {
		t.Errorf("a caller outside the official account was sent %d WeChat messages: %+v", len(msgs), msgs)
	}
	if tk.CustomerID == 0 || f.count(`SELECT count(*) FROM customers WHERE channel = 'phone' AND open_id = '13912345678' AND NOT subscribed`) != 1 {
		t.Errorf("the caller is not kept by phone: %+v", tk)
	}
	// Nothing pretends to reach them: /say is refused with the number to
	// call, and 等待客户 (which only a WeChat answer would end) is refused.
	f.staffText(engineerTG, "/say 1 您好，请重启服务器")
	f.staffSaw(engineerTG, "工单 #1：未转达", "请电话联系 张三 13912345678")
	f.press(engineerTG, "wait:1")
	if st := f.stateOf(engineerTG); st.Awaiting != "" {
		t.Errorf("等待客户 started on a call-back ticket: %+v", st)
	}
	if tk := f.ticketRow(1); tk.Status != bot.StatusOpen || tk.PausedSince != nil || !tk.CallBack {
		t.Errorf("after 等待客户: %+v", tk)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE kind = 'staff_message'`); n != 0 {
		t.Errorf("%d staff messages recorded as relayed", n)
	}
	if msgs := f.wx.Messages(); len(msgs) != 0 {
		t.Errorf("WeChat messages: %+v", msgs)
	}
}

// Only dispatchers and leads open tickets for others; a stranger cannot
// start /new; each refusal is polite and changes nothing.
func TestNewTicketRoles(t *testing.T) {
	f := newPhoneFixture(t, time.Date(2026, 12, 7, 10, 0, 0, 0, shanghai))
	f.staffText(engineerTG, "/new")
	f.staffSaw(engineerTG, "只有座席（dispatcher）和主管可以代客户登记工单")
	f.press(engineerTG, "new:sev:1")
	stranger := int64(777777)
	f.staffText(stranger, "/new")
	f.staffSaw(stranger, "仅供登记在册的工作人员使用")
	if n := f.count(`SELECT count(*) FROM tickets`); n != 0 {
		t.Fatalf("%d tickets opened by refusals", n)
	}
	for _, tg := range []int64{engineerTG, stranger} {
		if st := f.stateOf(tg); st.Awaiting != "" {
			t.Errorf("a refusal left a dialogue: %+v", st)
		}
	}
	// A lead may: the same dialogue, to the end.
	f.enterCall(leadTG, "4", "公积金", "13800138000", "报表字体发虚", "email", "现在")
	f.staffSaw(leadTG, "已登记工单 #1", "邮件受理")
}

// An abandoned /new expires after 30 idle minutes and says so; an answer
// before that keeps it alive.
func TestNewTicketExpires(t *testing.T) {
	start := time.Date(2026, 12, 7, 10, 0, 0, 0, shanghai)
	f := newPhoneFixture(t, start)
	f.staffText(dispatcherTG, "/new")
	f.advance(start.Add(20 * time.Minute))
	f.press(dispatcherTG, "new:sev:3") // touched at 10:20
	f.advance(start.Add(35 * time.Minute))
	if st := f.stateOf(dispatcherTG); st.Awaiting != staffdialog.AwaitNew {
		t.Fatalf("expired 15 minutes after the last answer: %+v", st)
	}
	f.advance(start.Add(50 * time.Minute))
	f.staffSaw(dispatcherTG, "已超过 30 分钟没有操作，已作废")
	if st := f.stateOf(dispatcherTG); st.Awaiting != "" {
		t.Fatalf("still waiting: %+v", st)
	}
	if n := f.sentContaining(dispatcherTG, "已作废"); n != 1 {
		t.Errorf("told %d times", n)
	}
	f.staffText(dispatcherTG, "公积金") // an answer after the end is not taken as one
	if n := f.count(`SELECT count(*) FROM tickets`); n != 0 {
		t.Fatalf("%d tickets", n)
	}
}

func (f *surveyFixture) ticketRow(id int64) *bot.Ticket {
	f.t.Helper()
	tk, err := f.rec.Tickets.Ticket(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return tk
}

func (f *surveyFixture) stateOf(tg int64) staffdialog.State {
	f.t.Helper()
	s, err := f.rec.Staff.StaffByTelegram(context.Background(), tg)
	if err != nil {
		return staffdialog.State{}
	}
	st, err := f.states.StaffState(context.Background(), s.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return st
}

// sentContaining counts the messages the staff chat got with text.
func (f *surveyFixture) sentContaining(chat int64, text string) int {
	n := 0
	for _, c := range f.tg.Sent() {
		if c.ChatID() == chat && strings.Contains(c.Text(), text) {
			n++
		}
	}
	return n
}

// wechatTo waits for the WeChat message to openID with all of want (text
// or template values) and returns it.
func (f *surveyFixture) wechatTo(openID string, want ...string) wechattest.Message {
	f.t.Helper()
	msgs, err := f.wx.Wait(1, 5*time.Second, func(m wechattest.Message) bool {
		text := m.Text
		for _, v := range m.Data {
			text += " " + v
		}
		return m.To == openID && containsAll(text, want)
	})
	if err != nil {
		f.t.Fatalf("no WeChat message to %s with %q: %v\nsent: %+v", openID, want, err, f.wx.Messages())
	}
	return msgs[0]
}

// Outside the 48-hour window every notice goes as the ticket template, and
// WeChat (its rules, as the fake API applies them) takes each one: the
// statuses fit a phrase keyword, so the request to confirm a resolution
// reaches the customer instead of being refused with 47003.
func TestTemplateNoticesFitWeChatsRules(t *testing.T) {
	f := newPhoneFixture(t, time.Date(2026, 12, 7, 10, 0, 0, 0, shanghai))
	f.followsAccount("o-zhang", "13800138000")
	f.wx.FailCustomTo("o-zhang", 45015) // the window is closed
	f.enterCall(dispatcherTG, "3", "公积金", "13800138000", "报表打印空白", "phone", "现在")
	f.staffSaw(dispatcherTG, "已登记工单 #1")
	f.press(engineerTG, "ack:1")
	f.press(engineerTG, "res:1")
	f.staffText(engineerTG, "更新了打印模板")
	f.press(engineerTG, "how:1:remote")
	msgs, err := f.wx.Wait(3, 5*time.Second, func(m wechattest.Message) bool { return m.Kind == wechattest.KindTemplate })
	if err != nil {
		t.Fatalf("templates: %v (%+v)", err, f.wx.Messages())
	}
	statuses := map[string]bool{}
	for _, m := range msgs {
		if m.ErrCode != 0 {
			t.Errorf("WeChat refused a template (%d): %+v", m.ErrCode, m.Data)
		}
		statuses[m.Data["phrase2"]] = true
	}
	for _, want := range []string{"已受理", "处理中", "待您确认"} {
		if !statuses[want] {
			t.Errorf("no template with status %q: %v", want, statuses)
		}
	}
}
