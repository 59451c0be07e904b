package sla

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Severities is the number of severity levels, 1 (fatal) to 5 (suggestion).
const Severities = 5

// defaultReminders are the fractions of each window at which the assignee is
// reminded when a plan sets none.
var defaultReminders = []float64{0.5, 0.8}

// SeverityTargets are the committed times of one severity.
type SeverityTargets struct {
	Response   Target
	Resolution Target
	// Calendar is the calendar this severity runs on, such as 7×24 for
	// fatal faults on a 5×9 plan; nil means the plan's calendar.
	Calendar *Calendar
}

// PlanSpec describes a service plan; NewPlan checks it.
type PlanSpec struct {
	Name     string
	Calendar *Calendar
	Targets  [Severities]SeverityTargets // index severity-1
	// Reminders are fractions of each window, between 0 and 1, at which
	// the assignee is reminded before a breach. Nil means 0.5 and 0.8; an
	// empty, non-nil slice means no reminders.
	Reminders []float64
	// QuietExempt lists the severities whose notifications go out at any
	// hour instead of waiting for service hours. Nil means severity 1 only;
	// an empty, non-nil slice means none.
	QuietExempt []int
	// Channels are targets per intake channel (phone, email, ...), on top
	// of the severity's and counted on the severity's calendar: the
	// strictest target wins.
	Channels map[string]ChannelTargets
	// OutOfHours, when set, is the commitment to urgent requests made
	// outside the plan calendar's service hours.
	OutOfHours *OutOfHours
	// OnSite, when set, is the time within which an engineer is on site
	// once a visit is decided (seed 002: within 24 hours), counted on the
	// severity's calendar.
	OnSite Target
}

// ChannelTargets are the committed times of requests made through one
// intake channel; an unset target adds nothing.
type ChannelTargets struct {
	Response   Target
	Resolution Target
}

// OutOfHours is the commitment to requests of some severities made outside
// service hours (seed 001: urgent requests answered within 4 wall-clock
// hours). Its deadlines are chased at any hour: their reminders are not
// held for quiet hours.
type OutOfHours struct {
	Severities []int
	Response   Target
	Resolution Target
}

// Plan is a service plan: a calendar and the committed times of each
// severity. It is immutable once built and safe for concurrent use.
type Plan struct {
	name        string
	cal         *Calendar
	targets     [Severities]SeverityTargets // Calendar always set
	reminders   []float64
	quietExempt [Severities]bool
	channels    map[string]ChannelTargets
	outOfHours  *OutOfHours
	onSite      Target
}

// NewPlan checks spec and builds the plan.
func NewPlan(spec PlanSpec) (*Plan, error) {
	p, err := newPlan(spec)
	if err != nil && spec.Name == "" {
		return nil, fmt.Errorf("plan: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", spec.Name, err)
	}
	return p, nil
}

func newPlan(spec PlanSpec) (*Plan, error) {
	if spec.Name == "" {
		return nil, errors.New("no name")
	}
	if spec.Calendar == nil {
		return nil, errors.New("no calendar")
	}
	if err := spec.OnSite.check(); err != nil {
		return nil, fmt.Errorf("on_site: %w", err)
	}
	p := &Plan{name: spec.Name, cal: spec.Calendar, onSite: spec.OnSite}
	if err := p.setTargets(spec.Targets); err != nil {
		return nil, err
	}
	if err := p.setReminders(spec.Reminders); err != nil {
		return nil, err
	}
	if err := p.setQuietExempt(spec.QuietExempt); err != nil {
		return nil, err
	}
	if err := p.setChannels(spec.Channels); err != nil {
		return nil, err
	}
	if err := p.setOutOfHours(spec.OutOfHours); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Plan) setChannels(chs map[string]ChannelTargets) error {
	p.channels = make(map[string]ChannelTargets, len(chs))
	for name, t := range chs {
		if name == "" {
			return errors.New("channel targets: a channel without a name")
		}
		if err := t.Response.check(); err != nil {
			return fmt.Errorf("channel %s response: %w", name, err)
		}
		if err := t.Resolution.check(); err != nil {
			return fmt.Errorf("channel %s resolution: %w", name, err)
		}
		if !t.Response.IsSet() && !t.Resolution.IsSet() {
			return fmt.Errorf("channel %s: sets no target", name)
		}
		p.channels[name] = t
	}
	return nil
}

func (p *Plan) setOutOfHours(o *OutOfHours) error {
	if o == nil {
		return nil
	}
	if len(o.Severities) == 0 {
		return errors.New("out of hours: no severities")
	}
	for _, s := range o.Severities {
		if err := checkSeverity(s); err != nil {
			return fmt.Errorf("out of hours: %w", err)
		}
	}
	if err := o.Response.check(); err != nil {
		return fmt.Errorf("out of hours response: %w", err)
	}
	if err := o.Resolution.check(); err != nil {
		return fmt.Errorf("out of hours resolution: %w", err)
	}
	if !o.Response.IsSet() && !o.Resolution.IsSet() {
		return errors.New("out of hours: sets no target")
	}
	c := *o
	c.Severities = slices.Clone(o.Severities)
	p.outOfHours = &c
	return nil
}

func (p *Plan) setTargets(ts [Severities]SeverityTargets) error {
	for i, t := range ts {
		if err := t.Response.check(); err != nil {
			return fmt.Errorf("severity %d response: %w", i+1, err)
		}
		if err := t.Resolution.check(); err != nil {
			return fmt.Errorf("severity %d resolution: %w", i+1, err)
		}
		if t.Calendar == nil {
			t.Calendar = p.cal
		}
		p.targets[i] = t
	}
	return nil
}

func (p *Plan) setReminders(fs []float64) error {
	if fs == nil {
		fs = defaultReminders
	}
	fs = slices.Clone(fs)
	slices.Sort(fs)
	for i, f := range fs {
		if !(f > 0 && f < 1) {
			return fmt.Errorf("reminder %v: want a fraction between 0 and 1, like 0.8", f)
		}
		if i > 0 && fs[i-1] == f {
			return fmt.Errorf("reminder %v: listed twice", f)
		}
	}
	p.reminders = fs
	return nil
}

func (p *Plan) setQuietExempt(sevs []int) error {
	if sevs == nil {
		sevs = []int{1}
	}
	for _, s := range sevs {
		if err := checkSeverity(s); err != nil {
			return fmt.Errorf("quiet-hours exemption: %w", err)
		}
		p.quietExempt[s-1] = true
	}
	return nil
}

func checkSeverity(sev int) error {
	if sev < 1 || sev > Severities {
		return fmt.Errorf("severity %d: want 1 to %d", sev, Severities)
	}
	return nil
}

// VisitDue is when an engineer must be on site for a ticket of severity
// sev whose visit was decided at from (the plan's on_site target on the
// severity's calendar); ok false when the plan promises no time.
func (p *Plan) VisitDue(sev int, from time.Time) (time.Time, bool) {
	if !p.onSite.IsSet() {
		return time.Time{}, false
	}
	cal := p.cal
	if t, err := p.Targets(sev); err == nil && t.Calendar != nil {
		cal = t.Calendar
	}
	return p.onSite.deadline(cal, from, 0), true
}

// OnSite is the plan's on-site target; unset when it promises none.
func (p *Plan) OnSite() Target { return p.onSite }

// Name returns the plan's name, such as 5x9.
func (p *Plan) Name() string { return p.name }

// Calendar returns the plan's calendar.
func (p *Plan) Calendar() *Calendar { return p.cal }

// Targets returns the committed times of severity sev, with Calendar set to
// the calendar the severity runs on.
func (p *Plan) Targets(sev int) (SeverityTargets, error) {
	if err := checkSeverity(sev); err != nil {
		return SeverityTargets{}, err
	}
	return p.targets[sev-1], nil
}

// Channel returns the targets of an intake channel; ok false when the plan
// sets none for it.
func (p *Plan) Channel(name string) (ChannelTargets, bool) {
	t, ok := p.channels[name]
	return t, ok
}

// OutOfHoursFor returns the out-of-hours commitment when it applies to a
// request of severity sev made at t: the severity is listed and t is
// outside the service day of the plan's calendar (at night, or on a day
// without service; a lunch break is not out of hours).
func (p *Plan) OutOfHoursFor(sev int, t time.Time) (OutOfHours, bool) {
	o := p.outOfHours
	if o == nil || !slices.Contains(o.Severities, sev) || p.cal.InServiceDay(t) {
		return OutOfHours{}, false
	}
	return *o, true
}

// Reminders returns the reminder fractions, in ascending order.
func (p *Plan) Reminders() []float64 { return slices.Clone(p.reminders) }

// QuietExempt reports whether notifications of severity sev go out at any
// hour.
func (p *Plan) QuietExempt(sev int) bool {
	return checkSeverity(sev) == nil && p.quietExempt[sev-1]
}

// NotifyAt returns when a notification about a ticket of severity sev, due
// at t, should go out so as not to wake engineers at night: t for severities
// exempt from quiet hours, otherwise the next moment inside the service hours
// of the severity's calendar. An unknown severity waits like any other.
func (p *Plan) NotifyAt(sev int, t time.Time) time.Time {
	if p.QuietExempt(sev) {
		return t
	}
	cal := p.cal
	if checkSeverity(sev) == nil {
		cal = p.targets[sev-1].Calendar
	}
	return cal.NextOpen(t)
}

// ResponseMayExceedResolution reports whether, for severity sev, the
// response target can fall after the resolution target on the plan's
// calendar for some report time (48 business hours against 5 working days
// on 5x9, reported late in a day): Deadlines then caps the response at the
// resolution, and the operator is told. It tries a report every half hour
// over two plain weeks.
func (p *Plan) ResponseMayExceedResolution(sev int) bool {
	t, err := p.Targets(sev)
	if err != nil || !t.Response.IsSet() || !t.Resolution.IsSet() {
		return false
	}
	start := time.Date(2026, time.March, 2, 0, 0, 0, 0, t.Calendar.Location()) // a Monday, no holidays near
	for at := start; at.Before(start.AddDate(0, 0, 14)); at = at.Add(30 * time.Minute) {
		if t.Response.deadline(t.Calendar, at, 0).After(t.Resolution.deadline(t.Calendar, at, 0)) {
			return true
		}
	}
	return false
}
