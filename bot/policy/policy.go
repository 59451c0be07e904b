// Package policy is what an operator decides: calendars, plans, units,
// staff and surveys, with the rules that check them. It builds a Policy
// from a File (the policy file's shape, which adapters/policyfile reads
// from YAML) or from defaults (SERVICE-PRACTICE.md). A Policy is built
// once and read-only afterwards.
package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	// Categories are the fault categories offered, in order (登录, 报表, ...).
	Categories []string

	log     *slog.Logger
	warned  sync.Map   // year → true: its missing schedule was logged
	yearsMu sync.Mutex // orders AddOfficialYear calls
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

var knownRoles = map[string]bool{bot.RoleEngineer: true, bot.RoleLead: true, bot.RoleManager: true, bot.RoleQuality: true,
	bot.RoleDispatcher: true}

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

// warnYear logs, once per year, that a calendar counts a year without its
// official schedule.
func (p *Policy) warnYear(calendar string, year int) {
	if _, seen := p.warned.LoadOrStore(year, true); seen || p.log == nil {
		return
	}
	cal := p.Calendars[calendar]
	if cal != nil && cal.Year(year) == sla.Statutory {
		p.log.Warn("no official holiday schedule for this year yet: counting the statutory public holidays; make-up working days are unknown, so the times promised are provisional; add the year under holidays in the policy file or with hotline calendar import",
			slog.Int("year", year), slog.String("calendar", calendar))
		return
	}
	p.log.Warn("no holiday data for this year: counting by the weekly pattern; add the year under holidays in the policy file",
		slog.Int("year", year), slog.String("calendar", calendar))
}

// WarnProvisional logs, once per year, each of the year of now and the next
// that a calendar counts without its official schedule: what serve says at
// start.
func (p *Policy) WarnProvisional(now time.Time) {
	for _, name := range slices.Sorted(maps.Keys(p.Calendars)) {
		cal := p.Calendars[name]
		for _, y := range cal.ProvisionalYears(now, now.AddDate(1, 0, 0)) {
			p.warnYear(name, y)
		}
	}
}

// Morning is 09:00 on the first working day on or after day, on the 5x9
// calendar (China's schedule, provisional years included): when date-driven
// work reaches people (the monthly survey check, renewal notices).
func (p *Policy) Morning(day sla.Date) time.Time {
	if cal, ok := p.Calendars["5x9"]; ok {
		for n := 0; !cal.IsWorkingDay(day) && n < 366; n++ {
			day = day.AddDays(1)
		}
	}
	return day.In(p.Location).Add(9 * time.Hour)
}

// ErrYearInPolicy is AddOfficialYear's answer for a year whose official
// schedule the policy has from Hotline's own data or the policy file.
var ErrYearInPolicy = errors.New("the policy already has this year's official schedule (shipped with Hotline or written in the policy file); change it in the policy file")

// AddOfficialYear takes a year of China's schedule that arrived while the
// policy is in use (hotline calendar import), or replaces the one taken
// before: every calendar on China's schedule counts the year on it from
// now on. The days must be the year's complete schedule (every statutory
// holiday off, sla.CheckComplete) and agree with the policy's own days;
// otherwise, and for a year of the policy's own (ErrYearInPolicy), it
// returns an error and no calendar changes.
func (p *Policy) AddOfficialYear(year int, days []sla.Day) error {
	p.yearsMu.Lock()
	defer p.yearsMu.Unlock()
	var cals []*sla.Calendar
	for _, name := range slices.Sorted(maps.Keys(p.Calendars)) {
		if cal := p.Calendars[name]; cal.Statutory() {
			cals = append(cals, cal)
		}
	}
	var check error // the first calendar's objection, said after the two below
	for _, cal := range cals {
		err := cal.CheckYear(year, days)
		if errors.Is(err, sla.ErrOwnYear) {
			return fmt.Errorf("%d: %w", year, ErrYearInPolicy) // said first: no file would do
		}
		if check == nil {
			check = err
		}
	}
	if err := sla.CheckComplete(year, days); err != nil {
		return err
	}
	if check != nil {
		return check
	}
	for _, cal := range cals {
		if err := cal.AddYear(year, days); err != nil {
			return err // checked above: only a concurrent change of the calendar outside the policy gets here
		}
	}
	return nil
}

// Fingerprint identifies the holiday data of every calendar as it is now,
// led by China's official years for people reading it: when it changes,
// the work scheduled on the calendars may have to move.
func (p *Policy) Fingerprint() string {
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(p.Calendars)) {
		fmt.Fprintf(h, "%s %s\n", name, p.Calendars[name].Fingerprint())
	}
	years := make([]string, 0, len(p.OfficialYears()))
	for _, y := range p.OfficialYears() {
		years = append(years, strconv.Itoa(y))
	}
	return strings.Join(years, ",") + " " + hex.EncodeToString(h.Sum(nil)[:8])
}

// OfficialYears lists the years of China's schedule the policy has in full.
func (p *Policy) OfficialYears() []int {
	if cal := p.Calendars["5x9"]; cal != nil {
		return cal.OfficialYears()
	}
	return nil
}

// OfficialThrough is the last year whose official holiday schedule the
// policy has (China's, the built-in 5x9's): promises beyond it are
// provisional.
func (p *Policy) OfficialThrough() int {
	cal := p.Calendars["5x9"]
	if cal == nil {
		return 0
	}
	years := cal.OfficialYears()
	if len(years) == 0 {
		return 0
	}
	return slices.Max(years)
}

// CheckStaff checks a staff member added outside the file (hotline staff
// add) by the file's rules, and returns it with its units as the policy
// names them.
func (p *Policy) CheckStaff(s StaffSpec) (StaffSpec, error) {
	b := &builder{p: p}
	checked, err := b.staffMember(StaffFile{Number: s.Number, Name: s.Name, Roles: s.Roles, Units: s.Units, Hours: s.Hours})
	if err != nil {
		return s, err
	}
	checked.TelegramUserID = s.TelegramUserID
	return checked, nil
}
