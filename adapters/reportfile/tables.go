package reportfile

import (
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/report"
)

// slaTable is the SLA sheet: each severity's response and resolution
// deadlines met, missed and pending, and the on-time rate, then 合计. The
// chart of on-time rates reads its first len(sla.BySeverity) rows.
func slaTable(sla report.SLA) table {
	cols := []column{
		{name: "级别"},
		{name: "响应按时"}, {name: "响应超时"}, {name: "响应未到期"}, {name: "响应按时率", kind: shareCol},
		{name: "解决按时"}, {name: "解决超时"}, {name: "解决未到期"}, {name: "解决按时率", kind: shareCol},
	}
	row := func(name string, resp, res report.OnTime) []any {
		return []any{name,
			resp.Met, resp.Missed, resp.Pending, rate(resp),
			res.Met, res.Missed, res.Pending, rate(res)}
	}
	labels := severityLabels(sla.BySeverity)
	rows := make([][]any, 0, len(sla.BySeverity)+1)
	for _, s := range sla.BySeverity {
		rows = append(rows, row(severityName(labels, s.Severity), s.Response, s.Resolution))
	}
	rows = append(rows, row("合计", sla.Response, sla.Resolution))
	return table{title: sheetSLA, cols: cols, rows: rowsOf(rows)}
}

// breachTable is 超时明细: one row per missed deadline.
func breachTable(breaches []report.Breach, labels map[int]string) table {
	cols := []column{
		{name: "工单"}, {name: "单位"}, {name: "级别"}, {name: "目标"}, {name: "承诺时间"},
		{name: "实际时间"}, {name: "超时"}, {name: "升级次数"}, {name: "处理人"},
	}
	rows := func(yield func([]any) bool) {
		row := make([]any, len(cols))
		for _, b := range breaches {
			row[0], row[1], row[2] = b.Ticket, b.Unit, severityName(labels, b.Severity)
			row[3], row[4] = orDefault(b.GoalLabel, b.Goal), clock(b.Due)
			row[5], row[6] = clockOr(b.Actual, unmet), duration(b.Late)
			row[7], row[8] = b.Escalations, b.Staff
			if !yield(row) {
				return
			}
		}
	}
	return table{title: sheetBreaches, cols: cols, rows: rows}
}

// problemTables are 常见问题: the categories ranked, with their share of
// the categorised tickets, then the groups of similar descriptions.
func problemTables(p report.Problems) []table {
	total := 0
	for _, c := range p.Categories {
		total += c.N
	}
	cats := make([][]any, len(p.Categories))
	for i, c := range p.Categories {
		cats[i] = []any{i + 1, label(c), c.N, shareOf(c.N, total)}
	}
	groups := make([][]any, len(p.Groups))
	for i, g := range p.Groups {
		groups[i] = []any{i + 1, g.Sample, len(g.Tickets), ticketList(g.Tickets)}
	}
	return []table{{
		title: sheetProblems,
		cols:  []column{{name: "排名"}, {name: "分类"}, {name: "工单数"}, {name: "比例", kind: shareCol}},
		rows:  rowsOf(cats),
	}, {
		title: sheetProblems + "（相似描述）",
		cols:  []column{{name: "组"}, {name: "描述示例", kind: wrapCol}, {name: "工单数"}, {name: "工单号", kind: wrapCol}},
		rows:  rowsOf(groups),
	}}
}

// ticketTable is 系统服务单: every field of each of the month's tickets.
// It streams: one row slice serves all the tickets.
func ticketTable(tickets []report.Row, labels map[int]string) table {
	cols := []column{
		{name: "工单号"}, {name: "工作人员姓名"}, {name: "工号"}, {name: "客户姓名"}, {name: "客户单位"},
		{name: "房间号"}, {name: "报修时间"}, {name: "解决时间"}, {name: "电话/远程/现场"},
		{name: "问题描述", kind: wrapCol}, {name: "解决情况", kind: wrapCol},
		{name: "类型"}, {name: "分类"}, {name: "级别"}, {name: "渠道"}, {name: "状态"},
	}
	rows := func(yield func([]any) bool) {
		row := make([]any, len(cols))
		for i := range tickets {
			t := &tickets[i]
			row[0], row[1], row[2], row[3], row[4] = t.Ticket, t.StaffName, t.StaffNumber, t.Customer, t.Unit
			row[5], row[6], row[7] = t.Room, clock(t.ReportedAt), clockOr(t.ResolvedAt, none)
			row[8], row[9], row[10] = orDefault(t.Handling, none), t.Problem, t.Resolution
			row[11], row[12], row[13] = t.Kind, t.Category, severityName(labels, t.Severity)
			row[14], row[15] = t.Channel, t.Status
			if !yield(row) {
				return
			}
		}
	}
	return table{title: sheetTickets, cols: cols, rows: rows}
}

// staffTable is 人员情况统计表.
func staffTable(staff []report.Staff) table {
	cols := []column{
		{name: "编号"}, {name: "姓名"}, {name: "服务次数"}, {name: "送达"}, {name: "已答"},
		{name: "满意"}, {name: "满意率", kind: shareCol}, {name: "评定"},
	}
	rows := make([][]any, len(staff))
	for i, s := range staff {
		rows[i] = []any{s.Number, s.Name, s.Services, s.Delivered, s.Answered,
			s.Satisfied, sharePtr(s.Satisfaction), orDefault(s.Rating, none)}
	}
	return table{title: sheetStaff, cols: cols, rows: rowsOf(rows)}
}

// revisitTables are 用户回访统计表: the surveys in total, after tickets and
// by round against the target, then each question's answers by value.
func revisitTables(r report.Revisits) []table {
	tallies := append([]report.Tally{r.Total, r.AfterTicket}, r.Rounds...)
	defaults := []string{"合计", "工单回访"}
	rows := make([][]any, len(tallies))
	for i, t := range tallies {
		name := t.Label
		if i < len(defaults) {
			name = orDefault(name, defaults[i])
		}
		rows[i] = []any{name, t.Asked, t.Answered, sharePtr(t.Participation),
			t.Satisfied, sharePtr(t.Satisfaction), yesNo(t.MeetsTarget)}
	}
	var answers [][]any
	for _, q := range r.Questions {
		for _, v := range q.Values {
			answers = append(answers, []any{orDefault(q.Text, q.Key), q.Answers, label(v), v.N, shareOf(v.N, q.Answers)})
		}
	}
	return []table{{
		title: sheetRevisits,
		cols: []column{{name: "问卷/轮次"}, {name: "送达"}, {name: "已答"}, {name: "参与率", kind: shareCol},
			{name: "满意"}, {name: "满意率", kind: shareCol}, {name: "达标（目标" + bot.Percent(r.Target) + "）"}},
		rows: rowsOf(rows),
	}, {
		title: sheetRevisits + "（问题）",
		cols: []column{{name: "问题", kind: wrapCol}, {name: "回答数"}, {name: "选项"}, {name: "人数"},
			{name: "比例", kind: shareCol}},
		rows: rowsOf(answers),
	}}
}

// dailyTable is 每日: each day's tickets opened and resolved.
func dailyTable(days []report.Day) table {
	rows := make([][]any, len(days))
	for i, d := range days {
		rows[i] = []any{d.Date, d.Opened, d.Resolved}
	}
	cols := []column{{name: "日期"}, {name: "新建"}, {name: "解决"}}
	return table{title: sheetDaily, cols: cols, rows: rowsOf(rows)}
}

// trendTable is 趋势: the 12 months' tickets opened, on-time rate and
// satisfaction.
func trendTable(trend []report.Trend) table {
	rows := make([][]any, len(trend))
	for i, t := range trend {
		rows[i] = []any{t.Month, t.Opened, sharePtr(t.OnTime), sharePtr(t.Satisfaction)}
	}
	cols := []column{{name: "月份"}, {name: "新建"}, {name: "按时率", kind: shareCol}, {name: "满意率", kind: shareCol}}
	return table{title: sheetTrend, cols: cols, rows: rowsOf(rows)}
}

// onSiteTables are 上门与巡检: each unit's visits against the times
// promised, then the recurring work owed against what was done, each with
// its total line.
func onSiteTables(o report.OnSite) []table {
	visits := make([][]any, len(o.Visits))
	for i, v := range o.Visits {
		visits[i] = []any{v.Unit, v.Promised, v.OnTime, v.Late, v.Pending, shareOf(v.OnTime, v.OnTime+v.Late)}
	}
	upkeep := make([][]any, len(o.Maintenance))
	for i, u := range o.Maintenance {
		upkeep[i] = []any{u.Unit, orDefault(u.Kind, "—"), u.Owed, u.Done, u.Late, u.Open}
	}
	return []table{{
		title: sheetOnSite,
		cols: []column{{name: "单位"}, {name: "承诺上门"}, {name: "按时到场"}, {name: "超时"}, {name: "未到期"},
			{name: "按时率", kind: shareCol}},
		rows: rowsOf(visits),
	}, {
		title: sheetOnSite + "（定期维护）",
		cols:  []column{{name: "单位"}, {name: "项目"}, {name: "应做"}, {name: "按时完成"}, {name: "超时"}, {name: "未到期"}},
		rows:  rowsOf(upkeep),
	}}
}
