package reportfile

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/hotline-desk/hotline/bot/report"
)

// sheetCharts is the sheet of charts, written in excelize's normal mode
// (it has no table). The charts are not on the table sheets because
// excelize's normal functions, AddChart among them, are not to be mixed
// with its stream writer on one sheet: a chart added after Flush is lost
// (qax-os/excelize#1766), one added before gets a drawing element the
// stream writer does not write as the normal writer does.
const sheetCharts = "图表"

// placedChart is a chart and the cell of its top left corner.
type placedChart struct {
	cell  string
	chart *excelize.Chart
	combo []*excelize.Chart // drawn over chart, on a secondary axis
}

// Chart size in pixels and the rows between the corners of stacked charts.
const (
	chartWidth   = 640
	chartHeight  = 300
	chartRowStep = 17
)

// writeCharts fills 图表: a caption, then the charts one below the other;
// in an empty month the caption says so and there is no chart.
func writeCharts(f *excelize.File, st styles, m *report.Monthly) error {
	caption := "数据见“每日”“SLA”“趋势”工作表"
	if m.Empty() {
		caption = noTickets
	}
	if err := f.SetCellStr(sheetCharts, "A1", caption); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheetCharts, "A1", "A1", st.title); err != nil {
		return err
	}
	if m.Empty() {
		return nil
	}
	for _, c := range charts(m) {
		if err := f.AddChart(sheetCharts, c.cell, c.chart, c.combo...); err != nil {
			return fmt.Errorf("add chart at %s: %w", c.cell, err)
		}
	}
	return nil
}

// charts are the charts of 图表, each reading a table sheet's rows:
// tickets per day (每日), the on-time rate by severity (SLA), and the
// 12-month trend (趋势) with the tickets opened on the left axis and the
// on-time rate and satisfaction on the right. A chart with no rows to
// read is left out.
func charts(m *report.Monthly) []placedChart {
	var out []placedChart
	add := func(n int, c *excelize.Chart, combo ...*excelize.Chart) {
		if n == 0 {
			return
		}
		cell := fmt.Sprintf("A%d", 3+len(out)*chartRowStep)
		out = append(out, placedChart{cell: cell, chart: c, combo: combo})
	}
	add(len(m.Daily), dailyChart(len(m.Daily)))
	add(len(m.SLA.BySeverity), slaChart(len(m.SLA.BySeverity)))
	add(len(m.Trend), trendChart(len(m.Trend)), trendRatesChart(len(m.Trend)))
	return out
}

// dailyChart is a column chart of each day's tickets opened and resolved.
func dailyChart(days int) *excelize.Chart {
	return baseChart(excelize.Col, "每日工单", []excelize.ChartSeries{
		series(sheetDaily, "B", "A", days),
		series(sheetDaily, "C", "A", days),
	})
}

// slaChart is a column chart of each severity's response and resolution
// on-time rates.
func slaChart(severities int) *excelize.Chart {
	c := baseChart(excelize.Col, "各级别按时率", []excelize.ChartSeries{
		series(sheetSLA, "E", "A", severities),
		series(sheetSLA, "I", "A", severities),
	})
	c.YAxis = percentAxis(false)
	return c
}

// trendChart is the line of tickets opened each month of the trend.
func trendChart(months int) *excelize.Chart {
	c := baseChart(excelize.Line, "近12个月趋势", []excelize.ChartSeries{
		series(sheetTrend, "B", "A", months),
	})
	c.YAxis = excelize.ChartAxis{MajorGridLines: true, Title: axisTitle("工单数")}
	return c
}

// trendRatesChart is drawn over trendChart: the on-time rate and
// satisfaction, on the secondary axis; a month without them is a gap.
func trendRatesChart(months int) *excelize.Chart {
	c := baseChart(excelize.Line, "", []excelize.ChartSeries{
		series(sheetTrend, "C", "A", months),
		series(sheetTrend, "D", "A", months),
	})
	c.YAxis = percentAxis(true)
	return c
}

// baseChart is a chart of the report's size with its title and the legend
// below.
func baseChart(t excelize.ChartType, title string, s []excelize.ChartSeries) *excelize.Chart {
	varyColors := false // one colour a series, not a bar
	c := &excelize.Chart{
		Type:         t,
		Series:       s,
		VaryColors:   &varyColors,
		Dimension:    excelize.ChartDimension{Width: chartWidth, Height: chartHeight},
		Legend:       excelize.ChartLegend{Position: "bottom"},
		ShowBlanksAs: "gap",
	}
	if title != "" {
		c.Title = excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}}
	}
	return c
}

// percentAxis is a value axis from 0% to 100%.
func percentAxis(secondary bool) excelize.ChartAxis {
	lo, hi := 0.0, 1.0
	return excelize.ChartAxis{
		MajorGridLines: !secondary,
		Secondary:      secondary,
		Minimum:        &lo,
		Maximum:        &hi,
		NumFmt:         excelize.ChartNumFmt{CustomNumFmt: "0%"},
	}
}

// axisTitle is an axis's title text.
func axisTitle(s string) excelize.ChartTitle {
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s}}}
}

// series is the values of column col of rows 2..n+1 of a sheet, named by
// its header, against the categories in column cat.
func series(sheet, col, cat string, n int) excelize.ChartSeries {
	return excelize.ChartSeries{
		Name:       fmt.Sprintf("'%s'!$%s$1", sheet, col),
		Categories: fmt.Sprintf("'%s'!$%s$2:$%s$%d", sheet, cat, cat, n+1),
		Values:     fmt.Sprintf("'%s'!$%s$2:$%s$%d", sheet, col, col, n+1),
	}
}
