package reportpage

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/report"
)

// newCharts draws the report's three charts; a chart with nothing to show
// is left out (the empty string), and the page says so in words.
func newCharts(m *report.Monthly) chartsView {
	var v chartsView
	if len(m.Daily) > 0 && !m.Empty() {
		v.Daily = dailyChart(m.Daily, m.Month)
	}
	if anyDecided(m.SLA.BySeverity) {
		v.Severity = severityChart(m.SLA.BySeverity)
	}
	if len(m.Trend) > 0 {
		v.Trend = trendChart(m.Trend, m.Revisits.Target)
	}
	return v
}

func anyDecided(rows []report.SeverityOnTime) bool {
	for _, r := range rows {
		if r.Response.Decided()+r.Resolution.Decided() > 0 {
			return true
		}
	}
	return false
}

// dailyChart is the tickets opened and resolved on each day of the month,
// side by side.
func dailyChart(days []report.Day, month string) template.HTML {
	top, opened, resolved := 0, 0, 0
	for _, d := range days {
		top = max(top, d.Opened, d.Resolved)
		opened += d.Opened
		resolved += d.Resolved
	}
	desc := fmt.Sprintf("%s每天新增和解决的工单数：全月新增 %d 单，解决 %d 单，单日最多 %d 单。", monthTitle(month), opened, resolved, top)
	s := newSVG("daily", "每日工单数", desc, 440, 240, 34, 12, 44, 46)
	sc := countScale(float64(top))
	s.legend(legendItem{label: "新增", color: colOpened}, legendItem{label: "解决", color: colResolved})
	s.grid(sc, false, "工单数（单）")
	slot := (s.x1 - s.x0) / float64(len(days))
	bw := math.Min(slot*0.4, 10)
	for i, d := range days {
		cx := s.x0 + slot*(float64(i)+0.5)
		day := dayOfMonth(d.Date, i+1)
		s.bar(cx-bw-0.3, bw, float64(d.Opened), sc, colOpened, fmt.Sprintf("%d日 新增 %d 单", day, d.Opened))
		s.bar(cx+0.3, bw, float64(d.Resolved), sc, colResolved, fmt.Sprintf("%d日 解决 %d 单", day, d.Resolved))
		if day == 1 || day%5 == 0 {
			s.xLabel(cx, 0, strconv.Itoa(day))
		}
	}
	s.baseline("日期（" + monthTitle(month) + "）")
	return s.html()
}

// dayOfMonth is the day of a "2026-11-03" date, or fallback.
func dayOfMonth(date string, fallback int) int {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		return fallback
	}
	return t.Day()
}

// severityChart is each severity's response and resolution deadlines met,
// as a share of those decided.
func severityChart(rows []report.SeverityOnTime) template.HTML {
	var parts []string
	for _, r := range rows {
		parts = append(parts, fmt.Sprintf("%s：响应 %s，解决 %s", r.Label, onTimeRate(r.Response), onTimeRate(r.Resolution)))
	}
	s := newSVG("severity", "各级别按时率", "各级别工单按时响应和按时解决的比例。"+strings.Join(parts, "；")+"。", 440, 250, 40, 12, 44, 46)
	sc := percentScale()
	s.legend(legendItem{label: "响应按时率", color: colResponse}, legendItem{label: "解决按时率", color: colResolution})
	s.grid(sc, false, "按时率")
	slot := (s.x1 - s.x0) / float64(len(rows))
	bw := math.Min(slot*0.34, 26)
	for i, r := range rows {
		cx := s.x0 + slot*(float64(i)+0.5)
		label := severityName(map[int]string{r.Severity: r.Label}, r.Severity)
		s.rateBar(cx-bw-2, bw, r.Response, sc, colResponse, label+" 响应按时率")
		s.rateBar(cx+2, bw, r.Resolution, sc, colResolution, label+" 解决按时率")
		s.xLabel(cx, 0, label)
	}
	s.baseline("级别")
	return s.html()
}

// rateBar draws an OnTime's rate with its value above the bar, or a dash
// when nothing was decided.
func (s *svg) rateBar(x, width float64, o report.OnTime, sc scale, color, name string) {
	r, ok := o.Rate()
	label := none
	if ok {
		label = strconv.Itoa(int(math.Round(r*100))) + "%"
		s.bar(x, width, r, sc, color, fmt.Sprintf("%s %s（按时 %d，超时 %d）", name, percent(r), o.Met, o.Missed))
	}
	y := s.y1 - 4
	if ok {
		y = s.y(r, sc) - 4
	}
	s.printf(`<text x="%s" y="%s" text-anchor="middle" font-size="10">%s</text>`, num(x+width/2), num(y), esc(label))
}

// trendChart is the last 12 months: tickets opened as bars on the left
// scale, the on-time rate and satisfaction as lines on the right one, and
// the satisfaction target as a dashed line.
func trendChart(ts []report.Trend, target float64) template.HTML {
	top := 0
	for _, t := range ts {
		top = max(top, t.Opened)
	}
	first, last := ts[0].Month, ts[len(ts)-1].Month
	desc := fmt.Sprintf("%s至%s每月新增工单数、按时率和满意度。", monthTitle(first), monthTitle(last))
	s := newSVG("trend", "近12个月趋势", desc, 440, 260, 34, 40, 44, 50)
	// The bars keep to the lower part, under the lines of percentages,
	// which mostly run near the top.
	cs, ps := countScale(float64(top)*1.6), percentScale()
	items := []legendItem{{label: "新增工单", color: colTrendBar}, {label: "按时率", color: colOnTime, line: true}, {label: "满意度", color: colSatisfied, line: true}}
	if target > 0 {
		items = append(items, legendItem{label: "满意度目标", color: colTarget, dashed: true})
	}
	s.legend(items...)
	s.grid(cs, false, "工单数（单）")
	s.grid(ps, true, "百分比")
	slot := (s.x1 - s.x0) / float64(len(ts))
	bw := math.Min(slot*0.55, 18)
	firstYear := len(ts) < 2 || !strings.HasSuffix(ts[1].Month, "-01")
	xs := make([]float64, len(ts))
	onTime, satisfied := make([]*float64, len(ts)), make([]*float64, len(ts))
	for i, t := range ts {
		xs[i] = s.x0 + slot*(float64(i)+0.5)
		onTime[i], satisfied[i] = t.OnTime, t.Satisfaction
		s.bar(xs[i]-bw/2, bw, float64(t.Opened), cs, colTrendBar, fmt.Sprintf("%s 新增 %d 单", monthTitle(t.Month), t.Opened))
		s.monthLabel(xs[i], t.Month, i == 0 && firstYear)
	}
	if target > 0 {
		y := s.y(target, ps)
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="4 3"/>`, num(s.x0), num(y), num(s.x1), num(y), colTarget)
	}
	s.series(xs, onTime, ts, ps, colOnTime, "按时率")
	s.series(xs, satisfied, ts, ps, colSatisfied, "满意度")
	s.baseline("月份")
	return s.html()
}

// monthLabel writes "11月" under a month, and the year under every
// January and under the first month when told (not when a January
// follows it: the two years would run into each other).
func (s *svg) monthLabel(x float64, month string, first bool) {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		s.xLabel(x, 0, month)
		return
	}
	s.xLabel(x, 0, strconv.Itoa(int(t.Month()))+"月")
	if first || t.Month() == time.January {
		s.xLabel(x, 1, strconv.Itoa(t.Year())+"年")
	}
}

// series draws a line through the values that exist, broken where one is
// nil, with a dot on each.
func (s *svg) series(xs []float64, vs []*float64, ts []report.Trend, sc scale, color, name string) {
	var d strings.Builder
	pen := false
	for i, v := range vs {
		if v == nil {
			pen = false
			continue
		}
		d.WriteString(map[bool]string{false: "M", true: "L"}[pen] + num(xs[i]) + " " + num(s.y(*v, sc)) + " ")
		pen = true
	}
	if d.Len() == 0 {
		return
	}
	s.printf(`<path d="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>`, strings.TrimSpace(d.String()), color)
	for i, v := range vs {
		if v != nil {
			s.printf(`<circle cx="%s" cy="%s" r="3.5" fill="%s" stroke="#fff" stroke-width="1"><title>%s</title></circle>`,
				num(xs[i]), num(s.y(*v, sc)), color, esc(monthTitle(ts[i].Month)+" "+name+" "+percent(*v)))
		}
	}
}
