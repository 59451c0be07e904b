package surveyview

import (
	"time"

	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/survey"
)

// TallyJSON is a tally's figures; a share is null when nothing was
// delivered or answered.
type TallyJSON struct {
	Delivered     int            `json:"delivered"`
	Answered      int            `json:"answered"`
	Satisfaction  *float64       `json:"satisfaction"`  // (满意 + 较满意) / answered
	Participation *float64       `json:"participation"` // answered / delivered
	Ratings       map[string]int `json:"ratings"`       // 满意, 较满意, 一般, 不满意
}

// Tally is t as JSON.
func Tally(t survey.Tally) TallyJSON {
	out := TallyJSON{Delivered: t.Delivered, Answered: t.Answered(),
		Ratings: map[string]int{"满意": t.Ratings[0], "较满意": t.Ratings[1], "一般": t.Ratings[2], "不满意": t.Ratings[3]}}
	if v, ok := t.Satisfaction(); ok {
		out.Satisfaction = &v
	}
	if v, ok := t.Participation(); ok {
		out.Participation = &v
	}
	return out
}

// RoundJSON is a round as survey round status and list print it.
type RoundJSON struct {
	ID            int64         `json:"id"`
	Status        string        `json:"status"`
	Selection     string        `json:"selection"`
	Questionnaire string        `json:"questionnaire"`
	Selected      int           `json:"selected"`
	CreatedBy     string        `json:"created_by"`
	CreatedAt     time.Time     `json:"created_at"`
	FinishedAt    *time.Time    `json:"finished_at"`
	ClosedAt      *time.Time    `json:"closed_at"`
	Progress      *ProgressJSON `json:"progress,omitempty"`
}

// ProgressJSON is how far a round has gone.
type ProgressJSON struct {
	Pending   int       `json:"pending"`
	Delivered int       `json:"delivered"`
	Failed    int       `json:"failed"`
	Cancelled int       `json:"cancelled"`
	Expired   int       `json:"expired"`
	Tally     TallyJSON `json:"tally"`
	Errors    []string  `json:"errors"`
}

// Round is r as JSON, with its progress when p is given.
func Round(r *survey.Round, p *survey.RoundProgress, loc *time.Location) RoundJSON {
	in := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		v := t.In(loc)
		return &v
	}
	out := RoundJSON{ID: r.ID, Status: r.Status, Selection: r.Spec().Describe(loc), Questionnaire: r.Questionnaire,
		Selected: r.Selected, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.In(loc), FinishedAt: in(r.FinishedAt), ClosedAt: in(r.ClosedAt)}
	if p != nil {
		out.Progress = &ProgressJSON{Pending: p.Pending, Delivered: p.Delivered, Failed: p.Failed, Cancelled: p.Cancelled,
			Expired: p.Expired, Tally: Tally(p.Tally()), Errors: append([]string{}, p.Errors...)}
	}
	return out
}

// PreviewJSON is what a round would ask (survey round preview --json), and
// for create the round made.
type PreviewJSON struct {
	Selection    string `json:"selection"`
	Tickets      int    `json:"tickets"`
	Customers    int    `json:"customers"`
	OptedOut     int    `json:"opted_out"`
	Unsubscribed int    `json:"unsubscribed"`
	Capped       int    `json:"capped"`
	Eligible     int    `json:"eligible"`
	ToAsk        int    `json:"to_ask"`
	Round        *int64 `json:"round,omitempty"` // create: the round's id
}

// PreviewOf is p as JSON.
func PreviewOf(spec survey.RoundSpec, p survey.RoundPreview, loc *time.Location) PreviewJSON {
	return PreviewJSON{Selection: spec.Describe(loc), Tickets: p.Tickets, Customers: p.Customers, OptedOut: p.OptedOut,
		Unsubscribed: p.Unsubscribed, Capped: p.Capped, Eligible: p.Eligible, ToAsk: len(p.Chosen)}
}

// StatsJSON is survey stats --json: the same tables as the text.
type StatsJSON struct {
	From       string      `json:"from"` // first day
	To         string      `json:"to"`   // last day, included
	Target     float64     `json:"target"`
	Total      TallyJSON   `json:"total"`
	Staff      []StaffJSON `json:"staff"`
	Units      []BreakJSON `json:"units"`
	Severities []BreakJSON `json:"severities"`
	Months     []BreakJSON `json:"months"`
}

// StaffJSON is a line of the staff table (人员情况统计表).
type StaffJSON struct {
	Number   string    `json:"number"`
	Name     string    `json:"name"`
	Services int       `json:"services"`
	Rating   string    `json:"rating"` // 好, 较好, 一般, or — with too few answers
	Tally    TallyJSON `json:"tally"`
}

// BreakJSON is a line of a breakdown.
type BreakJSON struct {
	Key   string    `json:"key"`
	Label string    `json:"label"`
	Tally TallyJSON `json:"tally"`
}

// StatsOf is st as JSON.
func StatsOf(st *survey.Report, p *policy.Policy) StatsJSON {
	loc := p.Location
	out := StatsJSON{From: st.From.In(loc).Format(time.DateOnly), To: st.To.In(loc).AddDate(0, 0, -1).Format(time.DateOnly),
		Target: p.Surveys.Target, Total: Tally(st.Total), Staff: []StaffJSON{}}
	for _, l := range st.Staff {
		out.Staff = append(out.Staff, StaffJSON{Number: l.Number, Name: l.Name, Services: l.Services, Rating: l.Rating, Tally: Tally(l.Tally)})
	}
	breaks := func(bs []survey.Breakdown) []BreakJSON {
		rows := []BreakJSON{}
		for _, b := range bs {
			rows = append(rows, BreakJSON{Key: b.Key, Label: b.Label, Tally: Tally(b.Tally)})
		}
		return rows
	}
	out.Units, out.Severities, out.Months = breaks(st.Units), breaks(st.Severities), breaks(st.Months)
	return out
}
