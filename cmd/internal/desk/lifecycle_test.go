package desk_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
)

func (f *fixture) press(tgUser int64, data string) {
	f.t.Helper()
	u := bot.StaffUpdate{UserID: tgUser, ChatID: tgUser, Callback: &bot.Callback{ID: "cb", Data: data}}
	if err := f.desk.Staff.HandleStaff(context.Background(), u); err != nil {
		f.t.Fatalf("press %s: %v", data, err)
	}
}

func (f *fixture) staffText(tgUser int64, text string) {
	f.t.Helper()
	if err := f.desk.Staff.HandleStaff(context.Background(), bot.StaffUpdate{UserID: tgUser, ChatID: tgUser, Text: text}); err != nil {
		f.t.Fatalf("staff says %q: %v", text, err)
	}
}

func (f *fixture) ticket(id int64) *bot.Ticket {
	f.t.Helper()
	t, err := f.rec.Tickets.Ticket(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}

// telegramOf is the Telegram id addStaff gives a staff number.
func telegramOf(number string) int64 {
	return int64(1000 + len(number)*100 + int(number[len(number)-1]))
}

func TestLifecycleAckResolveConfirm(t *testing.T) {
	f := newFixture(t)
	f.addStaff("001", "engineer", "", "")
	stranger := int64(424242)
	f.report("打印机不能用", "某单位")
	eng := telegramOf("001")

	f.press(stranger, "ack:1")
	if tk := f.ticket(1); tk.Status != bot.StatusOpen {
		t.Fatalf("a stranger's press changed the ticket: %s", tk.Status)
	}
	f.now = f.now.Add(10 * time.Minute)
	f.press(eng, "ack:1")
	f.press(eng, "ack:1") // a double press changes nothing more
	tk := f.ticket(1)
	if tk.Status != bot.StatusAcknowledged || tk.RespondedAt == nil || !tk.RespondedAt.Equal(f.now) {
		t.Fatalf("after 接单: %+v", tk)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE kind = 'acknowledged'`); n != 1 {
		t.Fatalf("acknowledged events = %d", n)
	}
	f.press(eng, "res:1")
	f.staffText(eng, "更换了打印机驱动")
	f.press(eng, "how:1:remote")
	tk = f.ticket(1)
	if tk.Status != bot.StatusResolved || tk.Resolution != "更换了打印机驱动" || tk.Handling != "remote" {
		t.Fatalf("after 已解决: %+v", tk)
	}
	if got := f.say("1"); !strings.Contains(got, "已关闭") {
		t.Fatalf("customer confirmation answered %q", got)
	}
	if tk = f.ticket(1); tk.Status != bot.StatusClosed || tk.ClosedAt == nil {
		t.Fatalf("after the customer confirmed: %+v", tk)
	}
}

func TestCustomerSaysNotSolvedReopens(t *testing.T) {
	f := newFixture(t)
	f.addStaff("001", "engineer", "", "")
	f.report("打印机不能用", "某单位")
	eng := telegramOf("001")
	f.press(eng, "res:1")
	f.staffText(eng, "重启了服务")
	f.press(eng, "how:1:phone")
	if got := f.say("未解决"); !strings.Contains(got, "重新打开") {
		t.Fatalf("reply %q", got)
	}
	if tk := f.ticket(1); tk.Status != bot.StatusAcknowledged || tk.ResolvedAt != nil {
		t.Fatalf("after 未解决: %+v", tk)
	}
}

// An unanswered resolution closes itself after 3 working days, on time.
func TestUnansweredResolutionClosesItself(t *testing.T) {
	f := newFixture(t)
	f.addStaff("001", "engineer", "", "")
	f.report("打印机不能用", "某单位") // 7x12: every day a working day, closing 20:00
	eng := telegramOf("001")
	f.press(eng, "res:1")
	f.staffText(eng, "已修复")
	f.press(eng, "how:1:onsite")
	resolved := f.now // Monday 09:00
	closeAt := time.Date(2026, 3, 5, 20, 0, 0, 0, shanghai)
	f.advance(closeAt.Add(-time.Minute))
	if tk := f.ticket(1); tk.Status != bot.StatusResolved {
		t.Fatalf("closed early: %+v", tk)
	}
	f.advance(closeAt)
	tk := f.ticket(1)
	if tk.Status != bot.StatusClosed || !tk.ClosedAt.Equal(closeAt) {
		t.Fatalf("3 working days after %v: %+v", resolved, tk)
	}
	if got := f.events("auto_closed"); len(got) != 1 {
		t.Fatalf("auto_closed events %v", got)
	}
}

// A complaint goes to the manager at once, and the customer is told who.
func TestComplaintEscalatesAtOnce(t *testing.T) {
	f := newFixture(t)
	f.addStaff("001", "engineer", "", "")
	f.addStaff("009", "manager", "", "")
	f.report("打印机不能用", "某单位")
	got := f.say("投诉 两天了还没人联系我")
	if !strings.Contains(got, "总经理室 工009（工号 009）") {
		t.Fatalf("reply %q", got)
	}
	if ev := f.events("escalated"); len(ev) != 1 || !strings.Contains(ev[0], "工009") {
		t.Fatalf("escalated events %v", ev)
	}
}

func TestStaffLinkWithInvite(t *testing.T) {
	f := newFixture(t)
	s := bot.Staff{Number: "010", Name: "赵工", RolesText: "engineer", Active: true, CreatedAt: f.now, UpdatedAt: f.now}
	if err := f.rec.Staff.AddStaff(context.Background(), &s); err != nil {
		t.Fatal(err)
	}
	if err := f.rec.Staff.CreateInvite(context.Background(), s.ID, bot.InviteHash("CODE123"), f.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.staffText(777, "/start WRONG")
	f.staffText(777, "/start CODE123")
	f.staffText(888, "/start CODE123") // used once only
	got, err := f.rec.Staff.StaffByTelegram(context.Background(), 777)
	if err != nil || got.Number != "010" {
		t.Fatalf("linked staff = %+v, %v", got, err)
	}
	if _, err := f.rec.Staff.StaffByTelegram(context.Background(), 888); err == nil {
		t.Fatal("a used code linked a second account")
	}
}

// Waiting for the customer pauses the clock over the weekend; the answer
// resumes it and moves the deadline by the paused business time.
func TestWaitingForCustomerPausesClock(t *testing.T) {
	f := newFixture(t)
	f.addStaff("001", "engineer", "", "")
	f.now = time.Date(2026, 3, 6, 10, 0, 0, 0, shanghai) // Friday
	f.report("报表导不出来", "市中心医院")                          // 5x9; resolution due Wednesday 18:00
	eng := telegramOf("001")
	f.press(eng, "ack:1")
	f.now = time.Date(2026, 3, 6, 11, 0, 0, 0, shanghai)
	f.press(eng, "wait:1")
	f.staffText(eng, "请提供报错截图")
	if tk := f.ticket(1); tk.Status != bot.StatusWaiting || tk.PausedSince == nil {
		t.Fatalf("after 等待客户: %+v", tk)
	}
	f.now = time.Date(2026, 3, 9, 10, 0, 0, 0, shanghai) // Monday
	f.say("截图已经发了，是导出按钮报错")
	tk := f.ticket(1)
	// Paused: Fri 11–12 and 13–18 (6 h), Mon 08–10 (2 h) = 8 business hours.
	want := time.Date(2026, 3, 12, 17, 0, 0, 0, shanghai)
	if tk.Status != bot.StatusAcknowledged || tk.PausedSince != nil || !tk.ResolutionDue.Equal(want) {
		t.Fatalf("after the answer: status %s, paused since %v, resolution due %v (want %v)", tk.Status, tk.PausedSince, tk.ResolutionDue.In(shanghai), want)
	}
	var n int
	if err := f.rec.DB.GetContext(context.Background(), &n, `SELECT count(*) FROM jobs WHERE kind = 'breach' AND payload = 'resolution' AND done_at IS NULL AND due_at = $1`, want.UTC()); err != nil || n != 1 {
		t.Fatalf("breach job at the moved deadline: %d, %v", n, err)
	}
}

// A year's official schedule arriving while a ticket waits for its
// customer moves nothing the customer was promised beyond the pause: the
// resume adds the paused business time to the promise, and does not count
// again from the report on the new calendar.
func TestResumeKeepsThePromiseAcrossANewYear(t *testing.T) {
	f := newFixture(t)
	f.addStaff("001", "engineer", "", "")
	f.now = time.Date(2026, 12, 31, 10, 0, 0, 0, shanghai) // Thursday; 2027 has no notice yet
	f.report("报表导不出来", "市中心医院")
	// Severity 3 on 5x9: 24 business hours to respond, Thursday 7 h and
	// Monday 9 h (元旦 off by statute), Tuesday 8 h; 3 working days to
	// resolve after Thursday.
	promised := f.ticket(1)
	if want := time.Date(2027, 1, 5, 17, 0, 0, 0, shanghai); !promised.ResponseDue.Equal(want) {
		t.Fatalf("response promised %v, want %v", promised.ResponseDue.In(shanghai), want)
	}
	if want := time.Date(2027, 1, 6, 18, 0, 0, 0, shanghai); !promised.ResolutionDue.Equal(want) {
		t.Fatalf("resolution promised %v, want %v", promised.ResolutionDue.In(shanghai), want)
	}
	eng := telegramOf("001")
	f.press(eng, "ack:1")
	f.now = time.Date(2026, 12, 31, 11, 0, 0, 0, shanghai)
	f.press(eng, "wait:1")
	f.staffText(eng, "请提供报错截图")
	// The notice makes Monday 4 January a day off too.
	days := append(sla.StatutoryDays(2027), sla.Day{Date: sla.Date{Year: 2027, Month: time.January, Day: 4}, Name: "元旦", Off: true})
	if err := f.deps.Policy.AddOfficialYear(2027, days); err != nil {
		t.Fatal(err)
	}
	f.now = time.Date(2026, 12, 31, 12, 0, 0, 0, shanghai)
	f.say("截图已经发了")
	tk := f.ticket(1)
	// One business hour paused: each promise moves by one business hour
	// on the new calendar. Counting again from the report would have moved
	// the response to Wednesday 18:00 and the resolution to Friday 09:00.
	if want := time.Date(2027, 1, 5, 18, 0, 0, 0, shanghai); tk.Status != bot.StatusAcknowledged || !tk.ResponseDue.Equal(want) {
		t.Errorf("after the answer: %s, response due %v, want %v", tk.Status, tk.ResponseDue.In(shanghai), want)
	}
	if want := time.Date(2027, 1, 7, 9, 0, 0, 0, shanghai); !tk.ResolutionDue.Equal(want) {
		t.Errorf("resolution due %v, want %v", tk.ResolutionDue.In(shanghai), want)
	}
	// The escalations wait at the promises, and reminders are made for
	// them: the scheduler skips a job whose key names another deadline
	// (those of before the pause).
	var pending []struct {
		Kind string    `db:"kind"`
		Key  string    `db:"job_key"`
		Due  time.Time `db:"due_at"`
	}
	if err := f.rec.DB.SelectContext(context.Background(), &pending, `SELECT kind, job_key, due_at FROM jobs WHERE ticket_id = 1 AND done_at IS NULL AND kind IN ('remind', 'breach')`); err != nil {
		t.Fatal(err)
	}
	live := map[string]int{}
	for _, j := range pending {
		goal := strings.Split(j.Key, ":")[2]
		if !strings.HasSuffix(j.Key, fmt.Sprintf(":%d", tk.Due(goal).Unix())) {
			continue // made for a deadline that no longer stands
		}
		if j.Kind == bot.JobBreach && !j.Due.Equal(tk.Due(goal)) {
			t.Errorf("escalation %s due %v, want at the promise %v", j.Key, j.Due.In(shanghai), tk.Due(goal).In(shanghai))
		}
		live[j.Kind+" "+goal]++
	}
	// The response was met (接单): only the resolution's work is left.
	if want := map[string]int{"breach resolution": 1, "remind resolution": 2}; !maps.Equal(live, want) {
		t.Errorf("jobs for the promised deadlines %v, want %v: %+v", live, want, pending)
	}
}
