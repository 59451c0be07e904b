package reportfile

import (
	"github.com/hotline-desk/hotline/bot/report"
)

// summaryTable is 概要: what the report is about, the month's counts and
// breakdowns, the SLA kept, and how long tickets took. Its 比例 is the
// share of the row's group: of the tickets opened for a breakdown, of the
// decided deadlines for the SLA.
func summaryTable(m *report.Monthly) table {
	cols := []column{{name: "类别"}, {name: "项目"}, {name: "值"}, {name: "比例", kind: shareCol}}
	rows := [][]any{
		{"报告", "标题", m.Title, nil},
		{"报告", "月份", m.Month, nil},
		{"报告", "单位", unitLabel(m.Unit), nil},
		{"报告", "统计区间", clock(m.From) + " 至 " + clock(m.To), nil},
		{"报告", "生成时间", clock(m.GeneratedAt), nil},
	}
	if m.Empty() {
		rows = append(rows, []any{"工单", "说明", noTickets, nil})
		return table{title: sheetSummary, cols: cols, rows: rowsOf(rows)}
	}
	s := m.Summary
	rows = append(rows,
		[]any{"工单", "本月新建", s.Opened, nil},
		[]any{"工单", "本月解决", s.Resolved, nil},
		[]any{"工单", "月末未解决", s.OpenAtEnd, nil},
	)
	rows = appendCounts(rows, "按类型", s.ByKind, s.Opened)
	rows = appendCounts(rows, "按级别", s.BySeverity, s.Opened)
	rows = appendCounts(rows, "按渠道", s.ByChannel, s.Opened)
	rows = appendCounts(rows, "按状态", s.ByStatus, s.Opened)
	rows = appendOnTime(rows, "响应时限", m.SLA.Response)
	rows = appendOnTime(rows, "解决时限", m.SLA.Resolution)
	rows = appendSpread(rows, "响应用时", m.Times.Response)
	rows = appendSpread(rows, "解决用时", m.Times.Resolution)
	return table{title: sheetSummary, cols: cols, rows: rowsOf(rows)}
}

// appendCounts adds a breakdown of the tickets opened, one row a value.
func appendCounts(rows [][]any, group string, counts []report.Count, opened int) [][]any {
	for _, c := range counts {
		rows = append(rows, []any{group, label(c), c.N, shareOf(c.N, opened)})
	}
	return rows
}

// appendOnTime adds the deadlines of one goal: met and missed with their
// shares of those decided, and those still pending.
func appendOnTime(rows [][]any, group string, o report.OnTime) [][]any {
	return append(rows,
		[]any{group, "按时", o.Met, rate(o)},
		[]any{group, "超时", o.Missed, shareOf(o.Missed, o.Decided())},
		[]any{group, "未到期", o.Pending, nil},
	)
}

// appendSpread adds how many tickets were timed and their median and 90th
// percentile, in business and in wall time.
func appendSpread(rows [][]any, group string, s report.Spread) [][]any {
	return append(rows,
		[]any{group, "工单数", s.N, nil},
		[]any{group, "中位数（工作时间）", spreadTime(s, s.BusinessMedian), nil},
		[]any{group, "90%分位（工作时间）", spreadTime(s, s.BusinessP90), nil},
		[]any{group, "中位数（自然时间）", spreadTime(s, s.WallMedian), nil},
		[]any{group, "90%分位（自然时间）", spreadTime(s, s.WallP90), nil},
	)
}
