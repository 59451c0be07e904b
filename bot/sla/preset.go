package sla

import (
	"fmt"
	"time"
)

// DefaultPlan is the plan of a unit that names none (SERVICE-PRACTICE.md,
// seed 000: 7×12 service).
const DefaultPlan = "7x12"

// PresetSpec returns the spec of a built-in calendar in loc:
//
//	7x24  every day, all day
//	7x12  every day 08:00–20:00
//	5x9   Monday to Friday 08:00–12:00 and 13:00–18:00, with China's
//	      public holidays and make-up working days (ChinaHolidays), and
//	      the statutory holidays in a year without them (Statutory)
//
// Change the spec before NewCalendar to add years or set OnMissingYear.
func PresetSpec(name string, loc *time.Location) (CalendarSpec, error) {
	spec := CalendarSpec{Name: name, Location: loc}
	switch name {
	case "7x24":
		spec.Weekly = everyDay(Window{0, 24 * time.Hour})
	case "7x12":
		spec.Weekly = everyDay(Window{8 * time.Hour, 20 * time.Hour})
	case "5x9":
		for wd := time.Monday; wd <= time.Friday; wd++ {
			spec.Weekly[wd] = []Window{{8 * time.Hour, 12 * time.Hour}, {13 * time.Hour, 18 * time.Hour}}
		}
		spec.Days, spec.Years = ChinaHolidays()
		spec.Statutory = true
	default:
		return CalendarSpec{}, fmt.Errorf("calendar %q: no such built-in calendar (want 7x24, 7x12 or 5x9)", name)
	}
	return spec, nil
}

func everyDay(w Window) (weekly [7][]Window) {
	for wd := range weekly {
		weekly[wd] = []Window{w}
	}
	return weekly
}

// PresetCalendar returns a built-in calendar (see PresetSpec) in loc.
func PresetCalendar(name string, loc *time.Location) (*Calendar, error) {
	spec, err := PresetSpec(name, loc)
	if err != nil {
		return nil, err
	}
	return NewCalendar(spec)
}

// DefaultTargets returns the committed times of SERVICE-PRACTICE.md (seed
// 000, 6.3), all on the plan's calendar: response within 1, 4, 24 and 48
// business hours for severities 1 to 4; resolution within 24 business hours,
// then 2, 3 and 5 working days; a suggestion (severity 5) answered within 3
// working days, with no resolution target.
func DefaultTargets() [Severities]SeverityTargets {
	return [Severities]SeverityTargets{
		{Response: Business(1 * time.Hour), Resolution: Business(24 * time.Hour)},
		{Response: Business(4 * time.Hour), Resolution: WorkingDays(2)},
		{Response: Business(24 * time.Hour), Resolution: WorkingDays(3)},
		{Response: Business(48 * time.Hour), Resolution: WorkingDays(5)},
		{Response: WorkingDays(3)},
	}
}

// BuiltinPlan returns the built-in plan of that name: DefaultTargets on the
// preset calendar of the same name, in loc, with the default reminders and
// quiet-hours exemption. Its calendar has no OnMissingYear hook; build the
// plan with NewPlan from a PresetSpec to set one.
func BuiltinPlan(name string, loc *time.Location) (*Plan, error) {
	cal, err := PresetCalendar(name, loc)
	if err != nil {
		return nil, fmt.Errorf("plan %q: %w", name, err)
	}
	return NewPlan(PlanSpec{Name: name, Calendar: cal, Targets: DefaultTargets()})
}
