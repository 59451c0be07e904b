// Package reportfile renders the monthly service report (report.Monthly)
// as files people open in a spreadsheet: an XLSX workbook with one sheet
// per table and a sheet of native charts (WriteXLSX), and one UTF-8 CSV
// made of the same tables in the same order (WriteCSV).
//
// Both formats are built from one format-neutral description of the
// tables (sheets), so they cannot drift apart. The cells follow these
// rules in both:
//
//   - counts and ticket numbers are numbers;
//   - shares (on-time rate, satisfaction, participation, share of a
//     breakdown) are fractions rounded to four decimals, 0.8333: in XLSX a
//     number with the percent format 0.0%, in CSV the decimal itself, in a
//     column whose header says 比例;
//   - a share with nothing to divide by (a nil *float64, no deadline
//     decided, no answer) is an empty cell;
//   - times are text "2006-01-02 15:04" as the report holds them (already
//     in the policy's zone); a time that has not happened yet is "—"
//     (解决时间 of an open ticket), or 未完成 for a missed deadline still
//     unmet; a yes/no that cannot be told (达标 without answers) is "—";
//   - durations are readable Chinese text: 2小时30分, 45秒, 0分.
//
// A month without tickets (Monthly.Empty) gives a 概要 that says 本月无工单,
// every other table with its headers only, and no charts.
package reportfile

import (
	"iter"
	"slices"

	"github.com/hotline-desk/hotline/bot/report"
)

// The sheet names, also the CSV section titles of their first tables.
const (
	sheetSummary  = "概要"
	sheetSLA      = "SLA"
	sheetBreaches = "超时明细"
	sheetProblems = "常见问题"
	sheetTickets  = "系统服务单"
	sheetStaff    = "人员情况统计表"
	sheetRevisits = "用户回访统计表"
	sheetDaily    = "每日"
	sheetTrend    = "趋势"
	sheetOnSite   = "上门与巡检"
)

// kind tells how a column's cells are laid out.
type kind uint8

const (
	plainCol kind = iota // short text or numbers
	wrapCol              // long text: wrapped, width capped
	shareCol             // fractions shown as percentages
)

// column is one column of a table.
type column struct {
	name string
	kind kind
}

// share is a fraction (0.8333) written as a percentage in XLSX and as a
// decimal in CSV. Build it with shareOf, which rounds it.
type share float64

// table is a header and rows. A row is a slice of cells: string, int,
// int64, share or nil (an empty cell). The slice yielded may be reused for
// the next row, so a consumer copies what it keeps.
type table struct {
	title string // the CSV section title; in XLSX the title row of a table after the first
	cols  []column
	rows  iter.Seq[[]any]
}

// sheet is one sheet of the workbook: its tables one below the other.
type sheet struct {
	name   string
	tables []table
}

// sheets describes every table of the report, in the order of the
// workbook's sheets and the CSV's sections.
func sheets(m *report.Monthly) []sheet {
	labels := severityLabels(m.SLA.BySeverity)
	out := []sheet{
		{sheetSummary, []table{summaryTable(m)}},
		{sheetSLA, []table{slaTable(m.SLA)}},
		{sheetBreaches, []table{breachTable(m.SLA.Breaches, labels)}},
		{sheetProblems, problemTables(m.Problems)},
		{sheetTickets, []table{ticketTable(m.Tickets, labels)}},
		{sheetStaff, []table{staffTable(m.Staff)}},
		{sheetRevisits, revisitTables(m.Revisits)},
		{sheetDaily, []table{dailyTable(m.Daily)}},
		{sheetTrend, []table{trendTable(m.Trend)}},
		{sheetOnSite, onSiteTables(m.OnSite)},
	}
	if m.Empty() {
		for _, s := range out[1:] {
			for j := range s.tables {
				s.tables[j].rows = noRows
			}
		}
	}
	return out
}

// rowsOf yields the rows of a small table built in memory.
func rowsOf(rows [][]any) iter.Seq[[]any] { return slices.Values(rows) }

// noRows yields nothing: a table with its headers only.
func noRows(func([]any) bool) {}
