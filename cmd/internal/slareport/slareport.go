// Package slareport is what hotline sla prints: a ticket's committed
// times on a plan, with the rule behind each deadline, its reminders and
// the customer's sentence, as text or JSON.
package slareport

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/sla"
)

// Report is what hotline sla prints, in JSON as it is.
type Report struct {
	Plan           string     `json:"plan"`
	Severity       int        `json:"severity"`
	Channel        string     `json:"channel"`
	ReportedAt     string     `json:"reported_at"`
	ResponseDue    *string    `json:"response_due"`
	ResponseRule   string     `json:"response_rule"` // severity, channel, out_of_hours; "" for none
	ResolutionDue  *string    `json:"resolution_due"`
	ResolutionRule string     `json:"resolution_rule"`
	Reminders      []Reminder `json:"reminders"`
	Commitment     string     `json:"commitment"`
	// Provisional: a year counted lacks its official holiday schedule
	// (ProvisionalYears), so the times may move when it is added.
	Provisional      bool  `json:"provisional"`
	ProvisionalYears []int `json:"provisional_years"`

	response, resolution sla.Target
	yearData             []sla.YearData // of each provisional year
}

// Reminder is one reminder point.
type Reminder struct {
	Window   string  `json:"window"`
	Fraction float64 `json:"fraction"`
	At       string  `json:"at"`
}

// New reports clock at its report time.
func New(c sla.Clock) (Report, error) {
	loc := c.Plan.Calendar().Location()
	stamp := func(t time.Time) string { return t.In(loc).Format(time.RFC3339) }
	targets, err := c.Plan.Targets(c.Severity)
	if err != nil {
		return Report{}, err
	}
	due, err := c.Deadlines(c.ReportedAt)
	if err != nil {
		return Report{}, err
	}
	reminders, err := c.Reminders(c.ReportedAt)
	if err != nil {
		return Report{}, err
	}
	commitment, err := c.Commitment(c.ReportedAt)
	if err != nil {
		return Report{}, err
	}
	years, err := c.ProvisionalYears(c.ReportedAt)
	if err != nil {
		return Report{}, err
	}
	r := Report{
		Plan: c.Plan.Name(), Severity: c.Severity, Channel: c.Channel, ReportedAt: stamp(c.ReportedAt),
		ResponseDue: slaStamp(due.Response, stamp), ResolutionDue: slaStamp(due.Resolution, stamp),
		ResponseRule: string(due.ResponseRule), ResolutionRule: string(due.ResolutionRule),
		Reminders: []Reminder{}, Commitment: commitment,
		Provisional: len(years) > 0, ProvisionalYears: append([]int{}, years...),
		response:   ruleTarget(c, targets, sla.GoalResponse, due.ResponseRule),
		resolution: ruleTarget(c, targets, sla.GoalResolution, due.ResolutionRule),
	}
	for _, m := range reminders {
		r.Reminders = append(r.Reminders, Reminder{Window: m.Goal.String(), Fraction: m.Fraction, At: stamp(m.At)})
	}
	for _, y := range years {
		r.yearData = append(r.yearData, targets.Calendar.Year(y))
	}
	return r, nil
}

// slaStamp formats a deadline, nil when there is none (JSON null).
func slaStamp(t time.Time, stamp func(time.Time) string) *string {
	if t.IsZero() {
		return nil
	}
	s := stamp(t)
	return &s
}

// WriteJSON writes the report as one JSON object.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for people.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "plan        %s\n", r.Plan)
	fmt.Fprintf(&b, "severity    %d\n", r.Severity)
	fmt.Fprintf(&b, "channel     %s\n", r.Channel)
	fmt.Fprintf(&b, "reported    %s\n", r.ReportedAt)
	fmt.Fprintf(&b, "response    %s\n", slaDue(r.ResponseDue, r.response, r.ResponseRule))
	fmt.Fprintf(&b, "resolution  %s\n", slaDue(r.ResolutionDue, r.resolution, r.ResolutionRule))
	if len(r.Reminders) > 0 {
		fmt.Fprintf(&b, "reminders\n")
	}
	for _, m := range r.Reminders {
		fmt.Fprintf(&b, "  %-10s  %3.0f%%  %s\n", m.Window, m.Fraction*100, m.At)
	}
	fmt.Fprintf(&b, "commitment  %s\n", r.Commitment)
	for i, y := range r.ProvisionalYears {
		if r.yearData[i] == sla.Statutory {
			fmt.Fprintf(&b, "provisional %d has no official holiday schedule yet: its statutory holidays are off, make-up working days unknown\n", y)
		} else {
			fmt.Fprintf(&b, "provisional %d has no holiday data: counted by the weekly pattern alone, public holidays as working days\n", y)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// slaDue formats a deadline with the target and the rule it comes from.
func slaDue(due *string, t sla.Target, rule string) string {
	if due == nil {
		return "none"
	}
	return *due + "  (" + t.String() + ", " + strings.ReplaceAll(rule, "_", " ") + ")"
}

// ruleTarget is the target of the rule that set goal g's deadline.
func ruleTarget(c sla.Clock, sev sla.SeverityTargets, g sla.Goal, rule sla.Rule) sla.Target {
	pick := func(resp, res sla.Target) sla.Target {
		if g == sla.GoalResolution {
			return res
		}
		return resp
	}
	switch rule {
	case sla.RuleChannel:
		ch, _ := c.Plan.Channel(c.Channel)
		return pick(ch.Response, ch.Resolution)
	case sla.RuleOutOfHours:
		o, _ := c.Plan.OutOfHoursFor(c.Severity, c.ReportedAt)
		return pick(o.Response, o.Resolution)
	}
	return pick(sev.Response, sev.Resolution)
}
