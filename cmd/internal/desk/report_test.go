package desk_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/adapters/reportfile"
	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
	"github.com/hotline-desk/hotline/bot/report"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/cmd/internal/desk"
	"github.com/hotline-desk/hotline/store/reportstore"
)

// reportPolicy is a 7×24 plan, so business time is wall time and every
// figure of the month can be worked out by hand.
const reportPolicy = `
units:
  - name: 甲单位
    plan: gold
  - name: 乙单位
    plan: gold
plans:
  - name: gold
    calendar: 7x24
    targets:
      1: {response: 1h, resolution: 4h}
      2: {response: 2h, resolution: 8h}
      3: {response: 4h, resolution: 24h}
      4: {response: 8h, resolution: 48h}
      5: {response: 24h}
surveys:
  send_rate: 200
  staff_rating: {min_answers: 1}
`

// Staff of the report scenario.
var (
	rEng1    = telegramOf("001")
	rEng2    = telegramOf("002")
	rLead    = telegramOf("013")
	rManager = telegramOf("024")
	rQuality = telegramOf("088")
)

func at(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, shanghai)
}

// reportCustomer walks a customer's report through the WeChat dialogue.
func (f *surveyFixture) reportCustomer(openID, description, severity, unit string) int64 {
	f.t.Helper()
	for _, text := range []string{description, severity, unit, "张" + openID, "138001380" + openID[1:] + "0", "302", "确认"} {
		f.sayAs(openID, text)
	}
	var id int64
	if err := f.rec.DB.GetContext(context.Background(), &id, `SELECT max(id) FROM tickets`); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// handledBy makes number the ticket's engineer (the lead reassigns it
// when the usual assignment picked the other one).
func (f *surveyFixture) handledBy(ticket int64, number string) {
	f.t.Helper()
	if f.ticketRow(ticket).StaffNumber == number {
		return
	}
	s, err := f.rec.Staff.StaffByNumber(context.Background(), number)
	if err != nil {
		f.t.Fatal(err)
	}
	f.press(rLead, fmt.Sprintf("to:%d:%d", ticket, s.ID))
	if got := f.ticketRow(ticket).StaffNumber; got != number {
		f.t.Fatalf("ticket %d is handled by %q", ticket, got)
	}
}

// resolve resolves a ticket through the buttons, with a note and a way.
func (f *surveyFixture) resolve(tg, ticket int64, note, way string) {
	f.t.Helper()
	f.press(tg, fmt.Sprintf("res:%d", ticket))
	f.staffText(tg, note)
	f.press(tg, fmt.Sprintf("how:%d:%s", ticket, way))
}

// playNovember plays October's tail and November 2026 through the real
// paths (the WeChat dialogue, the engineers' buttons, the scheduler, the
// surveys in the chat, a revisit round) and leaves the clock at 09:00 on
// 1 December, when the report is due. The figures it makes are worked
// out by hand in TestMonthlyReportFigures.
func playNovember(t *testing.T) *surveyFixture {
	f := newSurveyFixture(t, reportPolicy)
	f.setNow(at(time.October, 20, 10, 0))
	f.addStaff("001", "engineer")
	f.addStaff("002", "engineer")
	f.addStaff("013", "lead")
	f.addStaff("024", "manager")
	f.addStaff("088", "quality")

	// #1, October: 乙单位's printer, resolved and confirmed the same day.
	t1 := f.reportCustomer("o4", "打印机卡纸", "3", "乙单位")
	f.handledBy(t1, "001")
	f.advance(at(time.October, 20, 10, 20))
	f.press(rEng1, fmt.Sprintf("ack:%d", t1))
	f.advance(at(time.October, 20, 15, 0))
	f.resolve(rEng1, t1, "清理了卡纸", "remote")
	f.advance(at(time.October, 20, 15, 10))
	f.sayAs("o4", "1") // confirmed: closed, surveyed in October, never answered

	// #2, October: a report that is resolved late, on 2 November.
	f.advance(at(time.October, 30, 10, 0))
	t2 := f.reportCustomer("o5", "报表导出很慢", "3", "甲单位")
	f.handledBy(t2, "001")
	f.advance(at(time.October, 30, 10, 30))
	f.press(rEng1, fmt.Sprintf("ack:%d", t2))
	f.advance(at(time.November, 2, 10, 0))
	f.resolve(rEng1, t2, "优化了导出查询", "remote")
	f.advance(at(time.November, 2, 10, 10))
	f.sayAs("o5", "1")
	f.advance(at(time.November, 2, 10, 11))
	f.tapAs("o5", menuID(f.lastMenu("o5"), "满意"), "满意")

	// #3: on time, 登录.
	f.advance(at(time.November, 3, 10, 0))
	t3 := f.reportCustomer("o1", "系统无法登录", "2", "甲单位")
	f.handledBy(t3, "001")
	f.advance(at(time.November, 3, 10, 30))
	f.press(rEng1, fmt.Sprintf("ack:%d", t3))
	f.advance(at(time.November, 3, 14, 0))
	f.resolve(rEng1, t3, "重置了密码", "remote")
	f.press(rEng1, fmt.Sprintf("cls:%d:c:0", t3)) // 登录
	f.advance(at(time.November, 3, 14, 10))
	f.sayAs("o1", "1")
	f.advance(at(time.November, 3, 14, 11))
	f.tapAs("o1", menuID(f.lastMenu("o1"), "满意"), "满意")

	// #4: fatal, answered 30 minutes late (escalated to the lead once),
	// resolved in time by the second engineer, rated 一般.
	f.advance(at(time.November, 5, 9, 0))
	t4 := f.reportCustomer("o2", "系统无法登录，一直转圈", "1", "甲单位")
	f.handledBy(t4, "002")
	f.advance(at(time.November, 5, 10, 0))
	f.advance(at(time.November, 5, 10, 30))
	f.press(rEng2, fmt.Sprintf("ack:%d", t4))
	f.advance(at(time.November, 5, 11, 0))
	f.advance(at(time.November, 5, 12, 0))
	f.resolve(rEng2, t4, "清理了浏览器缓存", "phone")
	f.press(rEng2, fmt.Sprintf("cls:%d:c:0", t4))
	f.advance(at(time.November, 5, 12, 10))
	f.sayAs("o2", "1")
	f.advance(at(time.November, 5, 12, 11))
	f.tapAs("o2", menuID(f.lastMenu("o2"), "一般"), "一般")

	// #5: maintenance on site, resolved 2 hours late (lead, then manager),
	// closed by itself after three working days; its survey goes
	// unanswered.
	f.advance(at(time.November, 10, 8, 0))
	t5 := f.reportCustomer("o3", "打印机无法打印", "3", "乙单位")
	f.handledBy(t5, "001")
	f.advance(at(time.November, 10, 9, 0))
	f.press(rEng1, fmt.Sprintf("ack:%d", t5))
	f.advance(at(time.November, 11, 8, 0))
	f.advance(at(time.November, 11, 9, 0))
	f.advance(at(time.November, 11, 10, 0))
	f.resolve(rEng1, t5, "上门更换了硒鼓", "onsite")
	f.press(rEng1, fmt.Sprintf("cls:%d:k:maintenance", t5))
	f.press(rEng1, fmt.Sprintf("cls:%d:c:2", t5)) // 打印

	// A revisit round of October's tickets reaches o4, who answers 较满意.
	f.advance(at(time.November, 20, 9, 50))
	f.sayAs("o4", "你好")
	f.sayAs("o4", "取消")
	f.advance(at(time.November, 20, 10, 0))
	spec := survey.RoundSpec{From: at(time.October, 1, 0, 0), To: at(time.November, 1, 0, 0), SampleRate: 1, Questionnaire: "revisit", Seed: 7}
	if _, _, err := f.desk.Surveys.Rounds.Start(context.Background(), spec, "088", nil); err != nil {
		t.Fatal(err)
	}
	f.advance(at(time.November, 20, 10, 1))
	f.tapAs("o4", menuID(f.lastMenu("o4"), "较满意"), "较满意")

	// #6: acknowledged, never resolved: escalated twice.
	f.advance(at(time.November, 28, 10, 0))
	t6 := f.reportCustomer("o6", "接口调用超时", "3", "乙单位")
	f.handledBy(t6, "001")
	f.advance(at(time.November, 28, 11, 0))
	f.press(rEng1, fmt.Sprintf("ack:%d", t6))
	f.advance(at(time.November, 29, 10, 0))
	f.advance(at(time.November, 29, 11, 0))

	// #7: never acknowledged: escalated twice; its resolution is not due
	// yet when the report is made.
	f.advance(at(time.November, 30, 10, 0))
	t7 := f.reportCustomer("o7", "报表数字不对", "4", "甲单位")
	f.handledBy(t7, "001")
	f.advance(at(time.November, 30, 18, 0))
	f.advance(at(time.November, 30, 19, 0))
	if t7 != 7 {
		t.Fatalf("the last ticket is #%d", t7)
	}
	f.setNow(at(time.December, 1, 9, 0))
	return f
}

func ptr[T any](v T) *T { return &v }

// The month played by playNovember, worked out by hand.
func TestMonthlyReportFigures(t *testing.T) {
	f := playNovember(t)
	m, err := f.desk.Reports.Monthly(context.Background(), "2026-11", "")
	if err != nil {
		t.Fatal(err)
	}
	wantSummary := report.Summary{Opened: 5, Resolved: 4, OpenAtEnd: 2,
		ByKind:     []report.Count{{Key: "fault", Label: "故障", N: 4}, {Key: "maintenance", Label: "日常维护", N: 1}},
		BySeverity: []report.Count{{Key: "1", Label: "致命", N: 1}, {Key: "2", Label: "严重", N: 1}, {Key: "3", Label: "普通", N: 2}, {Key: "4", Label: "小问题", N: 1}},
		ByChannel:  []report.Count{{Key: "wechat", Label: "微信", N: 5}},
		ByStatus:   []report.Count{{Key: "open", Label: "待处理", N: 1}, {Key: "acknowledged", Label: "处理中", N: 1}, {Key: "closed", Label: "已关闭", N: 3}}}
	if diff := cmp.Diff(wantSummary, m.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	wantSLA := report.SLA{Response: report.OnTime{Met: 3, Missed: 2}, Resolution: report.OnTime{Met: 2, Missed: 2, Pending: 1},
		BySeverity: []report.SeverityOnTime{
			{Severity: 1, Label: "1 致命", Response: report.OnTime{Missed: 1}, Resolution: report.OnTime{Met: 1}},
			{Severity: 2, Label: "2 严重", Response: report.OnTime{Met: 1}, Resolution: report.OnTime{Met: 1}},
			{Severity: 3, Label: "3 普通", Response: report.OnTime{Met: 2}, Resolution: report.OnTime{Missed: 2}},
			{Severity: 4, Label: "4 小问题", Response: report.OnTime{Missed: 1}, Resolution: report.OnTime{Pending: 1}},
			{Severity: 5, Label: "5 建议"}},
		Breaches: []report.Breach{
			{Ticket: 4, Unit: "甲单位", Severity: 1, Goal: "response", GoalLabel: "响应", Due: at(time.November, 5, 10, 0), Actual: ptr(at(time.November, 5, 10, 30)), Late: 30 * time.Minute, Escalations: 1, Staff: "工002"},
			{Ticket: 5, Unit: "乙单位", Severity: 3, Goal: "resolution", GoalLabel: "解决", Due: at(time.November, 11, 8, 0), Actual: ptr(at(time.November, 11, 10, 0)), Late: 2 * time.Hour, Escalations: 2, Staff: "工001"},
			{Ticket: 6, Unit: "乙单位", Severity: 3, Goal: "resolution", GoalLabel: "解决", Due: at(time.November, 29, 10, 0), Late: 47 * time.Hour, Escalations: 2, Staff: "工001"},
			{Ticket: 7, Unit: "甲单位", Severity: 4, Goal: "response", GoalLabel: "响应", Due: at(time.November, 30, 18, 0), Late: 15 * time.Hour, Escalations: 2, Staff: "工001"},
		}}
	if diff := cmp.Diff(wantSLA, m.SLA, timeEqual); diff != "" {
		t.Errorf("SLA (-want +got):\n%s", diff)
	}
	wantTimes := report.Times{
		Response:   report.Spread{N: 4, BusinessMedian: time.Hour, BusinessP90: 90 * time.Minute, WallMedian: time.Hour, WallP90: 90 * time.Minute},
		Resolution: report.Spread{N: 3, BusinessMedian: 4 * time.Hour, BusinessP90: 26 * time.Hour, WallMedian: 4 * time.Hour, WallP90: 26 * time.Hour}}
	if diff := cmp.Diff(wantTimes, m.Times); diff != "" {
		t.Errorf("times (-want +got):\n%s", diff)
	}
	wantProblems := report.Problems{
		Categories: []report.Count{{Key: "登录", Label: "登录", N: 2}, {Key: "打印", Label: "打印", N: 1}, {Key: "", Label: "未分类", N: 2}},
		Groups:     []report.Group{{Sample: "系统无法登录", Tickets: []int64{3, 4}}}}
	if diff := cmp.Diff(wantProblems, m.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	checkNovemberTables(t, m)
}

var timeEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func checkNovemberTables(t *testing.T, m *report.Monthly) {
	t.Helper()
	if len(m.Tickets) != 5 {
		t.Fatalf("%d service tickets", len(m.Tickets))
	}
	wantRow := report.Row{Ticket: 5, StaffName: "工001", StaffNumber: "001", Customer: "张o3", Unit: "乙单位", Room: "302",
		ReportedAt: at(time.November, 10, 8, 0), ResolvedAt: ptr(at(time.November, 11, 10, 0)), Handling: "现场",
		Problem: "打印机无法打印", Resolution: "上门更换了硒鼓", Kind: "日常维护", Category: "打印", Severity: 3, Channel: "微信", Status: "已关闭"}
	if diff := cmp.Diff(wantRow, m.Tickets[2], timeEqual); diff != "" {
		t.Errorf("service ticket #5 (-want +got):\n%s", diff)
	}
	wantStaff := []report.Staff{
		{Number: "001", Name: "工001", Services: 3, Delivered: 4, Answered: 3, Satisfied: 3, Satisfaction: ptr(1.0), Rating: "好"},
		{Number: "002", Name: "工002", Services: 1, Delivered: 1, Answered: 1, Satisfied: 0, Satisfaction: ptr(0.0), Rating: "一般"}}
	if diff := cmp.Diff(wantStaff, m.Staff); diff != "" {
		t.Errorf("staff (-want +got):\n%s", diff)
	}
	wantRevisits := report.Revisits{Target: 0.9,
		Total:       report.Tally{Label: "合计", Asked: 5, Answered: 4, Satisfied: 3, Participation: ptr(0.8), Satisfaction: ptr(0.75), MeetsTarget: ptr(false)},
		AfterTicket: report.Tally{Label: "结单回访", Asked: 4, Answered: 3, Satisfied: 2, Participation: ptr(0.75), Satisfaction: ptr(2.0 / 3), MeetsTarget: ptr(false)},
		Rounds:      []report.Tally{{Label: "回访轮次 #1", Asked: 1, Answered: 1, Satisfied: 1, Participation: ptr(1.0), Satisfaction: ptr(1.0), MeetsTarget: ptr(true)}},
		Questions: []report.Question{
			{Key: "overall", Text: "您对我们的服务总体满意吗？", Answers: 1, Values: []report.Count{{Key: "2", Label: "较满意", N: 1}}},
			{Key: "overall", Text: "您对本次服务满意吗？", Answers: 3, Values: []report.Count{{Key: "1", Label: "满意", N: 2}, {Key: "3", Label: "一般", N: 1}}},
		}}
	if diff := cmp.Diff(wantRevisits, m.Revisits); diff != "" {
		t.Errorf("revisits (-want +got):\n%s", diff)
	}
	days := map[string][2]int{}
	for _, d := range m.Daily {
		if d.Opened+d.Resolved > 0 {
			days[d.Date] = [2]int{d.Opened, d.Resolved}
		}
	}
	wantDays := map[string][2]int{"2026-11-02": {0, 1}, "2026-11-03": {1, 1}, "2026-11-05": {1, 1}, "2026-11-10": {1, 0},
		"2026-11-11": {0, 1}, "2026-11-28": {1, 0}, "2026-11-30": {1, 0}}
	if diff := cmp.Diff(wantDays, days); diff != "" || len(m.Daily) != 30 {
		t.Errorf("%d days; (-want +got):\n%s", len(m.Daily), diff)
	}
	if len(m.Trend) != 12 || m.Trend[0].Month != "2025-12" {
		t.Fatalf("trend %+v", m.Trend)
	}
	wantTrend := []report.Trend{{Month: "2026-10", Opened: 2, OnTime: ptr(0.75)}, {Month: "2026-11", Opened: 5, OnTime: ptr(5.0 / 9), Satisfaction: ptr(0.75)}}
	if diff := cmp.Diff(wantTrend, m.Trend[10:]); diff != "" {
		t.Errorf("trend (-want +got):\n%s", diff)
	}
	for _, tr := range m.Trend[:10] {
		if tr.Opened != 0 || tr.OnTime != nil || tr.Satisfaction != nil {
			t.Errorf("an empty month of the trend: %+v", tr)
		}
	}
}

// reportReplica is another desk on the same stores and channels, as
// another replica of hotline serve would be.
func (f *surveyFixture) reportReplica() *desk.Desk {
	rec := f.rec
	return desk.New(desk.Deps{Clock: f.now, Policy: f.policy, Tickets: rec.Tickets, Customers: rec.Customers, Units: rec.Units,
		Sessions: f.sessions, Backlog: rec.Backlog, Staff: rec.Staff, States: f.states, Jobs: rec.Jobs,
		StaffChat: f.staffBot, Answerer: f.staffBot, Customer: f.messenger, Log: quiet(),
		Reports: desk.ReportDeps{Store: reportstore.New(rec.DB), Files: reportfile.Workbook{}, Links: f.reportSigner, Documents: f.staffBot}})
}

// September 2026 ends on the eve of National Day: its report is delivered
// on 8 October, the first working day, at 09:00. Two replicas run the
// scheduler at once; the manager and the quality officer get the workbook
// once each, the unit's contact gets the link once (as the report
// template: the 48-hour window has closed), and the link opens the unit's
// report. The next month's delivery waits for 2 November (1 November is a
// Sunday).
func TestMonthlyReportDeliveredOnceAfterHoliday(t *testing.T) {
	f := newSurveyFixture(t, reportPolicy)
	f.setNow(at(time.September, 29, 10, 0))
	f.addStaff("001", "engineer")
	f.addStaff("024", "manager")
	f.addStaff("088", "quality")
	f.reportCustomer("o1", "系统无法登录", "3", "甲单位")
	other := f.reportReplica()
	ctx := context.Background()
	for _, d := range []*desk.Desk{f.desk, other} {
		if err := d.Reports.Schedule(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(`SELECT count(*) FROM jobs WHERE kind = $1 AND due_at = $2`, report.JobMonthly, at(time.October, 8, 9, 0).UTC()); n != 1 {
		t.Fatalf("%d deliveries of September due on 8 October at 09:00", n)
	}
	for _, day := range []int{1, 7} {
		f.advance(at(time.October, day, 9, 0))
		if n := len(f.tg.Calls("sendDocument")); n != 0 {
			t.Fatalf("a report was sent on 1 October (a holiday)")
		}
	}
	f.setNow(at(time.October, 8, 9, 0))
	f.wx.FailCustomTo("o1", 45015) // the 48-hour window has closed: WeChat refuses customer-service messages
	var wg sync.WaitGroup
	for _, d := range []*desk.Desk{f.desk, other} {
		wg.Go(func() {
			for {
				if n, err := d.Engine.RunDue(ctx); err != nil || n == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	f.advance(f.now())
	docs := f.tg.Calls("sendDocument")
	if len(docs) != 2 || docs[0].ChatID() == docs[1].ChatID() {
		t.Fatalf("%d documents sent: %+v", len(docs), docs)
	}
	for _, d := range docs {
		if d.ChatID() != rManager && d.ChatID() != rQuality {
			t.Errorf("a document went to chat %d", d.ChatID())
		}
		if d.FileName != "2026-09-系统服务月报.xlsx" || len(d.Upload) == 0 || !strings.Contains(d.Text(), "2026年9月系统服务月报（全部单位）") ||
			!strings.Contains(d.Text(), "新开 1｜解决 0｜月末未结 1") {
			t.Errorf("document %q with caption %q", d.FileName, d.Text())
		}
	}
	links := f.wx.Messages()
	var sent []wechattest.Message
	for _, m := range links {
		if m.TemplateID == "tpl-report" {
			sent = append(sent, m)
		}
	}
	if len(sent) != 1 || sent[0].To != "o1" || sent[0].Data["thing1"] != "2026年9月服务月报" || sent[0].Data["thing2"] != "甲单位" || sent[0].ErrCode != 0 {
		t.Fatalf("report links sent %+v", sent)
	}
	resp, err := http.Get(sent[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "2026年9月系统服务月报（甲单位）") || !strings.Contains(string(body), "系统无法登录") {
		t.Fatalf("the link answered %d: %.300s", resp.StatusCode, body)
	}
	if n := f.count(`SELECT count(*) FROM jobs WHERE kind = $1 AND ref = '2026-10' AND due_at = $2`, report.JobMonthly, at(time.November, 2, 9, 0).UTC()); n != 1 {
		t.Fatalf("October's delivery is not due on 2 November at 09:00")
	}
}

// /report in Telegram: managers, leads and quality staff get the workbook
// in their chat (last month by default); engineers are refused; a bad
// month or an unknown unit is explained.
func TestReportCommandInTelegram(t *testing.T) {
	f := newSurveyFixture(t, reportPolicy)
	f.setNow(at(time.September, 29, 10, 0))
	eng := f.addStaff("001", "engineer")
	lead := f.addStaff("013", "lead")
	f.reportCustomer("o1", "系统无法登录", "3", "甲单位")
	f.setNow(at(time.October, 9, 10, 0))

	f.staffText(eng, "/report")
	f.staffSaw(eng, "/report 仅限经理、主管和质量管理部使用")
	f.staffText(lead, "/report 2026-13")
	f.staffSaw(lead, "无法生成报告", "月份应为 YYYY-MM")
	f.staffText(lead, "/report 2026-09 丙单位")
	f.staffSaw(lead, "无法生成报告", "没有这个单位")
	f.staffText(lead, "/report")
	f.staffText(lead, "/report 2026-9 甲单位")
	f.tg.Wait(t, 10*time.Second, "two documents", func() bool { return len(f.tg.Calls("sendDocument")) == 2 })
	docs := f.tg.Calls("sendDocument")
	if docs[0].FileName != "2026-09-系统服务月报.xlsx" || !strings.Contains(docs[0].Text(), "（全部单位）") ||
		docs[1].FileName != "2026-09-系统服务月报-甲单位.xlsx" || !strings.Contains(docs[1].Text(), "2026年9月系统服务月报（甲单位）") {
		t.Fatalf("documents %q %q / %q %q", docs[0].FileName, docs[0].Text(), docs[1].FileName, docs[1].Text())
	}
	for _, d := range docs {
		if d.ChatID() != lead {
			t.Errorf("a document went to %d", d.ChatID())
		}
	}
}
