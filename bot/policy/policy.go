// Package policy is what an operator decides: calendars, plans, units,
// staff and surveys, with the rules that check them. It builds a Policy
// from a File (the policy file's shape, which adapters/policyfile reads
// from YAML) or from defaults (SERVICE-PRACTICE.md). A Policy is built
// once and read-only afterwards.
package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
)

// Policy is what an operator decides.
type Policy struct {
	Location   *time.Location
	Calendars  map[string]*sla.Calendar
	Plans      map[string]*sla.Plan
	Escalation map[string][]string // plan → roles told in order when a deadline is missed
	Units      []bot.Unit
	Staff      []StaffSpec
	Surveys    SurveyPolicy
}

// StaffSpec is a staff member as the policy file lists them.
type StaffSpec struct {
	Number         string
	Name           string
	Roles          []string
	TelegramUserID int64
	Units          []string // empty: all units
	Hours          string   // calendar name; empty: always on duty
}

// Staff is the roster's row for the entry.
func (spec StaffSpec) Staff(now time.Time) bot.Staff {
	s := bot.Staff{Number: spec.Number, Name: spec.Name, RolesText: strings.Join(spec.Roles, ","),
		UnitsText: strings.Join(spec.Units, "\n"), Hours: spec.Hours, Active: true, CreatedAt: now, UpdatedAt: now}
	if spec.TelegramUserID != 0 {
		id := spec.TelegramUserID
		s.TelegramUserID = &id
	}
	return s
}

var knownRoles = map[string]bool{bot.RoleEngineer: true, bot.RoleLead: true, bot.RoleManager: true, bot.RoleQuality: true}

var builtinCalendars = []string{"7x24", "7x12", "5x9"}

// DefaultEscalation is the chain of a plan that names none: the lead, then
// the manager (总经理室, seed 000 6.4).
var DefaultEscalation = []string{bot.RoleLead, bot.RoleManager}

// Unit finds a unit of the policy by name, matched as bot.UnitKey matches
// (the last one listed wins, as it does when the store syncs them).
func (p *Policy) Unit(name string) (bot.Unit, bool) {
	key := bot.UnitKey(name)
	for i := len(p.Units) - 1; i >= 0; i-- {
		if bot.UnitKey(p.Units[i].Name) == key {
			return p.Units[i], true
		}
	}
	return bot.Unit{}, false
}

// Plan returns the named plan, or an error naming the ones there are.
func (p *Policy) Plan(name string) (*sla.Plan, error) {
	if plan, ok := p.Plans[name]; ok {
		return plan, nil
	}
	names := make([]string, 0, len(p.Plans))
	for n := range p.Plans {
		names = append(names, n)
	}
	return nil, fmt.Errorf("no plan %q (have %s)", name, strings.Join(slices.Sorted(slices.Values(names)), ", "))
}

// OnDuty reports whether s is on duty at now: staff without hours always
// are; others while their calendar is open.
func (p *Policy) OnDuty(s *bot.Staff, now time.Time) bool {
	if s.Hours == "" {
		return true
	}
	cal, ok := p.Calendars[s.Hours]
	return !ok || cal.IsOpen(now)
}

// NextOnDuty is when s is next on duty from now.
func (p *Policy) NextOnDuty(s *bot.Staff, now time.Time) time.Time {
	if cal, ok := p.Calendars[s.Hours]; ok && s.Hours != "" {
		return cal.NextOpen(now)
	}
	return now
}

// CheckStaff checks a staff member added outside the file (hotline staff
// add) by the file's rules.
func (p *Policy) CheckStaff(s StaffSpec) error {
	b := &builder{p: p}
	_, err := b.staffMember(StaffFile{Number: s.Number, Name: s.Name, Roles: s.Roles, Units: s.Units, Hours: s.Hours})
	return err
}
