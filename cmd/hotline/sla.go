package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/sla"
)

const slaSynopsis = `Usage: hotline sla --severity N [--plan NAME] [--at TIME] [--json]

Prints the committed times of a ticket: the response and resolution
deadlines, the reminder points before them, and the commitment as the
customer reads it.

Severities: 1 致命性问题 fatal, 2 严重问题 severe, 3 普通问题 normal,
4 小问题 minor, 5 功能建议 suggestion.

Example: hotline sla --plan 5x9 --severity 2 --at 2026-02-13T17:00:00+08:00

Flags:
`

// slaRequest is the parsed command line of hotline sla.
type slaRequest struct {
	plan     *sla.Plan
	severity int
	at       time.Time
	json     bool
}

// runSLA runs hotline sla: lookup finds a plan by name (built-in or from the
// policy file), and now is the report time when --at is not given.
func runSLA(args []string, stdout io.Writer, lookup func(name string) (*sla.Plan, error), now time.Time) error {
	req, err := parseSLAFlags(args, stdout, lookup, now)
	if err != nil {
		return err
	}
	return req.write(stdout)
}

// write prints the answer to the request.
func (req slaRequest) write(stdout io.Writer) error {
	clock, err := sla.NewClock(req.plan, req.severity, req.at)
	if err != nil {
		return fmt.Errorf("--severity: %w", err)
	}
	report, err := newSLAReport(clock)
	if err != nil {
		return err
	}
	if req.json {
		return report.writeJSON(stdout)
	}
	return report.writeText(stdout)
}

func parseSLAFlags(args []string, stdout io.Writer, lookup func(string) (*sla.Plan, error), now time.Time) (slaRequest, error) {
	fs := flag.NewFlagSet("sla", flag.ContinueOnError)
	plan := fs.String("plan", sla.DefaultPlan, "service plan: 7x24, 7x12, 5x9 or one defined in the policy file")
	severity := fs.Int("severity", 0, "severity of the ticket, 1 to 5 (required)")
	at := fs.String("at", "", "report time, RFC 3339 (default now)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	// flag would print its own error and the usage on any mistake; keep
	// the output for --help and return one-line errors instead.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, slaSynopsis)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
		}
		return slaRequest{}, err
	}
	if fs.NArg() > 0 {
		return slaRequest{}, fmt.Errorf("unexpected argument %q (see hotline sla --help)", fs.Arg(0))
	}
	req := slaRequest{severity: *severity, at: now, json: *asJSON}
	if err := req.check(*plan, *at, lookup); err != nil {
		return slaRequest{}, err
	}
	return req, nil
}

// check resolves the plan and the report time and checks the severity.
func (r *slaRequest) check(plan, at string, lookup func(string) (*sla.Plan, error)) error {
	if r.severity < 1 || r.severity > sla.Severities {
		if r.severity == 0 {
			return errors.New("--severity: required, 1 to 5")
		}
		return fmt.Errorf("--severity %d: want 1 to 5", r.severity)
	}
	p, err := lookup(plan)
	if err != nil {
		return fmt.Errorf("--plan %q: %s", plan, slaOneLine(err.Error()))
	}
	r.plan = p
	if at != "" {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return fmt.Errorf("--at %q: want RFC 3339 time, like 2026-02-13T17:00:00+08:00", at)
		}
		r.at = t
	}
	return nil
}

func slaOneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// slaReport is what hotline sla prints, in JSON as it is.
type slaReport struct {
	Plan          string        `json:"plan"`
	Severity      int           `json:"severity"`
	ReportedAt    string        `json:"reported_at"`
	ResponseDue   *string       `json:"response_due"`
	ResolutionDue *string       `json:"resolution_due"`
	Reminders     []slaReminder `json:"reminders"`
	Commitment    string        `json:"commitment"`
	// Provisional: a year counted lacks its official holiday schedule
	// (ProvisionalYears), so the times may move when it is added.
	Provisional      bool  `json:"provisional"`
	ProvisionalYears []int `json:"provisional_years"`

	response, resolution sla.Target
	yearData             []sla.YearData // of each provisional year
}

type slaReminder struct {
	Window   string  `json:"window"`
	Fraction float64 `json:"fraction"`
	At       string  `json:"at"`
}

func newSLAReport(c sla.Clock) (slaReport, error) {
	loc := c.Plan.Calendar().Location()
	stamp := func(t time.Time) string { return t.In(loc).Format(time.RFC3339) }
	targets, err := c.Plan.Targets(c.Severity)
	if err != nil {
		return slaReport{}, err
	}
	due, err := c.Deadlines(c.ReportedAt)
	if err != nil {
		return slaReport{}, err
	}
	reminders, err := c.Reminders(c.ReportedAt)
	if err != nil {
		return slaReport{}, err
	}
	commitment, err := c.Commitment(c.ReportedAt)
	if err != nil {
		return slaReport{}, err
	}
	years, err := c.ProvisionalYears(c.ReportedAt)
	if err != nil {
		return slaReport{}, err
	}
	r := slaReport{
		Plan: c.Plan.Name(), Severity: c.Severity, ReportedAt: stamp(c.ReportedAt),
		ResponseDue: slaStamp(due.Response, stamp), ResolutionDue: slaStamp(due.Resolution, stamp),
		Reminders: []slaReminder{}, Commitment: commitment,
		Provisional: len(years) > 0, ProvisionalYears: append([]int{}, years...),
		response: targets.Response, resolution: targets.Resolution,
	}
	for _, m := range reminders {
		r.Reminders = append(r.Reminders, slaReminder{Window: m.Goal.String(), Fraction: m.Fraction, At: stamp(m.At)})
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

func (r slaReport) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r slaReport) writeText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "plan        %s\n", r.Plan)
	fmt.Fprintf(&b, "severity    %d\n", r.Severity)
	fmt.Fprintf(&b, "reported    %s\n", r.ReportedAt)
	fmt.Fprintf(&b, "response    %s\n", slaDue(r.ResponseDue, r.response))
	fmt.Fprintf(&b, "resolution  %s\n", slaDue(r.ResolutionDue, r.resolution))
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

// slaDue formats a deadline with the target it comes from.
func slaDue(due *string, t sla.Target) string {
	if due == nil {
		return "none"
	}
	return *due + "  (" + t.String() + ")"
}

// runSLACommand wires hotline sla to the policy file (plans defined there
// and the built-in ones), the years imported into the database (when there
// is one) and the wall clock.
func runSLACommand(ctx context.Context, env *cliEnv, args []string) error {
	var o opened
	if err := o.load(env); err != nil {
		return err
	}
	req, err := parseSLAFlags(args, env.stdout, o.policy.Plan, time.Now())
	if err != nil {
		return err
	}
	if err := o.connectIfPresent(ctx); err != nil {
		return err
	}
	defer o.close()
	return req.write(env.stdout)
}
