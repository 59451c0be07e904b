package policy

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/sla"
)

func (b *builder) calendars() error {
	b.p.Calendars = map[string]*sla.Calendar{}
	for _, name := range builtinCalendars {
		spec, err := sla.PresetSpec(name, b.p.Location)
		if err != nil {
			return err
		}
		if spec.Statutory {
			spec.Days, spec.Years = b.cn, b.cnY
			spec.OnMissingYear = b.missingYear()
		}
		if b.p.Calendars[name], err = sla.NewCalendar(spec); err != nil {
			return err
		}
	}
	for i, c := range b.file.Calendars {
		cal, err := b.calendar(c)
		if err != nil {
			return at(fmt.Sprintf("calendars[%d]", i), err)
		}
		b.p.Calendars[c.Name] = cal
	}
	return nil
}

func (b *builder) calendar(c CalendarFile) (*sla.Calendar, error) {
	if c.Name == "" {
		return nil, errors.New("name: required")
	}
	if _, dup := b.p.Calendars[c.Name]; dup {
		return nil, fmt.Errorf("name: %q is defined twice (7x24, 7x12 and 5x9 are built in)", c.Name)
	}
	spec := sla.CalendarSpec{Name: c.Name, Location: b.p.Location}
	if c.Timezone != "" {
		loc, err := time.LoadLocation(c.Timezone)
		if err != nil {
			return nil, fmt.Errorf("timezone: unknown zone %q", c.Timezone)
		}
		spec.Location = loc
	}
	if len(c.Hours) == 0 {
		return nil, errors.New(`hours: required, like {mon-fri: ["08:00-12:00", "13:00-18:00"]}`)
	}
	for key, windows := range c.Hours {
		if err := setHours(&spec, key, windows); err != nil {
			return nil, at("hours."+key, err)
		}
	}
	switch c.Holidays {
	case "":
	case "cn":
		spec.Days, spec.Years = append([]sla.Day(nil), b.cn...), append([]int(nil), b.cnY...)
		spec.Statutory = true
	default:
		return nil, fmt.Errorf("holidays: %q is not known (use cn, or leave it out)", c.Holidays)
	}
	days, years, err := parseDays("days", c.Days)
	if err != nil {
		return nil, err
	}
	if spec.Statutory {
		days = extra(days)
	}
	spec.Days = append(spec.Days, days...)
	if !spec.Statutory {
		// The calendar's own schedule: the years it names are its whole.
		// On China's schedule they are extra days, and complete nothing.
		spec.Years = append(spec.Years, years...)
	}
	if len(spec.Days) > 0 {
		spec.OnMissingYear = b.missingYear()
	}
	return sla.NewCalendar(spec)
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// setHours reads a key such as "mon", "mon-fri" or "sat-sun" and windows
// such as "08:00-12:00".
func setHours(spec *sla.CalendarSpec, key string, windows []string) error {
	days, err := weekdayRange(key)
	if err != nil {
		return err
	}
	ws := make([]sla.Window, 0, len(windows))
	for _, w := range windows {
		win, err := parseWindow(w)
		if err != nil {
			return err
		}
		ws = append(ws, win)
	}
	for _, d := range days {
		if spec.Weekly[d] != nil {
			return fmt.Errorf("%s is given twice", d)
		}
		spec.Weekly[d] = ws
	}
	return nil
}

func weekdayRange(key string) ([]time.Weekday, error) {
	from, to, isRange := strings.Cut(strings.ToLower(key), "-")
	a, ok1 := weekdayNames[from]
	z, ok2 := weekdayNames[to]
	if !isRange {
		z, ok2 = a, ok1
	}
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%q is not a day or range of days (mon, tue, … sun; mon-fri)", key)
	}
	var out []time.Weekday
	for d := a; ; d = (d + 1) % 7 {
		out = append(out, d)
		if d == z {
			return out, nil
		}
	}
}

func parseWindow(s string) (sla.Window, error) {
	from, to, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return sla.Window{}, fmt.Errorf("%q: want a window like 08:00-12:00", s)
	}
	a, err1 := clockTime(from)
	z, err2 := clockTime(to)
	if err1 != nil || err2 != nil || z <= a {
		return sla.Window{}, fmt.Errorf("%q: want a window like 08:00-12:00 (24:00 ends the day)", s)
	}
	return sla.Window{Start: a, End: z}, nil
}

func clockTime(s string) (time.Duration, error) {
	var h, m int
	if _, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &h, &m); err != nil {
		return 0, err
	}
	if h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, errors.New("out of range")
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}
