package reportfile

import (
	"fmt"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/report"
)

// cst is the policy's zone of the fixtures (Asia/Shanghai, without tzdata).
var cst = time.FixedZone("CST", 8*60*60)

func at(day, hour, minute int) time.Time {
	return time.Date(2026, time.November, day, hour, minute, 0, 0, cst)
}

func ptr[T any](v T) *T { return &v }

// longProblem is wider than a column may be.
var longProblem = strings.Repeat("财务系统登录后页面空白", 8)

// november is a month of four tickets: 101 and 104 solved in time, 102
// (致命) late to answer and to solve, 103 (严重) still open past its
// resolution deadline.
func november() *report.Monthly {
	return &report.Monthly{
		Month:       "2026-11",
		Title:       "2026年11月系统服务月报（全部单位）",
		From:        time.Date(2026, time.November, 1, 0, 0, 0, 0, cst),
		To:          time.Date(2026, time.December, 1, 0, 0, 0, 0, cst),
		GeneratedAt: time.Date(2026, time.December, 1, 8, 0, 0, 0, cst),
		Summary: report.Summary{
			Opened: 4, Resolved: 3, OpenAtEnd: 2,
			ByKind:     []report.Count{{Key: "fault", Label: "故障", N: 3}, {Key: "consult", Label: "咨询", N: 1}},
			BySeverity: []report.Count{{Key: "1", Label: "致命", N: 1}, {Key: "2", Label: "严重", N: 1}, {Key: "3", Label: "普通", N: 1}, {Key: "4", Label: "小问题", N: 1}},
			ByChannel:  []report.Count{{Key: "wechat", Label: "微信", N: 3}, {Key: "phone", Label: "电话", N: 1}},
			ByStatus:   []report.Count{{Key: "resolved", Label: "已解决", N: 3}, {Key: "open", Label: "处理中", N: 1}},
		},
		SLA:      novemberSLA(),
		Times:    novemberTimes(),
		Problems: novemberProblems(),
		Tickets:  novemberTickets(),
		Staff: []report.Staff{
			{Number: "E001", Name: "张伟", Services: 2, Delivered: 2, Answered: 2, Satisfied: 2, Satisfaction: ptr(1.0), Rating: "好"},
			{Number: "E002", Name: "王强", Services: 1, Delivered: 1, Answered: 0, Satisfied: 0, Rating: "—"},
		},
		Revisits: novemberRevisits(),
		Daily:    novemberDays(),
		Trend:    trend(),
		OnSite: report.OnSite{
			Visits: []report.VisitLine{{Unit: "市中心医院", Promised: 2, OnTime: 1, Late: 1}, {Unit: "合计", Promised: 2, OnTime: 1, Late: 1}},
			Maintenance: []report.UpkeepLine{{Unit: "市中心医院", Kind: "巡检", Owed: 1, Done: 1},
				{Unit: "合计", Owed: 1, Done: 1}},
		},
	}
}

func novemberSLA() report.SLA {
	return report.SLA{
		Response:   report.OnTime{Met: 3, Missed: 1},
		Resolution: report.OnTime{Met: 2, Missed: 2},
		BySeverity: []report.SeverityOnTime{
			{Severity: 1, Label: "致命", Response: report.OnTime{Missed: 1}, Resolution: report.OnTime{Missed: 1}},
			{Severity: 2, Label: "严重", Response: report.OnTime{Met: 1}, Resolution: report.OnTime{Missed: 1}},
			{Severity: 3, Label: "普通", Response: report.OnTime{Met: 1}, Resolution: report.OnTime{Met: 1}},
			{Severity: 4, Label: "小问题", Response: report.OnTime{Met: 1}, Resolution: report.OnTime{Met: 1}},
			{Severity: 5, Label: "功能建议"},
		},
		Breaches: []report.Breach{
			{Ticket: 102, Unit: "市财政局", Severity: 1, Goal: "response", GoalLabel: "响应", Due: at(5, 11, 0), Actual: ptr(at(5, 13, 30)), Late: 150 * time.Minute, Escalations: 1, Staff: "张伟"},
			{Ticket: 102, Unit: "市财政局", Severity: 1, Goal: "resolution", GoalLabel: "解决", Due: at(6, 10, 0), Actual: ptr(at(6, 14, 30)), Late: 270 * time.Minute, Escalations: 2, Staff: "张伟"},
			{Ticket: 103, Unit: "市税务局", Severity: 2, Goal: "resolution", GoalLabel: "解决", Due: at(24, 9, 0), Late: 167 * time.Hour, Escalations: 3, Staff: "王强"},
		},
	}
}

func novemberTimes() report.Times {
	return report.Times{
		Response: report.Spread{N: 4, BusinessMedian: 150 * time.Minute, BusinessP90: 5 * time.Hour,
			WallMedian: 3 * time.Hour, WallP90: 20*time.Hour + 10*time.Minute},
		Resolution: report.Spread{N: 3, BusinessMedian: 26 * time.Hour, BusinessP90: 40 * time.Hour,
			WallMedian: 45 * time.Second, WallP90: 52 * time.Hour},
	}
}

func novemberProblems() report.Problems {
	return report.Problems{
		Categories: []report.Count{{Key: "打印", Label: "打印", N: 2}, {Key: "网络", Label: "网络", N: 1}, {Key: "", Label: "未分类", N: 1}},
		Groups:     []report.Group{{Sample: "打印机无法打印", Tickets: []int64{101, 104}}},
	}
}

func novemberTickets() []report.Row {
	return []report.Row{
		{Ticket: 101, StaffName: "张伟", StaffNumber: "E001", Customer: "李娜", Unit: "市财政局", Room: "301",
			ReportedAt: at(3, 9, 15), ResolvedAt: ptr(at(3, 11, 45)), Handling: "电话",
			Problem: "打印机无法打印", Resolution: "重装驱动后恢复", Kind: "故障", Category: "打印",
			Severity: 3, Channel: "微信", Status: "已解决"},
		{Ticket: 102, StaffName: "张伟", StaffNumber: "E001", Customer: "赵敏", Unit: "市财政局", Room: "512",
			ReportedAt: at(5, 10, 0), ResolvedAt: ptr(at(6, 14, 30)), Handling: "现场",
			Problem: "服务器宕机", Resolution: "更换电源", Kind: "故障", Category: "网络",
			Severity: 1, Channel: "电话", Status: "已解决"},
		{Ticket: 103, StaffName: "王强", StaffNumber: "E002", Customer: "孙丽", Unit: "市税务局", Room: "",
			ReportedAt: at(20, 16, 5), Problem: "=SUM(A1) 报表公式出错", Kind: "故障",
			Severity: 2, Channel: "微信", Status: "处理中"},
		{Ticket: 104, StaffName: "张伟", StaffNumber: "E001", Customer: "周杰", Unit: "市教育局", Room: "12",
			ReportedAt: at(25, 8, 30), ResolvedAt: ptr(at(25, 9, 0)), Handling: "远程",
			Problem: longProblem, Resolution: "指导清理缓存", Kind: "咨询", Category: "打印",
			Severity: 4, Channel: "微信", Status: "已解决"},
	}
}

func novemberRevisits() report.Revisits {
	return report.Revisits{
		Target: 0.9,
		Total: report.Tally{Label: "合计", Asked: 6, Answered: 5, Satisfied: 4,
			Participation: ptr(5.0 / 6), Satisfaction: ptr(0.8), MeetsTarget: ptr(false)},
		AfterTicket: report.Tally{Label: "工单回访", Asked: 3, Answered: 3, Satisfied: 3,
			Participation: ptr(1.0), Satisfaction: ptr(1.0), MeetsTarget: ptr(true)},
		Rounds: []report.Tally{{Label: "2026年第4季度回访", Asked: 3, Answered: 2, Satisfied: 1,
			Participation: ptr(2.0 / 3), Satisfaction: ptr(0.5), MeetsTarget: ptr(false)}},
		Questions: []report.Question{{Key: "overall", Text: "总体满意度", Answers: 5, Values: []report.Count{
			{Key: "5", Label: "满意", N: 3}, {Key: "4", Label: "较满意", N: 1}, {Key: "2", Label: "不满意", N: 1},
		}}},
	}
}

func novemberDays() []report.Day {
	opened := map[int]int{3: 1, 5: 1, 20: 1, 25: 1}
	resolved := map[int]int{2: 1, 3: 1, 6: 1, 25: 1}
	days := make([]report.Day, 30)
	for i := range days {
		days[i] = report.Day{Date: fmt.Sprintf("2026-11-%02d", i+1), Opened: opened[i+1], Resolved: resolved[i+1]}
	}
	return days
}

// trend is 12 months, February without answers to its surveys.
func trend() []report.Trend {
	out := make([]report.Trend, 12)
	for i := range out {
		month := time.Date(2025, time.December+time.Month(i), 1, 0, 0, 0, 0, cst)
		out[i] = report.Trend{Month: month.Format("2006-01"), Opened: 10 + i,
			OnTime: ptr(0.5 + float64(i)/100), Satisfaction: ptr(0.9)}
	}
	out[2].Satisfaction = nil
	out[11] = report.Trend{Month: "2026-11", Opened: 4, OnTime: ptr(5.0 / 8), Satisfaction: ptr(0.8)}
	return out
}

// emptyMonth is a month without tickets, as Build makes it: every
// severity and day listed, with zeros.
func emptyMonth() *report.Monthly {
	m := &report.Monthly{
		Month: "2026-12", Title: "2026年12月系统服务月报（市财政局）", Unit: "市财政局",
		From:        time.Date(2026, time.December, 1, 0, 0, 0, 0, cst),
		To:          time.Date(2027, time.January, 1, 0, 0, 0, 0, cst),
		GeneratedAt: time.Date(2027, time.January, 4, 8, 0, 0, 0, cst),
		Revisits:    report.Revisits{Target: 0.9, Total: report.Tally{Label: "合计"}, AfterTicket: report.Tally{Label: "工单回访"}},
		Trend:       trend(),
	}
	for s := 1; s <= 5; s++ {
		m.SLA.BySeverity = append(m.SLA.BySeverity, report.SeverityOnTime{Severity: s, Label: fmt.Sprint(s)})
	}
	for d := 1; d <= 31; d++ {
		m.Daily = append(m.Daily, report.Day{Date: fmt.Sprintf("2026-12-%02d", d)})
	}
	return m
}
