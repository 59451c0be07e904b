// Package surveyview is how the survey commands show rounds and
// statistics: text for people and JSON for scripts.
package surveyview

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/cmd/internal/table"
)

// Preview prints what a round would ask.
func Preview(w io.Writer, spec survey.RoundSpec, p survey.RoundPreview, policy *policy.Policy) {
	fmt.Fprintf(w, "Selection:  %s\n", spec.Describe(policy.Location))
	fmt.Fprintf(w, "Matching:   %d tickets of %d customers\n", p.Tickets, p.Customers)
	fmt.Fprintf(w, "Left out:   %d replied TD, %d unfollowed, %d already asked this month (cap %d)\n", p.OptedOut, p.Unsubscribed, p.Capped, policy.Surveys.MonthlyCap)
	fmt.Fprintf(w, "Eligible:   %d\nTo ask:     %d\n", p.Eligible, len(p.Chosen))
}

// Status prints a round's progress.
func Status(w io.Writer, r *survey.Round, p survey.RoundProgress, policy *policy.Policy) {
	loc := policy.Location
	fmt.Fprintf(w, "Round #%d  %s (%s)\n%s\ncreated %s by %s\n\n", r.ID, r.Status, survey.RoundStatusLabel(r.Status),
		r.Spec().Describe(loc), r.CreatedAt.In(loc).Format("2006-01-02 15:04"), r.CreatedBy)
	done := p.Selected - p.Pending
	fmt.Fprintf(w, "Sent      %s %d/%d\n", progressBar(done, p.Selected, 30), done, p.Selected)
	fmt.Fprintf(w, "Delivered %d   failed %d   pending %d   cancelled %d   expired unanswered %d\n", p.Delivered, p.Failed, p.Pending, p.Cancelled, p.Expired)
	t := p.Tally()
	fmt.Fprintf(w, "Answered  %d   participation %s\n", t.Answered(), share(t.Participation()))
	fmt.Fprintf(w, "Satisfaction %s   满意 %d  较满意 %d  一般 %d  不满意 %d   (target %s)\n", satisfaction(t),
		t.Ratings[0], t.Ratings[1], t.Ratings[2], t.Ratings[3], pct(policy.Surveys.Target))
	for _, e := range p.Errors {
		fmt.Fprintf(w, "Failure: %s\n", e)
	}
}

// progressBar draws done of total as [████░░░░]  47%.
func progressBar(done, total, width int) string {
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	n := int(frac * float64(width))
	return "[" + strings.Repeat("█", n) + strings.Repeat("░", width-n) + "] " + fmt.Sprintf("%3.0f%%", frac*100)
}

func share(v float64, ok bool) string {
	if !ok {
		return "—"
	}
	return pct(v)
}

func pct(v float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(v*100, 'f', 1, 64), ".0") + "%"
}

func satisfaction(t survey.Tally) string {
	v, ok := t.Satisfaction()
	if !ok {
		return "— (no answers yet)"
	}
	return fmt.Sprintf("%s (%d/%d)", pct(v), t.Satisfied(), t.Answered())
}

// Stats prints the survey statistics of a period: the totals, the staff
// table (人员情况统计表) and the breakdowns by unit, severity and month.
func Stats(w io.Writer, st *survey.Report, policy *policy.Policy) {
	loc := policy.Location
	sp := policy.Surveys
	fmt.Fprintf(w, "Survey statistics %s – %s (by delivery date)\n", st.From.In(loc).Format(time.DateOnly), st.To.In(loc).AddDate(0, 0, -1).Format(time.DateOnly))
	t := st.Total
	verdict := "at or above target"
	if v, ok := t.Satisfaction(); !ok {
		verdict = "no answers"
	} else if v < sp.Target {
		verdict = "BELOW TARGET"
	}
	fmt.Fprintf(w, "Overall: delivered %d, answered %d, satisfaction %s, participation %s; target %s: %s\n",
		t.Delivered, t.Answered(), satisfaction(t), share(t.Participation()), pct(sp.Target), verdict)
	fmt.Fprintf(w, "Ratings: 满意 %d  较满意 %d  一般 %d  不满意 %d\n", t.Ratings[0], t.Ratings[1], t.Ratings[2], t.Ratings[3])

	fmt.Fprintln(w, "\n人员情况统计表 (staff)")
	tb := table.New("NUMBER", "NAME", "SERVICES", "DELIVERED", "ANSWERED", "SATISFACTION", "RATING")
	for _, l := range st.Staff {
		tb.Row(dash(l.Number), l.Name, fmt.Sprint(l.Services), fmt.Sprint(l.Delivered), fmt.Sprint(l.Answered()), share(l.Satisfaction()), l.Rating)
	}
	tb.Write(w)
	r := sp.StaffRating
	fmt.Fprintf(w, "Rating: 好 ≥ %s, 较好 ≥ %s, 一般 below; — with fewer than %d answers (surveys.staff_rating).\n", pct(r.Good), pct(r.Fair), r.MinAnswers)
	for _, part := range []struct {
		title string
		rows  []survey.Breakdown
	}{{"By unit", st.Units}, {"By severity", st.Severities}, {"By month", st.Months}} {
		fmt.Fprintln(w, "\n"+part.title)
		tb := table.New("", "DELIVERED", "ANSWERED", "SATISFACTION", "PARTICIPATION")
		for _, b := range part.rows {
			tb.Row(dash(b.Label), fmt.Sprint(b.Delivered), fmt.Sprint(b.Answered()), share(b.Satisfaction()), share(b.Participation()))
		}
		tb.Write(w)
	}
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
