package desk_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/bot/upkeep"
	"github.com/hotline-desk/hotline/cmd/internal/desk"
	"github.com/hotline-desk/hotline/cmd/internal/yearsync"
)

// upkeepPolicy: 甲单位 is owed an inspection on site every month, on the
// 5×9 plan (Monday to Friday 08:00–12:00 and 13:00–18:00, China's
// holidays off): reminders at 50% and 80%, then the lead, then the
// manager.
const upkeepPolicy = `
units:
  - name: 甲单位
    plan: 5x9
    maintenance:
      - {kind: 巡检, every: month, on_site: true}
surveys:
  send_rate: 200
`

// Staff of the maintenance scenarios (the last digits differ: telegramOf).
var (
	uEngineer = telegramOf("001")
	uLead     = telegramOf("013")
	uManager  = telegramOf("024")
)

// December's inspection and its opening.
const (
	decemberOpening = "upkeep_open:甲单位:巡检:2026-12"
	januaryOpening  = "upkeep_open:甲单位:巡检:2027-01"
)

func upkeepAt(m time.Month, d, h, min int) time.Time {
	return time.Date(2026, m, d, h, min, 0, 0, shanghai)
}

// newUpkeepFixture starts on Monday 30 November 2026 at 10:00 with the
// staff, two contacts of 甲单位 on the official account (张三 wrote
// last), and the maintenance scheduled as serve does at start.
func newUpkeepFixture(t *testing.T) *surveyFixture {
	t.Helper()
	f := newSurveyFixture(t, upkeepPolicy)
	f.setNow(upkeepAt(time.November, 30, 10, 0))
	f.addStaff("001", "engineer")
	f.addStaff("013", "lead")
	f.addStaff("024", "manager")
	f.unitContact("o1", "张三", "13800138000", upkeepAt(time.November, 20, 9, 0))
	f.unitContact("o2", "李四", "13900139000", upkeepAt(time.November, 2, 9, 0))
	if err := f.desk.Upkeep.Schedule(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f
}

// unitContact makes openID a contact of 甲单位 who follows the official
// account and wrote last at seen.
func (f *surveyFixture) unitContact(openID, name, phone string, seen time.Time) {
	f.t.Helper()
	c := bot.Customer{Channel: bot.ChannelWeChat, OpenID: openID, UnitName: "甲单位", Name: name, Phone: phone,
		Subscribed: true, LastSeenAt: &seen, UpdatedAt: seen}
	if err := f.rec.Customers.SaveCustomer(context.Background(), &c); err != nil {
		f.t.Fatal(err)
	}
}

// openingDue is when the opening with key is due.
func (f *surveyFixture) openingDue(key string) time.Time {
	f.t.Helper()
	var due time.Time
	if err := f.rec.DB.GetContext(context.Background(), &due, `SELECT due_at FROM jobs WHERE job_key = $1`, key); err != nil {
		f.t.Fatalf("job %s: %v", key, err)
	}
	return due
}

// doneNotices are the notices of the work done that reached openID: in
// the chat (text) or as the upkeep template (its title).
func (f *surveyFixture) doneNotices(openID string) []string {
	var out []string
	for _, m := range f.wx.Messages() {
		switch {
		case m.To != openID || m.ErrCode != 0:
		case m.Kind == wechattest.KindCustom && strings.Contains(m.Text, "已完成"):
			out = append(out, m.Text)
		case m.TemplateID == "tpl-upkeep":
			out = append(out, m.Data["thing1"]+"｜"+m.Data["thing2"]+"｜"+m.Data["thing4"])
		}
	}
	return out
}

// runAll runs the desks' schedulers side by side, as replicas do, until
// nothing is due.
func runAll(t *testing.T, desks ...*desk.Desk) {
	t.Helper()
	var wg sync.WaitGroup
	for _, d := range desks {
		wg.Go(func() {
			for {
				if n, err := d.Engine.RunDue(context.Background()); err != nil || n == 0 {
					if err != nil {
						t.Error(err)
					}
					return
				}
			}
		})
	}
	wg.Wait()
}

// The story of one month's inspection: scheduled on 30 November, opened on
// Tuesday 1 December at 09:00 (not before) for the unit's contact and
// assigned to the engineer, who is pinged; reminded at half the month's
// business time; resolved on site, and both contacts told once (张三 in
// the chat, 李四, whose 48-hour window has closed, as the template);
// nobody escalated; the month's report lists it, resolved in time;
// January's inspection waits for Monday 4 January 2027 (元旦 off by
// statute, 2027 being provisional).
func TestInspectionOpenedRemindedDoneReported(t *testing.T) {
	f := newUpkeepFixture(t)
	if n := f.count(`SELECT count(*) FROM jobs WHERE kind = $1`, upkeep.JobOpen); n != 1 {
		t.Fatalf("%d openings scheduled on 30 November, want December's only", n)
	}
	if due := f.openingDue(decemberOpening); !due.Equal(upkeepAt(time.December, 1, 9, 0)) {
		t.Fatalf("December's inspection opens at %v", due)
	}
	f.advance(upkeepAt(time.December, 1, 8, 59))
	if n := f.count(`SELECT count(*) FROM tickets`); n != 0 {
		t.Fatalf("%d tickets before 1 December 09:00", n)
	}

	f.advance(upkeepAt(time.December, 1, 9, 0))
	tk := f.ticketRow(1)
	due := upkeepAt(time.December, 31, 18, 0)
	if tk.Kind != bot.KindMaintenance || tk.Obligation != "巡检" || tk.Description != "2026年12月 巡检（上门）" ||
		tk.Channel != bot.ChannelOther || tk.Severity != 4 || tk.StaffNumber != "001" || !tk.CallBack ||
		tk.ContactName != "张三" || tk.Phone != "13800138000" || tk.OpenedBy != decemberOpening ||
		!tk.ResponseDue.Equal(due) || tk.ResolutionDue == nil || !tk.ResolutionDue.Equal(due) {
		t.Fatalf("opened %+v", tk)
	}
	f.staffSaw(uEngineer, "工单 #1", "2026年12月 巡检（上门）", "请电话联系 张三 13800138000", "解决时限：12月31日（周四）18:00")
	if due := f.openingDue(januaryOpening); !due.Equal(time.Date(2027, 1, 4, 9, 0, 0, 0, shanghai)) {
		t.Fatalf("January's inspection opens at %v", due)
	}

	f.advance(upkeepAt(time.December, 16, 14, 0)) // half of December's 206 business hours
	f.staffSaw(uEngineer, "⏰ 提醒：工单 #1 的解决时限")

	f.setNow(upkeepAt(time.December, 18, 15, 0))
	f.wx.FailCustomTo("o2", 45015) // 李四's 48-hour window has closed
	f.press(uEngineer, "ack:1")
	f.resolve(uEngineer, 1, "检查了服务器和备份，运行正常", "onsite")
	f.advance(upkeepAt(time.December, 18, 15, 1))
	f.advance(upkeepAt(time.December, 31, 19, 0)) // past the period's end and the auto-close
	if got := f.doneNotices("o1"); len(got) != 1 || got[0] != "您单位 2026年12月 的巡检已完成：检查了服务器和备份，运行正常" {
		t.Errorf("张三 was told %q", got)
	}
	if got := f.doneNotices("o2"); len(got) != 1 || got[0] != "2026年12月巡检已完成｜甲单位｜检查了服务器和备份，运行正常" {
		t.Errorf("李四 was told %q", got)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE kind = 'escalated'`); n != 0 {
		t.Errorf("%d escalations of an inspection done in time", n)
	}
	if st := f.ticketRow(1).Status; st != bot.StatusClosed {
		t.Errorf("the inspection is %s after the auto-close", st)
	}
	m, err := f.desk.Reports.Monthly(context.Background(), "2026-12", "甲单位")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Tickets) != 1 || m.Tickets[0].Kind != "日常维护" || m.Tickets[0].Problem != "2026年12月 巡检（上门）" ||
		m.Tickets[0].Handling != "现场" || m.Tickets[0].Resolution != "检查了服务器和备份，运行正常" || m.SLA.Resolution.Met != 1 {
		t.Errorf("December's report: %+v, resolution %+v", m.Tickets, m.SLA.Resolution)
	}
}

// A missed inspection: the month ends with the ticket unresolved; the lead
// is told at the close of its last working day, the manager an hour later,
// each once (the response, due then too, is not chased besides).
func TestMissedInspectionEscalates(t *testing.T) {
	f := newUpkeepFixture(t)
	f.advance(upkeepAt(time.December, 1, 9, 0))
	f.press(uEngineer, "ack:1")
	f.advance(upkeepAt(time.December, 31, 17, 59))
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE kind = 'escalated'`); n != 0 {
		t.Fatalf("%d escalations before the period's end", n)
	}
	f.advance(upkeepAt(time.December, 31, 18, 0))
	f.staffSaw(uLead, "🚨 升级：工单 #1 解决超时", "2026年12月 巡检（上门）")
	f.advance(upkeepAt(time.December, 31, 19, 0))
	f.staffSaw(uManager, "🚨 升级：工单 #1 解决超时")
	var bodies []string
	if err := f.rec.DB.SelectContext(context.Background(), &bodies, `SELECT body FROM ticket_events WHERE kind = 'escalated' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2 || !strings.Contains(bodies[0], "工013") || !strings.Contains(bodies[1], "工024") {
		t.Fatalf("escalations %q", bodies)
	}
	if n := f.count(`SELECT count(*) FROM jobs WHERE kind = 'breach' AND payload = 'response'`); n != 0 {
		t.Errorf("%d response breaches scheduled for an inspection", n)
	}
}

// Two replicas run the scheduler at 09:00 on 1 December: one ticket, one
// ping. A restart in the middle of the month schedules again and opens
// nothing; the opening run again (a replica that died before recording
// it) finds its ticket.
func TestInspectionOpenedOnceByReplicas(t *testing.T) {
	f := newUpkeepFixture(t)
	other := f.reportReplica()
	if err := other.Upkeep.Schedule(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.setNow(upkeepAt(time.December, 1, 9, 0))
	runAll(t, f.desk, other)
	if n := f.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Fatalf("%d tickets opened by two replicas", n)
	}
	f.staffSaw(uEngineer, "工单 #1", "巡检")

	f.setNow(upkeepAt(time.December, 10, 10, 0))
	restarted := f.reportReplica()
	if err := restarted.Upkeep.Schedule(context.Background()); err != nil {
		t.Fatal(err)
	}
	runAll(t, restarted, f.desk)
	if _, err := f.rec.DB.ExecContext(context.Background(), `UPDATE jobs SET done_at = NULL, outcome = '', due_at = $2 WHERE job_key = $1`,
		decemberOpening, f.now().UTC()); err != nil {
		t.Fatal(err)
	}
	runAll(t, restarted)
	if n := f.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Fatalf("%d tickets after a restart and a second run", n)
	}
	if n := f.count(`SELECT count(*) FROM jobs WHERE kind = $1`, upkeep.JobOpen); n != 2 {
		t.Fatalf("%d openings: want December's and January's", n)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE ticket_id = 1 AND kind = 'assigned'`); n != 1 {
		t.Fatalf("assigned %d times", n)
	}
	pings := 0
	for _, c := range f.tg.Sent() {
		if c.ChatID() == uEngineer && strings.Contains(c.Text(), "2026年12月 巡检") && !strings.Contains(c.Text(), "提醒") {
			pings++
		}
	}
	if pings != 1 {
		t.Fatalf("the engineer was pinged %d times", pings)
	}
}

// 改期: a lead's /ticket N of the open inspection carries the button; an
// engineer pressing it is refused; the lead names a day that is not a
// working day, one past, one beyond the next period, then Friday 18
// December: the deadlines move, the service log says so, and the
// escalation follows the new day (the old one's is moot).
func TestLeadReschedulesInspection(t *testing.T) {
	f := newUpkeepFixture(t)
	f.advance(upkeepAt(time.December, 1, 9, 0))
	f.setNow(upkeepAt(time.December, 8, 10, 0))
	f.staffText(uLead, "/ticket 1")
	card := f.staffSaw(uLead, "工单 #1", "服务记录")
	kb, err := card.Keyboard()
	if err != nil || len(kb) == 0 || len(kb[len(kb)-1]) != 1 || kb[len(kb)-1][0].Text != "改期" || kb[len(kb)-1][0].CallbackData != "upk:1" {
		t.Fatalf("the lead's card has no 改期: %+v, %v", kb, err)
	}
	f.press(uEngineer, "upk:1")
	if got := f.tg.Calls("answerCallbackQuery"); len(got) == 0 || got[len(got)-1].Params.Get("text") != "只有主管和经理可以改期" {
		t.Fatalf("the engineer's press was answered %+v", got)
	}

	f.press(uLead, "upk:1")
	f.staffSaw(uLead, "工单 #1（2026年12月 巡检（上门））现在的完成期限：12月31日（周四）18:00", "今天到 2027-01-31 之间")
	for text, want := range map[string]string{
		"12-20":      "2026-12-20 不是工作日（5x9）",
		"2026-12-07": "2026-12-07 已经过去",
		"2027-02-01": "最晚只能改到 2027-01-31",
		"月底":         "看不懂这个日期",
	} {
		f.staffText(uLead, text)
		f.staffSaw(uLead, want, "请重新发送日期")
	}
	if got := f.ticketRow(1).ResolutionDue; !got.Equal(upkeepAt(time.December, 31, 18, 0)) {
		t.Fatalf("moved by a refused day: %v", got)
	}
	f.staffText(uLead, "12-18")
	f.staffSaw(uLead, "工单 #1 已改期：完成期限 12月18日（周五）18:00（原 12月31日（周四）18:00）")
	moved := upkeepAt(time.December, 18, 18, 0)
	if tk := f.ticketRow(1); !tk.ResolutionDue.Equal(moved) || !tk.ResponseDue.Equal(moved) {
		t.Fatalf("due %v / %v after 改期", tk.ResponseDue, tk.ResolutionDue)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE ticket_id = 1 AND kind = 'rescheduled' AND actor = '013' AND body LIKE '%12月18日%'`); n != 1 {
		t.Fatalf("%d 改期 events", n)
	}
	f.staffText(uLead, "12-22") // the dialogue is over: not a date for the ticket
	f.advance(upkeepAt(time.December, 18, 18, 0))
	f.staffSaw(uLead, "🚨 升级：工单 #1 解决超时")
	f.advance(upkeepAt(time.December, 18, 19, 0))
	f.advance(upkeepAt(time.December, 31, 19, 0))
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE kind = 'escalated'`); n != 2 {
		t.Fatalf("%d escalations: want the lead and the manager once, for 18 December", n)
	}
}

// The openings fall on working days: when 2027's schedule arrives with
// Monday 4 January off, January's inspection moves to Tuesday 5 January
// at 09:00 (as serve and hotline calendar import move the dated jobs).
func TestInspectionOpeningMovesWithImportedYear(t *testing.T) {
	f := newUpkeepFixture(t)
	f.advance(upkeepAt(time.December, 1, 9, 0))
	now := upkeepAt(time.December, 10, 10, 0)
	f.setNow(now)
	days := append(sla.StatutoryDays(2027), sla.Day{Date: sla.Date{Year: 2027, Month: time.January, Day: 4}, Name: "元旦", Off: true})
	if err := f.policy.AddOfficialYear(2027, days); err != nil {
		t.Fatal(err)
	}
	dated := yearsync.DatedJobs(f.policy, f.desk.Surveys.Stats, f.desk.Renewals, now)
	if err := yearsync.Reschedule(context.Background(), f.rec, f.desk.Lifecycle, dated, f.policy, quiet(), now); err != nil {
		t.Fatal(err)
	}
	if due := f.openingDue(januaryOpening); !due.Equal(time.Date(2027, 1, 5, 9, 0, 0, 0, shanghai)) {
		t.Fatalf("January's inspection opens at %v", due)
	}
	if due := f.openingDue(decemberOpening); !due.Equal(upkeepAt(time.December, 1, 9, 0)) {
		t.Fatalf("December's opening, done, moved to %v", due)
	}
}

// The policy changed before the opening ran (the inspection dropped,
// 电话回访 added each quarter): December's inspection is skipped and
// nothing follows it; the quarterly one starts with the first quarter
// whose opening is ahead.
func TestDroppedObligationIsSkipped(t *testing.T) {
	f := newUpkeepFixture(t)
	changed, err := parsePolicy([]byte(strings.Replace(upkeepPolicy, "{kind: 巡检, every: month, on_site: true}", "{kind: 电话回访, every: quarter}", 1)), "", shanghai, quiet())
	if err != nil {
		t.Fatal(err)
	}
	rec := f.rec
	restarted := desk.New(desk.Deps{Clock: f.now, Policy: changed, Tickets: rec.Tickets, Customers: rec.Customers, Units: rec.Units,
		Sessions: f.sessions, Backlog: rec.Backlog, Staff: rec.Staff, States: f.states, Jobs: rec.Jobs,
		StaffChat: f.staffBot, Answerer: f.staffBot, Customer: f.messenger, Log: quiet()})
	if err := restarted.Upkeep.Schedule(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.setNow(upkeepAt(time.December, 1, 9, 0))
	runAll(t, restarted)
	if n := f.count(`SELECT count(*) FROM tickets`); n != 0 {
		t.Fatalf("%d tickets for a dropped obligation", n)
	}
	if n := f.count(`SELECT count(*) FROM jobs WHERE job_key = $1 AND outcome = 'skipped'`, decemberOpening); n != 1 {
		t.Fatal("December's inspection was not skipped")
	}
	var keys []string
	if err := rec.DB.SelectContext(context.Background(), &keys, `SELECT job_key FROM jobs WHERE kind = $1 AND done_at IS NULL ORDER BY job_key`, upkeep.JobOpen); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "upkeep_open:甲单位:电话回访:2027-Q1" {
		t.Fatalf("openings pending: %q", keys)
	}
}
