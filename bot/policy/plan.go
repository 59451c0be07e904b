package policy

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
)

func (b *builder) plans() error {
	b.p.Plans = map[string]*sla.Plan{}
	b.p.Escalation = map[string][]string{}
	for _, name := range builtinCalendars {
		plan, err := sla.NewPlan(sla.PlanSpec{Name: name, Calendar: b.p.Calendars[name], Targets: sla.DefaultTargets()})
		if err != nil {
			return err
		}
		b.p.Plans[name] = plan
		b.p.Escalation[name] = DefaultEscalation
	}
	for i, pl := range b.file.Plans {
		if err := b.plan(pl); err != nil {
			return at(fmt.Sprintf("plans[%d]", i), err)
		}
	}
	b.warnCappedResponses()
	return nil
}

// warnCappedResponses tells the operator of each plan and severity whose
// response target can fall after its resolution target: the response is
// then promised no later than the resolution.
func (b *builder) warnCappedResponses() {
	for _, name := range slices.Sorted(maps.Keys(b.p.Plans)) {
		plan := b.p.Plans[name]
		for sev := 1; sev <= sla.Severities; sev++ {
			if plan.ResponseMayExceedResolution(sev) {
				t, _ := plan.Targets(sev)
				b.opt.Log.Warn("a response target can fall after the resolution target: the response is promised no later than the resolution",
					slog.String("plan", name), slog.Int("severity", sev), slog.String("response", t.Response.String()),
					slog.String("resolution", t.Resolution.String()))
			}
		}
	}
}

func (b *builder) plan(pl PlanFile) error {
	if pl.Name == "" {
		return errors.New("name: required")
	}
	if _, dup := b.p.Plans[pl.Name]; dup {
		return fmt.Errorf("name: %q is defined twice (7x24, 7x12 and 5x9 are built in)", pl.Name)
	}
	cal, err := b.calendarNamed("calendar", pl.Calendar)
	if err != nil {
		return err
	}
	spec := sla.PlanSpec{Name: pl.Name, Calendar: cal, Targets: sla.DefaultTargets(), Reminders: pl.Reminders, QuietExempt: pl.QuietExempt}
	for sev, t := range pl.Targets {
		if sev < 1 || sev > sla.Severities {
			return fmt.Errorf("targets.%d: severity must be 1 to 5", sev)
		}
		if spec.Targets[sev-1], err = b.targets(t); err != nil {
			return at(fmt.Sprintf("targets.%d", sev), err)
		}
	}
	if spec.Channels, err = channels(pl.Channels); err != nil {
		return err
	}
	if spec.OutOfHours, err = outOfHours(pl.OutOfHours); err != nil {
		return at("out_of_hours", err)
	}
	if spec.OnSite, err = sla.ParseTarget(pl.OnSite); err != nil {
		return at("on_site", err)
	}
	plan, err := sla.NewPlan(spec)
	if err != nil {
		return err
	}
	for j, role := range pl.Escalation {
		if !knownRoles[role] {
			return fmt.Errorf("escalation[%d]: %q is not a role (%s)", j, role, bot.RoleNames)
		}
	}
	b.p.Plans[pl.Name] = plan
	b.p.Escalation[pl.Name] = DefaultEscalation
	if pl.Escalation != nil {
		b.p.Escalation[pl.Name] = pl.Escalation
	}
	return nil
}

func (b *builder) targets(t TargetsFile) (sla.SeverityTargets, error) {
	var out sla.SeverityTargets
	var err error
	if out.Response, err = sla.ParseTarget(t.Response); err != nil {
		return out, fmt.Errorf("response: %w", err)
	}
	if !out.Response.IsSet() {
		return out, errors.New("response: required")
	}
	if out.Resolution, err = sla.ParseTarget(t.Resolution); err != nil {
		return out, fmt.Errorf("resolution: %w", err)
	}
	if t.Calendar != "" {
		if out.Calendar, err = b.calendarNamed("calendar", t.Calendar); err != nil {
			return out, err
		}
	}
	return out, nil
}

// channels reads a plan's targets per intake channel.
func channels(chs map[string]ChannelFile) (map[string]sla.ChannelTargets, error) {
	if len(chs) == 0 {
		return nil, nil
	}
	out := make(map[string]sla.ChannelTargets, len(chs))
	for _, name := range slices.Sorted(maps.Keys(chs)) {
		field := "channels." + name
		if !slices.Contains(bot.IntakeChannels, name) {
			return nil, fmt.Errorf("%s: %q is not a channel (%s)", field, name, strings.Join(bot.IntakeChannels, ", "))
		}
		var t sla.ChannelTargets
		var err error
		if t.Response, err = sla.ParseTarget(chs[name].Response); err != nil {
			return nil, fmt.Errorf("%s.response: %w", field, err)
		}
		if t.Resolution, err = sla.ParseTarget(chs[name].Resolution); err != nil {
			return nil, fmt.Errorf("%s.resolution: %w", field, err)
		}
		if !t.Response.IsSet() && !t.Resolution.IsSet() {
			return nil, fmt.Errorf("%s: give a response or a resolution target", field)
		}
		out[name] = t
	}
	return out, nil
}

// outOfHours reads a plan's out-of-hours commitment.
func outOfHours(o *OutOfHoursFile) (*sla.OutOfHours, error) {
	if o == nil {
		return nil, nil
	}
	if len(o.Severities) == 0 {
		return nil, errors.New("severities: list the urgent severities, like [1, 2]")
	}
	for j, sev := range o.Severities {
		if sev < 1 || sev > sla.Severities {
			return nil, fmt.Errorf("severities[%d]: severity must be 1 to 5", j)
		}
	}
	out := &sla.OutOfHours{Severities: o.Severities}
	var err error
	if out.Response, err = sla.ParseTarget(o.Response); err != nil {
		return nil, fmt.Errorf("response: %w", err)
	}
	if out.Resolution, err = sla.ParseTarget(o.Resolution); err != nil {
		return nil, fmt.Errorf("resolution: %w", err)
	}
	if !out.Response.IsSet() && !out.Resolution.IsSet() {
		return nil, errors.New(`give a response or a resolution target, like response: "wall 4h"`)
	}
	return out, nil
}

func (b *builder) calendarNamed(field, name string) (*sla.Calendar, error) {
	if name == "" {
		return nil, fmt.Errorf("%s: required (7x24, 7x12, 5x9 or one under calendars)", field)
	}
	cal, ok := b.p.Calendars[name]
	if !ok {
		return nil, fmt.Errorf("%s: no calendar %q (7x24, 7x12, 5x9 or one under calendars)", field, name)
	}
	return cal, nil
}

func (b *builder) units() error {
	seen := map[string]bool{}
	for i, u := range b.file.Units {
		unit, err := b.unit(u)
		if err != nil {
			return at(fmt.Sprintf("units[%d]", i), err)
		}
		if seen[unit.Name] {
			return fmt.Errorf("units[%d].name: %q is listed twice", i, unit.Name)
		}
		seen[unit.Name] = true
		b.p.Units = append(b.p.Units, unit)
	}
	return nil
}

func (b *builder) unit(u UnitFile) (bot.Unit, error) {
	name := strings.TrimSpace(u.Name)
	if name == "" {
		return bot.Unit{}, errors.New("name: required")
	}
	plan := u.Plan
	if plan == "" {
		plan = sla.DefaultPlan
	}
	if _, ok := b.p.Plans[plan]; !ok {
		return bot.Unit{}, fmt.Errorf("plan: no plan %q (7x24, 7x12, 5x9 or one under plans)", plan)
	}
	out := bot.Unit{Name: name, Plan: plan}
	var err error
	if out.ServiceStart, err = optionalDate("service_start", u.ServiceStart); err != nil {
		return bot.Unit{}, err
	}
	if out.ServiceEnd, err = optionalDate("service_end", u.ServiceEnd); err != nil {
		return bot.Unit{}, err
	}
	if out.ServiceStart != nil && out.ServiceEnd != nil && out.ServiceEnd.Before(*out.ServiceStart) {
		return bot.Unit{}, errors.New("service_end: before service_start")
	}
	if out.Maintenance, err = obligations(u.Maintenance); err != nil {
		return bot.Unit{}, err
	}
	return out, nil
}

func optionalDate(field, s string) (*sla.Date, error) {
	if s == "" {
		return nil, nil
	}
	d, err := sla.ParseDate(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	return &d, nil
}

func (b *builder) staff() error {
	numbers := map[string]bool{}
	for i, s := range b.file.Staff {
		spec, err := b.staffMember(s)
		if err != nil {
			return at(fmt.Sprintf("staff[%d]", i), err)
		}
		if numbers[spec.Number] {
			return fmt.Errorf("staff[%d].number: %q is listed twice", i, spec.Number)
		}
		numbers[spec.Number] = true
		b.p.Staff = append(b.p.Staff, spec)
	}
	return nil
}

func (b *builder) staffMember(s StaffFile) (StaffSpec, error) {
	if strings.TrimSpace(s.Number) == "" {
		return StaffSpec{}, errors.New(`number: required (the staff number, 工号, quoted like "007")`)
	}
	if strings.TrimSpace(s.Name) == "" {
		return StaffSpec{}, errors.New("name: required")
	}
	if len(s.Roles) == 0 {
		return StaffSpec{}, errors.New("roles: at least one of " + bot.RoleNames)
	}
	for j, r := range s.Roles {
		if !knownRoles[r] {
			return StaffSpec{}, fmt.Errorf("roles[%d]: %q is not a role (%s)", j, r, bot.RoleNames)
		}
	}
	if s.Hours != "" {
		if _, ok := b.p.Calendars[s.Hours]; !ok {
			return StaffSpec{}, fmt.Errorf("hours: no calendar %q", s.Hours)
		}
	}
	units := make([]string, len(s.Units))
	for j, u := range s.Units {
		name, ok := b.unitNamed(u)
		if !ok {
			return StaffSpec{}, fmt.Errorf("units[%d]: %q is not under units", j, u)
		}
		units[j] = name
	}
	return StaffSpec{Number: strings.TrimSpace(s.Number), Name: strings.TrimSpace(s.Name), Roles: s.Roles,
		TelegramUserID: s.TelegramUserID, Units: units, Hours: s.Hours}, nil
}

// unitNamed is the policy's unit that name means, matched as customers'
// unit names are (spaces, case and full-width letters aside). A policy
// that lists no units takes any name: its units are those customers give.
func (b *builder) unitNamed(name string) (string, bool) {
	name = strings.TrimSpace(name)
	if len(b.p.Units) == 0 {
		return name, name != ""
	}
	key := bot.UnitKey(name)
	for _, u := range b.p.Units {
		if bot.UnitKey(u.Name) == key {
			return u.Name, true
		}
	}
	return "", false
}
