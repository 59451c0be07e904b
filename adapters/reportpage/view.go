package reportpage

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/hotline-desk/hotline/bot/report"
)

// pageView is the report as the template shows it: every figure already
// written as text, so the template only lays it out.
type pageView struct {
	Title      string
	Unit       string
	Period     string
	Generated  string
	Empty      bool
	Summary    summaryView
	SLA        slaView
	Breaches   []breachView
	Times      []spreadView
	TimesAny   bool
	Categories []countView
	Groups     []groupView
	Tickets    []ticketView
	Staff      []staffView
	Revisits   revisitView
	Trend      []trendView
	Visits     []report.VisitLine
	Upkeep     []report.UpkeepLine
	Charts     chartsView
}

type chartsView struct {
	Daily, Severity, Trend template.HTML
}

type summaryView struct {
	Opened, Resolved, OpenAtEnd int
	Tables                      []countTable
}

type countTable struct {
	Title string
	Rows  []countView
}

type countView struct {
	Label string
	N     int
	Share string
}

type onTimeView struct {
	Label                string
	Met, Missed, Pending int
	Rate                 string
	Total                bool
}

// goalTable is one goal's deadlines (响应 or 解决), a line per severity
// and the total.
type goalTable struct {
	Title string
	Rows  []onTimeView
}

type slaView struct {
	Response, Resolution onTimeView
	Tables               []goalTable
	Pending              int  // deadlines not yet due, response and resolution
	Any                  bool // some deadline fell in the month, kept, missed or pending
}

type breachView struct {
	Ticket, Unit, Severity, Goal, Due, Actual, Late, Staff string
	Escalations                                            int
	Unmet                                                  bool
}

type spreadView struct {
	Goal                                             string
	N                                                int
	BusinessMedian, BusinessP90, WallMedian, WallP90 string
}

type groupView struct {
	Sample  string
	Count   int
	Tickets string
}

// ticketView is one service ticket; Handled is how and when it was
// resolved ("远程 · 11-03 11:40 解决"), or 未解决.
type ticketView struct {
	Number, Staff, Customer, Unit, Room, Reported, Handled         string
	Problem, Resolution, Kind, Category, Severity, Channel, Status string
	Open                                                           bool
}

type staffView struct {
	Number, Name                             string
	Services, Delivered, Answered, Satisfied int
	Satisfaction, Rating                     string
}

type tallyView struct {
	Label                                string
	Asked, Answered, Satisfied           int
	Participation, Satisfaction, Verdict string
	Meets, Misses, Total                 bool
}

type questionView struct {
	Text    string
	Answers int
	Values  []countView
}

type revisitView struct {
	Target    string
	Rows      []tallyView
	Questions []questionView
	Any       bool
}

type trendView struct {
	Month, OnTime, Satisfaction string
	Opened                      int
}

// newView turns the report into what the template shows.
func newView(m *report.Monthly) pageView {
	year := m.From.Year()
	labels := severityLabels(m)
	v := pageView{
		Title:      m.Title,
		Unit:       m.Unit,
		Period:     period(m),
		Generated:  m.GeneratedAt.Format("2006-01-02 15:04"),
		Empty:      m.Empty(),
		Summary:    newSummary(m.Summary),
		SLA:        newSLA(m.SLA),
		Breaches:   newBreaches(m.SLA.Breaches, labels, year),
		Times:      []spreadView{newSpread("响应", m.Times.Response), newSpread("解决", m.Times.Resolution)},
		TimesAny:   m.Times.Response.N+m.Times.Resolution.N > 0,
		Categories: counts(m.Problems.Categories, sum(m.Problems.Categories)),
		Groups:     newGroups(m.Problems.Groups),
		Tickets:    newTickets(m.Tickets, labels, year),
		Staff:      newStaff(m.Staff),
		Revisits:   newRevisits(m.Revisits),
		Trend:      newTrend(m.Trend),
		Visits:     m.OnSite.Visits,
		Upkeep:     m.OnSite.Maintenance,
		Charts:     newCharts(m),
	}
	if v.Title == "" {
		v.Title = monthTitle(m.Month) + "系统服务月报"
	}
	if v.Unit == "" {
		v.Unit = "全部单位"
	}
	if m.GeneratedAt.IsZero() {
		v.Generated = none
	}
	return v
}

// period is the month's first and last day.
func period(m *report.Monthly) string {
	if m.From.IsZero() || m.To.IsZero() {
		return monthTitle(m.Month)
	}
	return m.From.Format("2006-01-02") + " 至 " + m.To.AddDate(0, 0, -1).Format("2006-01-02")
}

// severityLabels are the severities' names as the SLA table gives them;
// breaches and ticket rows carry only the number.
func severityLabels(m *report.Monthly) map[int]string {
	labels := map[int]string{}
	for _, s := range m.SLA.BySeverity {
		labels[s.Severity] = s.Label
	}
	for _, c := range m.Summary.BySeverity {
		if n, err := strconv.Atoi(c.Key); err == nil && labels[n] == "" {
			labels[n] = c.Label
		}
	}
	return labels
}

func sum(cs []report.Count) int {
	n := 0
	for _, c := range cs {
		n += c.N
	}
	return n
}

func counts(cs []report.Count, total int) []countView {
	out := make([]countView, 0, len(cs))
	for _, c := range cs {
		out = append(out, countView{Label: orNone(c.Label), N: c.N, Share: share(c.N, total)})
	}
	return out
}

func newSummary(s report.Summary) summaryView {
	v := summaryView{Opened: s.Opened, Resolved: s.Resolved, OpenAtEnd: s.OpenAtEnd}
	for _, t := range []struct {
		title string
		cs    []report.Count
	}{{"按类型", s.ByKind}, {"按级别", s.BySeverity}, {"按渠道", s.ByChannel}, {"按状态", s.ByStatus}} {
		if len(t.cs) > 0 {
			v.Tables = append(v.Tables, countTable{Title: t.title, Rows: counts(t.cs, sum(t.cs))})
		}
	}
	return v
}

func newOnTime(label string, o report.OnTime) onTimeView {
	return onTimeView{Label: label, Met: o.Met, Missed: o.Missed, Pending: o.Pending, Rate: onTimeRate(o)}
}

func newSLA(s report.SLA) slaView {
	v := slaView{Response: newOnTime("合计", s.Response), Resolution: newOnTime("合计", s.Resolution)}
	v.Response.Total, v.Resolution.Total = true, true
	v.Pending = s.Response.Pending + s.Resolution.Pending
	v.Any = s.Response.Decided()+s.Resolution.Decided()+v.Pending > 0
	response, resolution := goalTable{Title: "响应"}, goalTable{Title: "解决"}
	for _, r := range s.BySeverity {
		label := severityName(map[int]string{r.Severity: r.Label}, r.Severity)
		response.Rows = append(response.Rows, newOnTime(label, r.Response))
		resolution.Rows = append(resolution.Rows, newOnTime(label, r.Resolution))
	}
	response.Rows = append(response.Rows, v.Response)
	resolution.Rows = append(resolution.Rows, v.Resolution)
	v.Tables = []goalTable{response, resolution}
	return v
}

func newBreaches(bs []report.Breach, labels map[int]string, year int) []breachView {
	out := make([]breachView, 0, len(bs))
	for _, b := range bs {
		v := breachView{
			Ticket:      "#" + strconv.FormatInt(b.Ticket, 10),
			Unit:        orNone(b.Unit),
			Severity:    severityName(labels, b.Severity),
			Goal:        orNone(b.GoalLabel),
			Due:         stamp(b.Due, year),
			Actual:      "未完成",
			Late:        duration(b.Late),
			Escalations: b.Escalations,
			Staff:       orNone(b.Staff),
			Unmet:       b.Actual == nil,
		}
		if b.Actual != nil {
			v.Actual = stamp(*b.Actual, year)
		}
		out = append(out, v)
	}
	return out
}

func newSpread(goal string, s report.Spread) spreadView {
	return spreadView{
		Goal: goal, N: s.N,
		BusinessMedian: spreadTime(s.N, s.BusinessMedian), BusinessP90: spreadTime(s.N, s.BusinessP90),
		WallMedian: spreadTime(s.N, s.WallMedian), WallP90: spreadTime(s.N, s.WallP90),
	}
}

func newGroups(gs []report.Group) []groupView {
	out := make([]groupView, 0, len(gs))
	for _, g := range gs {
		nums := make([]string, len(g.Tickets))
		for i, t := range g.Tickets {
			nums[i] = "#" + strconv.FormatInt(t, 10)
		}
		out = append(out, groupView{Sample: orNone(g.Sample), Count: len(g.Tickets), Tickets: strings.Join(nums, "、")})
	}
	return out
}
