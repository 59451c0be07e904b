package desk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/bot"
)

// visitPolicy is a 7×24 plan whose engineers are on site within 24 hours
// of 需上门: business time is wall time, so every instant can be worked
// out by hand; reminders at 50% and 80%, then the lead, then the manager.
const visitPolicy = `
units:
  - name: 市中心医院
    plan: gold
plans:
  - name: gold
    calendar: 7x24
    targets:
      1: {response: 1h, resolution: 8h}
      2: {response: 2h, resolution: 24h}
      3: {response: 4h, resolution: 72h}
      4: {response: 8h, resolution: 120h}
      5: {response: 24h}
    on_site: 24h
surveys:
  send_rate: 200
`

// Staff of the visit scenarios (the last digits differ: telegramOf).
var (
	vEngineer = telegramOf("001")
	vStranger = telegramOf("005")
	vLead     = telegramOf("013")
	vManager  = telegramOf("024")
)

// newVisitFixture starts on Tuesday 8 December 2026 at 09:00 with the
// customer o1's report (#1, severity 3) taken by the engineer, and 需上门
// pressed at 10:00: the engineer is due on site by Wednesday 10:00.
func newVisitFixture(t *testing.T) *surveyFixture {
	t.Helper()
	f := newSurveyFixture(t, visitPolicy)
	f.setNow(time.Date(2026, 12, 8, 9, 0, 0, 0, shanghai))
	f.addStaff("001", "engineer")
	f.addStaff("013", "lead")
	f.addStaff("024", "manager")
	if id := f.reportCustomer("o1", "住院系统服务器无法开机", "3", "市中心医院"); id != 1 {
		t.Fatalf("ticket %d", id)
	}
	f.press(vEngineer, "ack:1")
	f.setNow(time.Date(2026, 12, 8, 10, 0, 0, 0, shanghai))
	f.press(vEngineer, "os:1")
	return f
}

// job is the outcome and due time of the job with key.
func (f *surveyFixture) job(key string) (string, time.Time) {
	f.t.Helper()
	var j struct {
		Outcome string    `db:"outcome"`
		Due     time.Time `db:"due_at"`
	}
	if err := f.rec.DB.GetContext(f.t.Context(), &j, `SELECT outcome, due_at FROM jobs WHERE job_key = $1`, key); err != nil {
		f.t.Fatalf("job %s: %v", key, err)
	}
	return j.Outcome, j.Due
}

// editSaw waits until a message of the staff chat was edited to show all
// of want (a ping showing the ticket's new state).
func (f *surveyFixture) editSaw(chat int64, want ...string) telegramtest.Call {
	f.t.Helper()
	var found telegramtest.Call
	f.tg.Wait(f.t, 10*time.Second, fmt.Sprintf("an edit in %d with %q", chat, want), func() bool {
		for _, c := range f.tg.Calls("editMessageText") {
			if c.OK && c.ChatID() == chat && containsAll(c.Text(), want) {
				found = c
				return true
			}
		}
		return false
	})
	return found
}

// toast is the answer to the last button pressed.
func (f *surveyFixture) toast() string {
	f.t.Helper()
	calls := f.tg.Calls("answerCallbackQuery")
	if len(calls) == 0 {
		f.t.Fatal("no press was answered")
	}
	return calls[len(calls)-1].Params.Get("text")
}

// wechatCount counts the messages to openID whose text holds want.
func (f *surveyFixture) wechatCount(openID, want string) int {
	n := 0
	for _, m := range f.wx.Messages() {
		if m.To == openID && strings.Contains(m.Text, want) {
			n++
		}
	}
	return n
}

// jobOutcomes are the outcomes of ticket 1's jobs of kind with payload,
// in due order ("" for one not done).
func (f *surveyFixture) jobOutcomes(kind, payload string) []string {
	f.t.Helper()
	var out []string
	if err := f.rec.DB.SelectContext(f.t.Context(), &out, `SELECT outcome FROM jobs WHERE ticket_id = 1 AND kind = $1 AND payload = $2 ORDER BY due_at, id`, kind, payload); err != nil {
		f.t.Fatal(err)
	}
	return out
}

// The promise kept: 需上门 on a plan with on_site 24h tells the customer
// by when; the engineer is reminded at 50% and 80% of the window, arrives
// in time (the customer is told), leaves, and resolves with 远程 pressed:
// the ticket was handled on site, and nobody was escalated to.
func TestVisitPromisedRemindedAndKept(t *testing.T) {
	f := newVisitFixture(t)
	f.wechatTo("o1", "工单 #1 需要上门处理", "工程师将于 12月9日（周三）10:00 前到达现场")
	if got := f.toast(); !strings.Contains(got, "已登记上门并通知客户") || !strings.Contains(got, "到场时限") {
		t.Errorf("toast after 需上门: %q", got)
	}
	tk := f.ticketRow(1)
	if want := time.Date(2026, 12, 9, 10, 0, 0, 0, shanghai); tk.VisitDecidedAt == nil || tk.VisitDue == nil || !tk.VisitDue.Equal(want) {
		t.Fatalf("visit decided %v, due %v; want due %v", tk.VisitDecidedAt, tk.VisitDue, want)
	}
	f.editSaw(vEngineer, "到场时限：12月9日（周三）10:00")
	f.press(vEngineer, "os:1") // a second press tells nobody again
	if n := f.wechatCount("o1", "需要上门处理"); n != 1 {
		t.Errorf("the customer was told of the visit %d times", n)
	}

	f.advance(time.Date(2026, 12, 9, 5, 11, 0, 0, shanghai))
	if got := f.jobOutcomes(bot.JobRemind, "visit:0.8"); len(got) != 1 || got[0] != "" {
		t.Fatalf("the 80%% reminder before 05:12: %q", got)
	}
	f.advance(time.Date(2026, 12, 9, 5, 12, 0, 0, shanghai)) // 80% of 24 hours after 10:00
	if got := f.jobOutcomes(bot.JobRemind, "visit:0.8"); len(got) != 1 || got[0] != bot.OutcomeSent {
		t.Fatalf("the 80%% reminder at 05:12: %q", got)
	}
	f.staffSaw(vEngineer, "⏰ 提醒：工单 #1 的到场", "到场时限：12月9日（周三）10:00（剩 4小时48分）")

	f.setNow(time.Date(2026, 12, 9, 9, 30, 0, 0, shanghai))
	f.press(vEngineer, "arr:1")
	f.wechatTo("o1", "工单 #1：工程师已到达现场")
	if tk := f.ticketRow(1); tk.VisitArrivedAt == nil || !tk.VisitArrivedAt.Equal(f.now()) {
		t.Fatalf("arrival recorded %v", tk.VisitArrivedAt)
	}
	f.advance(time.Date(2026, 12, 9, 11, 0, 0, 0, shanghai))
	if got := f.jobOutcomes(bot.JobBreach, bot.GoalVisit); len(got) != 1 || got[0] != bot.OutcomeSkipped {
		t.Errorf("the visit's escalation after an arrival in time: %q", got)
	}
	f.press(vEngineer, "lv:1")
	if got := f.toast(); got != "已登记离场" {
		t.Errorf("toast after 离场: %q", got)
	}
	f.resolve(vEngineer, 1, "更换了服务器电源", "remote")
	if got := f.toast(); !strings.Contains(got, "记为上门处理") {
		t.Errorf("toast after the resolution: %q", got)
	}
	tk = f.ticketRow(1)
	if tk.Handling != "onsite" || tk.VisitLeftAt == nil || tk.Status != bot.StatusResolved {
		t.Fatalf("after the resolution: handling %q, left %v, %s", tk.Handling, tk.VisitLeftAt, tk.Status)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE ticket_id = 1 AND kind = 'resolved' AND body LIKE '上门解决：%'`); n != 1 {
		t.Errorf("resolved events on site: %d", n)
	}
	if n := f.sentContaining(vLead, "升级") + f.sentContaining(vManager, "升级"); n != 0 {
		t.Errorf("%d escalations", n)
	}
}

// The promise broken: nobody arrives. At the deadline the lead is told,
// an hour later the manager, and the customer gets one apology.
func TestVisitMissedEscalates(t *testing.T) {
	f := newVisitFixture(t)
	f.wechatTo("o1", "工程师将于 12月9日（周三）10:00 前到达现场")
	due := time.Date(2026, 12, 9, 10, 0, 0, 0, shanghai)
	f.advance(due.Add(-time.Minute))
	if got := f.jobOutcomes(bot.JobBreach, bot.GoalVisit); len(got) != 1 || got[0] != "" {
		t.Fatalf("escalation before the deadline: %q", got)
	}
	f.advance(due)
	f.staffSaw(vLead, "🚨 升级：工单 #1 到场超时", "已通知：工013")
	apology := "很抱歉，工程师未能按约定时间到达现场，我们已升级主管跟进"
	f.wechatTo("o1", "工单 #1", apology)
	f.advance(due.Add(59 * time.Minute))
	if got := f.jobOutcomes(bot.JobBreach, bot.GoalVisit); len(got) != 2 || got[0] != bot.OutcomeSent || got[1] != "" {
		t.Fatalf("the chain before the manager's step: %q", got)
	}
	f.advance(due.Add(time.Hour))
	f.staffSaw(vManager, "🚨 升级：工单 #1 到场超时 1小时0分", "已通知：工024")
	if got := f.jobOutcomes(bot.JobBreach, bot.GoalVisit); len(got) != 2 || got[1] != bot.OutcomeSent {
		t.Fatalf("the manager's step: %q", got)
	}
	if n := f.wechatCount("o1", apology); n != 1 {
		t.Errorf("the customer got %d apologies", n)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE ticket_id = 1 AND kind = 'escalated' AND body LIKE '到场超时%'`); n != 2 {
		t.Errorf("escalated events: %d", n)
	}
	f.press(vEngineer, "arr:1") // late: recorded as such
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE ticket_id = 1 AND kind = 'arrived' AND body LIKE '%超时 1小时0分'`); n != 1 {
		t.Errorf("late arrival events: %d", n)
	}
}

// 约定时间: the customer would rather have the engineer tomorrow morning.
// The time agreed becomes the promise, the customer is told, the service
// log records it, and the jobs of the first promise find themselves moot.
func TestVisitAgreedTimeMovesThePromise(t *testing.T) {
	f := newVisitFixture(t)
	f.editSaw(vEngineer, "到场时限：12月9日（周三）10:00")
	f.setNow(time.Date(2026, 12, 8, 10, 30, 0, 0, shanghai))
	f.press(vEngineer, "vt:1")
	f.staffSaw(vEngineer, "请发送与客户约定的工单 #1 上门时间", "明天上午")
	f.staffText(vEngineer, "12-08 09:00")
	f.staffSaw(vEngineer, "2026-12-08 09:00 已经过去")
	f.staffText(vEngineer, "下个月")
	f.staffSaw(vEngineer, "没看懂这个时间：下个月")
	f.staffText(vEngineer, "明天上午")
	f.staffSaw(vEngineer, "✅ 工单 #1 已约定上门，已通知客户", "到场时限：12月9日（周三）12:00")
	f.wechatTo("o1", "工单 #1：已按与您约定的时间安排上门", "12月9日（周三）12:00 前到达现场")
	agreed := time.Date(2026, 12, 9, 12, 0, 0, 0, shanghai)
	if tk := f.ticketRow(1); tk.VisitDue == nil || !tk.VisitDue.Equal(agreed) {
		t.Fatalf("visit due %v, want %v", tk.VisitDue, agreed)
	}
	if st := f.stateOf(vEngineer); st.Awaiting != "" {
		t.Errorf("the dialogue goes on: %+v", st)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE ticket_id = 1 AND kind = 'visit_agreed' AND body LIKE '%12月9日（周三）12:00 前到场'`); n != 1 {
		t.Errorf("visit_agreed events: %d", n)
	}

	// The first promise's reminders and its escalation are moot; the new
	// window runs from the decision, 26 hours: 50% at 23:00, 80% at 06:48.
	f.advance(time.Date(2026, 12, 9, 10, 0, 0, 0, shanghai))
	firstDue := time.Date(2026, 12, 9, 10, 0, 0, 0, shanghai)
	for _, c := range []struct {
		kind, part string
		promise    time.Time
		outcome    string
		due        time.Time
	}{
		{bot.JobRemind, "0.5", firstDue, bot.OutcomeSkipped, time.Date(2026, 12, 8, 22, 0, 0, 0, shanghai)},
		{bot.JobRemind, "0.8", firstDue, bot.OutcomeSkipped, time.Date(2026, 12, 9, 5, 12, 0, 0, shanghai)},
		{bot.JobBreach, "0", firstDue, bot.OutcomeSkipped, firstDue},
		{bot.JobRemind, "0.5", agreed, bot.OutcomeSent, time.Date(2026, 12, 8, 23, 0, 0, 0, shanghai)},
		{bot.JobRemind, "0.8", agreed, bot.OutcomeSent, time.Date(2026, 12, 9, 6, 48, 0, 0, shanghai)},
		{bot.JobBreach, "0", agreed, "", agreed},
	} {
		key := bot.DeadlineKey(1, c.kind, bot.GoalVisit, c.part, c.promise)
		if outcome, due := f.job(key); outcome != c.outcome || !due.Equal(c.due) {
			t.Errorf("job %s: %q due %v, want %q due %v", key, outcome, due.In(shanghai), c.outcome, c.due)
		}
	}
	if n := f.sentContaining(vLead, "升级"); n != 0 {
		t.Errorf("the lead was told of the first promise: %d", n)
	}
}

// Only the assignee or a lead records an arrival; a double press, or the
// press on another replica, records one.
func TestVisitArrivalGuarded(t *testing.T) {
	f := newVisitFixture(t)
	f.addStaff("005", "engineer")
	f.press(vStranger, "arr:1")
	if got := f.toast(); !strings.Contains(got, "只有处理人或主管可以操作") {
		t.Errorf("a stranger's 到场: %q", got)
	}
	if tk := f.ticketRow(1); tk.VisitArrivedAt != nil {
		t.Fatal("a stranger recorded the arrival")
	}
	f.press(vStranger, "vt:1")
	if st := f.stateOf(vStranger); st.Awaiting != "" {
		t.Errorf("a stranger was asked for the time: %+v", st)
	}

	f.setNow(time.Date(2026, 12, 8, 15, 0, 0, 0, shanghai))
	f.press(vEngineer, "arr:1")
	f.press(vEngineer, "arr:1")
	if got := f.toast(); got != "已登记到场，无需重复操作" {
		t.Errorf("a second 到场: %q", got)
	}
	other := f.reportReplica()
	u := bot.StaffUpdate{UserID: vEngineer, ChatID: vEngineer, Callback: &bot.Callback{ID: "cb2", Data: "arr:1"}}
	if err := other.Staff.HandleStaff(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE ticket_id = 1 AND kind = 'arrived'`); n != 1 {
		t.Errorf("arrived events: %d", n)
	}
	if n := f.wechatCount("o1", "工程师已到达现场"); n != 1 {
		t.Errorf("the customer was told of the arrival %d times", n)
	}
	f.press(vEngineer, "vt:1")
	if got := f.toast(); !strings.Contains(got, "工程师已到场") {
		t.Errorf("约定时间 after the arrival: %q", got)
	}
	kb, err := f.editSaw(vEngineer, "上门：12-08 15:00 已到场").Keyboard()
	if err != nil || len(kb) != 2 || len(kb[1]) != 2 || kb[1][1].Text != "离场" || kb[1][1].CallbackData != "lv:1" {
		t.Errorf("the ping's buttons after the arrival: %+v, %v", kb, err)
	}
}

// A plan without an on_site target promises no time: 需上门 records the
// visit and tells the customer the engineer will call; the time agreed
// then is the promise, chased like the plan's.
func TestVisitWithoutPromiseUntilAgreed(t *testing.T) {
	f := newSurveyFixture(t, surveyPolicy) // 7x12, no on_site
	f.addStaff("001", "engineer")
	f.reportCustomer("o1", "挂号机不出票", "3", "市中心医院")
	f.press(vEngineer, "os:1")
	f.wechatTo("o1", "工单 #1 需要上门处理，工程师 工001（工号 001） 会与您联系确认上门时间")
	if tk := f.ticketRow(1); tk.VisitDecidedAt == nil || tk.VisitDue != nil {
		t.Fatalf("visit decided %v, due %v", tk.VisitDecidedAt, tk.VisitDue)
	}
	if n := f.count(`SELECT count(*) FROM jobs WHERE ticket_id = 1 AND job_key LIKE '%:visit:%'`); n != 0 {
		t.Errorf("%d visit jobs without a promise", n)
	}
	kb, err := f.editSaw(vEngineer, "上门：待约定时间").Keyboard()
	if err != nil || len(kb) != 2 || len(kb[1]) != 3 || kb[1][1].CallbackData != "arr:1" || kb[1][2].CallbackData != "vt:1" {
		t.Errorf("the ping's buttons after 需上门: %+v, %v", kb, err)
	}
	f.press(vEngineer, "vt:1")
	f.staffText(vEngineer, "明天下午")
	f.wechatTo("o1", "12月3日（周四）18:00 前到达现场")
	if tk := f.ticketRow(1); tk.VisitDue == nil || !tk.VisitDue.Equal(time.Date(2026, 12, 3, 18, 0, 0, 0, shanghai)) {
		t.Fatalf("visit due %v", tk.VisitDue)
	}
	if n := f.count(`SELECT count(*) FROM jobs WHERE ticket_id = 1 AND kind = 'breach' AND payload = 'visit'`); n != 1 {
		t.Errorf("%d visit escalations", n)
	}
}

// A lead's 已知悉 takes that missed promise in hand, not the goal for good:
// when the customer and the engineer agree a new time and it is missed
// too, the lead is told again. The monthly report counts the visit late
// even though the engineer made the second time.
func TestVisitAcknowledgedThenAgreedAgainEscalatesAgain(t *testing.T) {
	f := newVisitFixture(t)
	first := time.Date(2026, 12, 9, 10, 0, 0, 0, shanghai)
	f.advance(first)
	f.staffSaw(vLead, "🚨 升级：工单 #1 到场超时")
	f.press(vLead, "eack:1:visit")
	f.advance(first.Add(time.Hour))
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE ticket_id = 1 AND kind = 'escalated'`); n != 1 {
		t.Fatalf("after 已知悉 the chain went on: %d escalations", n)
	}
	f.press(vEngineer, "vt:1")
	f.staffText(vEngineer, "今天下午")
	second := time.Date(2026, 12, 9, 18, 0, 0, 0, shanghai)
	f.advance(second)
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE ticket_id = 1 AND kind = 'escalated'`); n != 2 {
		t.Fatalf("the agreed time missed was not escalated: %d escalations", n)
	}
	f.press(vEngineer, "arr:1")
	m, err := f.desk.Reports.Monthly(context.Background(), "2026-12", "")
	if err != nil {
		t.Fatal(err)
	}
	if v := m.OnSite.Visits; len(v) != 2 || v[0].Promised != 1 || v[0].Late != 1 || v[0].OnTime != 0 {
		t.Fatalf("the report's visits %+v", v)
	}
}
