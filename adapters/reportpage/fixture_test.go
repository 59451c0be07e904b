package reportpage_test

import (
	"fmt"
	"strconv"
	"time"

	"github.com/hotline-desk/hotline/bot/report"
)

var cst = time.FixedZone("CST", 8*3600)

func ptr[T any](v T) *T { return &v }

// november is a day of November 2026 in Shanghai time.
func november(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, cst)
}

// problem is one kind of ticket the fixture's month is made of.
type problem struct {
	kind, category, text, resolution string
	severity                         int
}

var problems = []problem{
	{"故障", "打印机", "门诊二楼打印机无法打印，提示脱机", "重新安装驱动并清理打印队列", 3},
	{"故障", "网络", "内网无法访问 HIS 系统，其他网站正常", "交换机端口故障，已更换端口", 2},
	{"咨询", "账号权限", "新入职护士需要开通系统账号", "已开通账号并告知初始密码修改方法", 4},
	{"故障", "系统报错", `登录后页面弹出 <script>alert("x")</script> 字样，无法继续操作`, "清除浏览器缓存后恢复", 3},
	{"故障", "系统报错", "报错代码ERR_CONNECTION_RESET_0x80070057_HISCLIENT_MODULE_PRINTSPOOLER_TIMEOUT_AFTER_RETRY", "更新客户端组件", 2},
	{"日常维护", "", "月度数据库备份检查", "备份正常，已出具检查记录", 4},
	{"故障", "网络", "住院部整层断网，业务无法进行", "核心交换机电源故障，已更换备用电源", 1},
	{"升级补丁", "", "申请安装 11 月安全补丁", "已远程安装补丁并重启服务", 5},
}

var staff = [][2]string{{"王磊", "E007"}, {"李娜", "E012"}, {"赵强", "E015"}}

var severityLabels = []string{"", "致命性问题", "严重问题", "普通问题", "小问题", "功能建议"}

// fixture is a realistic month for one hospital: 24 tickets, four missed
// deadlines (one still open), four staff, two kinds of revisit and a
// 12-month trend with one month without figures.
func fixture() *report.Monthly {
	m := &report.Monthly{
		Month: "2026-11", Title: "2026年11月系统服务月报（市中心医院）", Unit: "市中心医院",
		From: november(1, 0, 0), To: time.Date(2026, 12, 1, 0, 0, 0, 0, cst), GeneratedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, cst),
	}
	m.Tickets = fixtureTickets()
	m.Summary = summarize(m.Tickets)
	m.Daily = daily(m.Tickets)
	m.SLA = fixtureSLA()
	m.Times = report.Times{
		Response:   report.Spread{N: 23, BusinessMedian: 25 * time.Minute, BusinessP90: 100 * time.Minute, WallMedian: 32 * time.Minute, WallP90: 185 * time.Minute},
		Resolution: report.Spread{N: 22, BusinessMedian: 320 * time.Minute, BusinessP90: 26 * time.Hour, WallMedian: 7 * time.Hour, WallP90: 51 * time.Hour},
	}
	m.Problems = report.Problems{
		Categories: []report.Count{{Key: "网络", Label: "网络", N: 6}, {Key: "系统报错", Label: "系统报错", N: 6}, {Key: "打印机", Label: "打印机", N: 3}, {Key: "账号权限", Label: "账号权限", N: 3}, {Key: "", Label: "未分类", N: 6}},
		Groups: []report.Group{
			{Sample: "门诊二楼打印机无法打印，提示脱机", Tickets: []int64{1001, 1009, 1017}},
			{Sample: "内网无法访问 HIS 系统…", Tickets: []int64{1002, 1010}},
		},
	}
	m.Staff = []report.Staff{
		{Number: "E007", Name: "王磊", Services: 9, Delivered: 8, Answered: 6, Satisfied: 6, Satisfaction: ptr(1.0), Rating: "好"},
		{Number: "E012", Name: "李娜", Services: 8, Delivered: 7, Answered: 5, Satisfied: 4, Satisfaction: ptr(0.8), Rating: "较好"},
		{Number: "E015", Name: "赵强", Services: 5, Delivered: 3, Answered: 1, Satisfied: 1, Satisfaction: ptr(1.0), Rating: "—"},
		{Number: "E020", Name: "孙悦", Services: 1, Satisfaction: nil, Rating: "—"},
	}
	m.Revisits = fixtureRevisits()
	m.Trend = fixtureTrend()
	return m
}

func fixtureTickets() []report.Row {
	var rows []report.Row
	for i := range 24 {
		p := problems[i%len(problems)]
		s := staff[i%len(staff)]
		reported := november(1+(i*9)%30, 8+i%10, (i*13)%60)
		r := report.Row{
			Ticket: int64(1001 + i), StaffName: s[0], StaffNumber: s[1],
			Customer: []string{"张医生", "刘护士长", "陈主任", "周老师"}[i%4], Unit: "市中心医院",
			Room: []string{"门诊楼 203", "住院部 5 楼护士站", "信息科", ""}[i%4], ReportedAt: reported,
			Problem: p.text, Resolution: p.resolution, Kind: p.kind, Category: p.category, Severity: p.severity,
			Channel: []string{"微信", "电话", "微信", "Telegram"}[i%4], Status: "已解决",
		}
		if i == 5 || i == 17 {
			r.Status, r.Resolution = "处理中", ""
		} else {
			r.ResolvedAt = ptr(reported.Add(time.Duration(i%5+1) * 97 * time.Minute))
			r.Handling = []string{"电话", "远程", "现场"}[i%3]
		}
		rows = append(rows, r)
	}
	return rows
}

// summarize counts the rows as the report's builder would.
func summarize(rows []report.Row) report.Summary {
	s := report.Summary{Opened: len(rows)}
	kind, sev, channel, status := counter{}, counter{}, counter{}, counter{}
	for _, r := range rows {
		if r.ResolvedAt != nil {
			s.Resolved++
		} else {
			s.OpenAtEnd++
		}
		kind.add(r.Kind, r.Kind)
		sev.add(strconv.Itoa(r.Severity), severityLabels[r.Severity])
		channel.add(r.Channel, r.Channel)
		status.add(r.Status, r.Status)
	}
	s.ByKind, s.BySeverity, s.ByChannel, s.ByStatus = kind.counts, sev.counts, channel.counts, status.counts
	return s
}

// counter counts values in the order they first appear.
type counter struct{ counts []report.Count }

func (c *counter) add(key, label string) {
	for i := range c.counts {
		if c.counts[i].Key == key {
			c.counts[i].N++
			return
		}
	}
	c.counts = append(c.counts, report.Count{Key: key, Label: label, N: 1})
}

func daily(rows []report.Row) []report.Day {
	days := make([]report.Day, 30)
	for i := range days {
		days[i].Date = november(i+1, 0, 0).Format("2006-01-02")
	}
	for _, r := range rows {
		days[r.ReportedAt.Day()-1].Opened++
		if r.ResolvedAt != nil && r.ResolvedAt.Month() == time.November {
			days[r.ResolvedAt.Day()-1].Resolved++
		}
	}
	return days
}

func fixtureSLA() report.SLA {
	by := []report.SeverityOnTime{
		{Severity: 1, Response: report.OnTime{Met: 2, Missed: 1}, Resolution: report.OnTime{Met: 2, Missed: 1}},
		{Severity: 2, Response: report.OnTime{Met: 6}, Resolution: report.OnTime{Met: 4, Missed: 1, Pending: 1}},
		{Severity: 3, Response: report.OnTime{Met: 8, Missed: 1}, Resolution: report.OnTime{Met: 8, Pending: 1}},
		{Severity: 4, Response: report.OnTime{Met: 3}, Resolution: report.OnTime{Met: 4}},
		{Severity: 5, Response: report.OnTime{Met: 2}},
	}
	for i := range by {
		by[i].Label = severityLabels[by[i].Severity]
	}
	actual := november(7, 11, 5)
	return report.SLA{
		Response:   report.OnTime{Met: 21, Missed: 2},
		Resolution: report.OnTime{Met: 18, Missed: 2, Pending: 2},
		BySeverity: by,
		Breaches: []report.Breach{
			{Ticket: 1007, Unit: "市中心医院", Severity: 1, Goal: "response", GoalLabel: "响应", Due: november(7, 8, 30), Actual: ptr(november(7, 9, 5)), Late: 35 * time.Minute, Staff: "王磊"},
			{Ticket: 1007, Unit: "市中心医院", Severity: 1, Goal: "resolution", GoalLabel: "解决", Due: november(7, 8, 35), Actual: &actual, Late: 150 * time.Minute, Escalations: 2, Staff: "王磊"},
			{Ticket: 1012, Unit: "市中心医院", Severity: 3, Goal: "response", GoalLabel: "响应", Due: november(9, 17, 0), Actual: ptr(november(9, 17, 50)), Late: 50 * time.Minute, Escalations: 1, Staff: "赵强"},
			{Ticket: 1018, Unit: "市中心医院", Severity: 2, Goal: "resolution", GoalLabel: "解决", Due: november(29, 6, 0), Late: 51 * time.Hour, Escalations: 3, Staff: "李娜"},
		},
	}
}

func fixtureRevisits() report.Revisits {
	count := func(label string, n int) report.Count { return report.Count{Key: label, Label: label, N: n} }
	return report.Revisits{
		Target: 0.9,
		Total: report.Tally{Label: "合计", Asked: 24, Answered: 17, Satisfied: 15,
			Participation: ptr(17.0 / 24), Satisfaction: ptr(15.0 / 17), MeetsTarget: ptr(false)},
		AfterTicket: report.Tally{Label: "服务后回访", Asked: 18, Answered: 13, Satisfied: 12,
			Participation: ptr(13.0 / 18), Satisfaction: ptr(12.0 / 13), MeetsTarget: ptr(true)},
		Rounds: []report.Tally{{Label: "2026年第四季度回访", Asked: 6, Answered: 4, Satisfied: 3,
			Participation: ptr(4.0 / 6), Satisfaction: ptr(3.0 / 4), MeetsTarget: ptr(false)}},
		Questions: []report.Question{
			{Key: "overall", Text: "您对本次服务的总体评价", Answers: 17, Values: []report.Count{count("满意", 10), count("较满意", 5), count("一般", 1), count("不满意", 1)}},
			{Key: "speed", Text: "响应速度", Answers: 17, Values: []report.Count{count("及时", 12), count("较及时", 3), count("一般", 1), count("较慢", 1)}},
			{Key: "solved", Text: "问题是否已解决", Answers: 17, Values: []report.Count{count("是", 16), count("否", 1)}},
		},
	}
}

// fixtureTrend is December 2025 to November 2026; February, the Spring
// Festival, had no ticket and no survey answer.
func fixtureTrend() []report.Trend {
	opened := []int{18, 21, 0, 25, 19, 23, 30, 27, 22, 26, 20, 24}
	onTime := []float64{0.86, 0.9, 0, 0.92, 0.89, 0.95, 0.83, 0.88, 0.91, 0.94, 0.9, 39.0 / 43}
	sat := []float64{0.88, 0.92, 0, 0.9, 0.93, 0.91, 0.85, 0.89, 0.94, 0.92, 0.95, 15.0 / 17}
	var ts []report.Trend
	for i := range 12 {
		month := time.Date(2025, 12+time.Month(i), 1, 0, 0, 0, 0, cst).Format("2006-01")
		t := report.Trend{Month: month, Opened: opened[i]}
		if opened[i] > 0 {
			t.OnTime, t.Satisfaction = ptr(onTime[i]), ptr(sat[i])
		}
		ts = append(ts, t)
	}
	return ts
}

// emptyMonth is a month without tickets: nothing opened, resolved or open.
func emptyMonth() *report.Monthly {
	m := &report.Monthly{Month: "2026-02", Title: "2026年2月系统服务月报（全部单位）",
		From: time.Date(2026, 2, 1, 0, 0, 0, 0, cst), To: time.Date(2026, 3, 1, 0, 0, 0, 0, cst), GeneratedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, cst)}
	for d := range 28 {
		m.Daily = append(m.Daily, report.Day{Date: fmt.Sprintf("2026-02-%02d", d+1)})
	}
	// March 2025 to this February, which had no figures.
	for i, t := range fixtureTrend()[:11] {
		t.Month = time.Date(2025, 3+time.Month(i), 1, 0, 0, 0, 0, cst).Format("2006-01")
		m.Trend = append(m.Trend, t)
	}
	m.Trend = append(m.Trend, report.Trend{Month: "2026-02"})
	m.Revisits.Target = 0.9
	return m
}
