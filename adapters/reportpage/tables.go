package reportpage

import (
	"strconv"

	"github.com/hotline-desk/hotline/bot/report"
)

// newTickets writes the service tickets (系统服务单), every field of the
// form.
func newTickets(rows []report.Row, labels map[int]string, year int) []ticketView {
	out := make([]ticketView, 0, len(rows))
	for _, r := range rows {
		v := ticketView{
			Number:     "#" + strconv.FormatInt(r.Ticket, 10),
			Staff:      staffName(r.StaffName, r.StaffNumber),
			Customer:   orNone(r.Customer),
			Unit:       orNone(r.Unit),
			Room:       r.Room, // "" shows no line
			Reported:   stamp(r.ReportedAt, year),
			Handled:    "未解决",
			Problem:    orNone(r.Problem),
			Resolution: r.Resolution,
			Kind:       orNone(r.Kind),
			Category:   r.Category, // "" shows nothing after the kind
			Severity:   severityName(labels, r.Severity),
			Channel:    orNone(r.Channel),
			Status:     orNone(r.Status),
			Open:       r.ResolvedAt == nil,
		}
		if r.ResolvedAt != nil {
			v.Handled = stamp(*r.ResolvedAt, year) + " 解决"
			if r.Handling != "" {
				v.Handled = r.Handling + " · " + v.Handled
			}
			v.Resolution = orNone(r.Resolution)
		}
		out = append(out, v)
	}
	return out
}

// staffName is "王工（E007）", or whichever half is known.
func staffName(name, number string) string {
	switch {
	case name == "" && number == "":
		return "未分配"
	case number == "":
		return name
	case name == "":
		return number
	}
	return name + "（" + number + "）"
}

func newStaff(ss []report.Staff) []staffView {
	out := make([]staffView, 0, len(ss))
	for _, s := range ss {
		out = append(out, staffView{
			Number: orNone(s.Number), Name: orNone(s.Name),
			Services: s.Services, Delivered: s.Delivered, Answered: s.Answered, Satisfied: s.Satisfied,
			Satisfaction: percentOf(s.Satisfaction), Rating: orNone(s.Rating),
		})
	}
	return out
}

// newRevisits writes the revisit table: the total first, then the surveys
// after tickets, then each round, each judged against the target.
func newRevisits(r report.Revisits) revisitView {
	v := revisitView{Target: percent(r.Target), Any: r.Total.Asked > 0 || r.Total.Answered > 0}
	total := newTally(r.Total, "合计")
	total.Total = true
	v.Rows = append(v.Rows, newTally(r.AfterTicket, "服务后回访"))
	for i, t := range r.Rounds {
		v.Rows = append(v.Rows, newTally(t, "第"+strconv.Itoa(i+1)+"轮回访"))
	}
	v.Rows = append(v.Rows, total)
	for _, q := range r.Questions {
		v.Questions = append(v.Questions, questionView{Text: orNone(q.Text), Answers: q.Answers, Values: counts(q.Values, q.Answers)})
	}
	return v
}

func newTally(t report.Tally, fallback string) tallyView {
	v := tallyView{
		Label: t.Label, Asked: t.Asked, Answered: t.Answered, Satisfied: t.Satisfied,
		Participation: percentOf(t.Participation), Satisfaction: percentOf(t.Satisfaction), Verdict: none,
	}
	if v.Label == "" {
		v.Label = fallback
	}
	if t.MeetsTarget != nil {
		v.Meets, v.Misses = *t.MeetsTarget, !*t.MeetsTarget
		v.Verdict = map[bool]string{true: "达标", false: "未达标"}[*t.MeetsTarget]
	}
	return v
}

func newTrend(ts []report.Trend) []trendView {
	out := make([]trendView, 0, len(ts))
	for _, t := range ts {
		out = append(out, trendView{Month: monthTitle(t.Month), Opened: t.Opened, OnTime: percentOf(t.OnTime), Satisfaction: percentOf(t.Satisfaction)})
	}
	return out
}
