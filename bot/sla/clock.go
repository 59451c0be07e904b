package sla

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrNoTarget is returned for a goal the ticket's severity sets no target for,
// such as the resolution of a suggestion.
var ErrNoTarget = errors.New("no target")

// Goal is one of the two commitments a ticket carries.
type Goal uint8

// The goals of a ticket.
const (
	GoalResponse   Goal = iota // the first answer to the customer
	GoalResolution             // the fault solved
)

// String returns "response" or "resolution".
func (g Goal) String() string {
	if g == GoalResolution {
		return "resolution"
	}
	return "response"
}

// Rule names the commitment that sets a deadline: the severity's target,
// the intake channel's, or the out-of-hours rule for urgent requests.
type Rule string

// The rules a deadline can come from.
const (
	RuleSeverity   Rule = "severity"
	RuleChannel    Rule = "channel"
	RuleOutOfHours Rule = "out_of_hours"
)

// Deadlines are the due instants of a ticket; a zero instant means no rule
// sets a target for that goal. Each comes with the rule that set it: the
// strictest of those that apply.
type Deadlines struct {
	Response       time.Time
	Resolution     time.Time
	ResponseRule   Rule // "" with no response target
	ResolutionRule Rule // "" with no resolution target
}

// Rule is the rule of goal g's deadline.
func (d Deadlines) Rule(g Goal) Rule {
	if g == GoalResolution {
		return d.ResolutionRule
	}
	return d.ResponseRule
}

// Reminder is a moment before a deadline at which the assignee is reminded.
type Reminder struct {
	Goal     Goal
	Fraction float64 // of the window from the report to the deadline
	At       time.Time
	Rule     Rule // the rule of the deadline it reminds of
}

// Clock is the SLA clock of one ticket. It is a plain value: every method
// returns a new Clock instead of changing the receiver.
//
// To persist a clock, store the plan's name (and look the *Plan up again
// when loading), Severity, ReportedAt, the five Paused durations and
// PausedSince (NULL when running). Deadlines are derived, never stored as
// the truth; store them too only to schedule jobs.
type Clock struct {
	Plan       *Plan
	Severity   int       // 1 to 5
	ReportedAt time.Time // the clock runs from here, whatever the severity
	// Channel is the intake channel the request came through (wechat,
	// phone, email, ...): the plan's targets for it apply too. "" adds
	// none.
	Channel string
	// Paused[i] is the business time spent waiting for the customer so
	// far, measured on the calendar of severity i+1. Keeping one sum per
	// severity lets a severity change move to another calendar (a fatal
	// fault on 7×24, the rest on 5×9) and keep the pauses already counted.
	Paused [Severities]time.Duration
	// PausedSince is when the running pause began; nil while the clock runs.
	PausedSince *time.Time
}

// NewClock starts a clock for a ticket of severity sev reported at reportedAt.
func NewClock(p *Plan, sev int, reportedAt time.Time) (Clock, error) {
	c := Clock{Plan: p, Severity: sev, ReportedAt: reportedAt}
	if err := c.check(); err != nil {
		return Clock{}, err
	}
	return c, nil
}

func (c Clock) check() error {
	if c.Plan == nil {
		return errors.New("clock: no plan")
	}
	if err := checkSeverity(c.Severity); err != nil {
		return fmt.Errorf("clock: %w", err)
	}
	return nil
}

// targets returns the severity's targets, with the calendar to count on.
func (c Clock) targets() (SeverityTargets, error) {
	if err := c.check(); err != nil {
		return SeverityTargets{}, err
	}
	return c.Plan.targets[c.Severity-1], nil
}

// paused returns the paused business time on the severity's calendar up to
// now, counting a pause still running.
func (c Clock) paused(cal *Calendar, now time.Time) time.Duration {
	p := c.Paused[c.Severity-1]
	if c.PausedSince != nil {
		p += cal.BusinessBetween(*c.PausedSince, now)
	}
	return p
}

// Deadlines returns the due instants at now: for each goal the earliest
// of the deadlines its rules give (the severity's target, the channel's,
// the out-of-hours rule), each computed from the report and moved by the
// business time spent paused; the response is never due after the
// resolution (see Plan.ResponseMayExceedResolution). A business-time
// deadline is where the business time since the report, less the pauses,
// reaches the target; a working-day or wall-clock deadline is moved from
// its unpaused instant by the paused business time (AddBusiness(deadline,
// paused)). While a pause runs, the deadlines keep moving with now.
func (c Clock) Deadlines(now time.Time) (Deadlines, error) {
	t, err := c.targets()
	if err != nil {
		return Deadlines{}, err
	}
	p := c.paused(t.Calendar, now)
	var d Deadlines
	rs, n := c.rules(t)
	for _, r := range rs[:n] {
		if r.response.IsSet() {
			due := r.response.deadline(t.Calendar, c.ReportedAt, p)
			if d.Response.IsZero() || due.Before(d.Response) {
				d.Response, d.ResponseRule = due, r.rule
			}
		}
		if r.resolution.IsSet() {
			due := r.resolution.deadline(t.Calendar, c.ReportedAt, p)
			if d.Resolution.IsZero() || due.Before(d.Resolution) {
				d.Resolution, d.ResolutionRule = due, r.rule
			}
		}
	}
	if !d.Resolution.IsZero() && d.Response.After(d.Resolution) {
		// A fault fixed is a fault responded to: never promise the response
		// later, and chase it as the resolution's rule does.
		d.Response, d.ResponseRule = d.Resolution, d.ResolutionRule
	}
	return d, nil
}

// rule is one commitment that applies to the ticket.
type rule struct {
	rule                 Rule
	response, resolution Target
}

// rules are the commitments that apply: the severity's targets always,
// the channel's when the plan sets some, and the out-of-hours rule when
// the request came outside service hours. They are few and fixed, so the
// array keeps Deadlines free of allocations.
func (c Clock) rules(t SeverityTargets) (rs [3]rule, n int) {
	rs[0], n = rule{RuleSeverity, t.Response, t.Resolution}, 1
	if ch, ok := c.Plan.Channel(c.Channel); ok && c.Channel != "" {
		rs[n], n = rule{RuleChannel, ch.Response, ch.Resolution}, n+1
	}
	if o, ok := c.Plan.OutOfHoursFor(c.Severity, c.ReportedAt); ok {
		rs[n], n = rule{RuleOutOfHours, o.Response, o.Resolution}, n+1
	}
	return rs, n
}

// targetOf is the target behind deadline rule r of goal g: how its window
// counts time.
func (c Clock) targetOf(t SeverityTargets, g Goal, r Rule) Target {
	rs, n := c.rules(t)
	for _, x := range rs[:n] {
		if x.rule != r {
			continue
		}
		if g == GoalResolution {
			return x.resolution
		}
		return x.response
	}
	return Target{}
}

// NotifyAt is when reminder r goes out: at once for a deadline of the
// out-of-hours rule (an urgent request at night is chased at night),
// otherwise as Plan.NotifyAt holds it for quiet hours.
func (c Clock) NotifyAt(r Reminder) time.Time {
	if r.Rule == RuleOutOfHours {
		return r.At
	}
	return c.Plan.NotifyAt(c.Severity, r.At)
}

// Elapsed returns the business time counted against the ticket at now: the
// business time since the report less the time spent paused.
func (c Clock) Elapsed(now time.Time) (time.Duration, error) {
	t, err := c.targets()
	if err != nil {
		return 0, err
	}
	return t.Calendar.BusinessBetween(c.ReportedAt, now) - c.paused(t.Calendar, now), nil
}

// Remaining returns the business time left at now before the deadline of
// goal g, negative once the deadline has passed. It does not shrink while a
// pause runs. It returns ErrNoTarget when the severity sets no target for g.
func (c Clock) Remaining(g Goal, now time.Time) (time.Duration, error) {
	t, err := c.targets()
	if err != nil {
		return 0, err
	}
	d, err := c.Deadlines(now)
	if err != nil {
		return 0, err
	}
	due := d.Response
	if g == GoalResolution {
		due = d.Resolution
	}
	if due.IsZero() {
		return 0, fmt.Errorf("%s of severity %d: %w", g, c.Severity, ErrNoTarget)
	}
	if now.After(due) {
		return -t.Calendar.BusinessBetween(due, now), nil
	}
	return t.Calendar.BusinessBetween(now, due), nil
}

// Pause stops the clock at now, while the ticket waits for the customer.
// Pausing a paused clock changes nothing.
func (c Clock) Pause(now time.Time) Clock {
	if c.PausedSince == nil {
		c.PausedSince = &now
	}
	return c
}

// Resume restarts a paused clock at now, adding the business time paused to
// each severity's sum on that severity's calendar. Resuming a running clock
// changes nothing.
func (c Clock) Resume(now time.Time) (Clock, error) {
	if c.PausedSince == nil {
		return c, nil
	}
	if c.Plan == nil {
		return c, errors.New("clock: no plan")
	}
	for i, t := range c.Plan.targets {
		c.Paused[i] += t.Calendar.BusinessBetween(*c.PausedSince, now)
	}
	c.PausedSince = nil
	return c, nil
}

// ResumeFrom restarts a paused clock at now, as Resume does, and moves the
// deadlines promised before the pause by the business time the pause took
// on the severity's calendar. Unlike Deadlines, which counts from the
// report, it keeps what was promised: a calendar changed since (a year's
// official schedule arrived) does not move a promise by more than the
// pause. A running clock returns promised as it is.
func (c Clock) ResumeFrom(promised Deadlines, now time.Time) (Clock, Deadlines, error) {
	t, err := c.targets()
	if err != nil || c.PausedSince == nil {
		return c, promised, err
	}
	pause := t.Calendar.BusinessBetween(*c.PausedSince, now)
	if c, err = c.Resume(now); err != nil {
		return c, promised, err
	}
	moved := promised
	for _, due := range []*time.Time{&moved.Response, &moved.Resolution} {
		if !due.IsZero() && pause > 0 {
			*due = t.Calendar.AddBusiness(*due, pause)
		}
	}
	return c, moved, nil
}

// WithSeverity changes the severity. The deadlines are computed again from
// the report with the new severity's targets, and keep the pauses already
// counted.
func (c Clock) WithSeverity(sev int) (Clock, error) {
	c.Severity = sev
	if err := c.check(); err != nil {
		return Clock{}, err
	}
	return c, nil
}

// Reminders returns the reminder points at now: for each goal with a target
// and each of the plan's fractions f, the instant at which f of the window's
// business time, from the report to the deadline, has elapsed. Response
// reminders come first, each goal's in ascending order.
func (c Clock) Reminders(now time.Time) ([]Reminder, error) {
	d, err := c.Deadlines(now)
	if err != nil {
		return nil, err
	}
	return c.RemindersFor(d)
}

// RemindersFor are the reminder points of deadlines already promised: the
// same fractions of each window, on the calendar as it is now (after a
// year's official schedule came, say).
func (c Clock) RemindersFor(d Deadlines) ([]Reminder, error) {
	t, err := c.targets()
	if err != nil {
		return nil, err
	}
	var rs []Reminder
	rs = c.appendReminders(rs, t, GoalResponse, d.Response, d.ResponseRule)
	return c.appendReminders(rs, t, GoalResolution, d.Resolution, d.ResolutionRule), nil
}

// appendReminders adds the reminders of one deadline. A deadline set by a
// wall-clock target (an urgent request at night) is a window of wall time,
// since business time may not run in it at all; the others are windows of
// business time on the severity's calendar.
func (c Clock) appendReminders(rs []Reminder, t SeverityTargets, g Goal, due time.Time, r Rule) []Reminder {
	if due.IsZero() {
		return rs
	}
	cal := t.Calendar
	target := c.targetOf(t, g, r)
	if !target.IsSet() { // a response capped at the resolution: its rule's resolution target
		target = c.targetOf(t, GoalResolution, r)
	}
	wall := r != RuleSeverity && target.Kind == WallClock
	window := cal.BusinessBetween(c.ReportedAt, due)
	if wall {
		window = due.Sub(c.ReportedAt)
	}
	for _, f := range c.Plan.reminders {
		// Rounding to the nanosecond keeps 0.8 × 4h at 3h12m rather than a
		// hair before it.
		part := time.Duration(math.Round(f * float64(window)))
		at := cal.AddBusiness(c.ReportedAt, part)
		if wall {
			at = c.ReportedAt.Add(part)
		}
		rs = append(rs, Reminder{Goal: g, Fraction: f, At: at, Rule: r})
	}
	return rs
}

// ProvisionalYears lists the years between the report and the last of the
// deadlines at now whose days off the severity's calendar counts without
// the official schedule: the times promised may move when it comes.
func (c Clock) ProvisionalYears(now time.Time) ([]int, error) {
	t, err := c.targets()
	if err != nil {
		return nil, err
	}
	d, err := c.Deadlines(now)
	if err != nil {
		return nil, err
	}
	last := c.ReportedAt
	for _, due := range []time.Time{d.Response, d.Resolution} {
		if due.After(last) {
			last = due
		}
	}
	return t.Calendar.ProvisionalYears(c.ReportedAt, last), nil
}
