package policy

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/hotline-desk/hotline/bot/sla"
)

// Default is the policy without a file: the built-in calendars and plans.
func Default(opt Options) (*Policy, error) { return Build(File{}, opt) }

// Build checks f and builds the policy. An error is one line naming the
// field, like "units[0].plan: no plan \"gold\"".
func Build(f File, opt Options) (*Policy, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	b := &builder{file: &f, opt: opt, p: &Policy{log: opt.Log}}
	steps := []func() error{b.zone, b.holidays, b.calendars, b.plans, b.units, b.staff, b.surveys, b.categories}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return b.p, nil
}

type builder struct {
	file *File
	opt  Options
	p    *Policy
	cn   []sla.Day // China's schedule, shipped plus the file's additions
	cnY  []int
}

// fieldRe matches a message that starts with a field path ("plan: …",
// "roles[0]: …", "targets.2.response: …").
var fieldRe = regexp.MustCompile(`^[a-z_]+(\[\d+\]|\.[a-z_0-9]+)*:`)

// at puts a field path in front of err: "units[0]" + "plan: …" reads
// "units[0].plan: …"; any other message is joined with a colon.
func at(path string, err error) error {
	if fieldRe.MatchString(err.Error()) {
		return fmt.Errorf("%s.%w", path, err)
	}
	return fmt.Errorf("%s: %w", path, err)
}

func (b *builder) zone() error {
	b.p.Location = b.opt.Location
	if b.file.Timezone == "" {
		return nil
	}
	loc, err := time.LoadLocation(b.file.Timezone)
	if err != nil {
		return fmt.Errorf("timezone: unknown zone %q", b.file.Timezone)
	}
	b.p.Location = loc
	return nil
}

func (b *builder) holidays() error {
	b.cn, b.cnY = sla.ChinaHolidays()
	for i, name := range b.file.Holidays.Files {
		year, days, err := b.holidayFile(name)
		if err == nil {
			err = sla.CheckComplete(year, days)
		}
		if err != nil {
			return at(fmt.Sprintf("holidays.files[%d]", i), err)
		}
		b.cn = append(b.cn, days...)
		b.cnY = append(b.cnY, year)
	}
	for i, y := range b.file.Holidays.Years {
		if err := b.holidayYear(i, y); err != nil {
			return err
		}
	}
	days, _, err := parseDays("holidays.days", b.file.Holidays.Days)
	if err != nil {
		return err
	}
	b.cn = append(b.cn, extra(days)...) // stray days: they never make a year complete
	return nil
}

// holidayYear takes a year written out under holidays.years.
func (b *builder) holidayYear(i int, y HolidayYearFile) error {
	field := fmt.Sprintf("holidays.years[%d]", i)
	if y.Year < 2000 || y.Year > 2400 {
		return fmt.Errorf("%s.year: %d; want the year the days are for, like 2027", field, y.Year)
	}
	days, _, err := parseDays(field+".days", y.Days)
	if err != nil {
		return err
	}
	for j, d := range days {
		if d.Date.Year < y.Year-1 || d.Date.Year > y.Year+1 {
			return fmt.Errorf("%s.days[%d].date: %s is not in or next to %d", field, j, d.Date, y.Year)
		}
	}
	if !y.Complete {
		b.cn = append(b.cn, extra(days)...)
		return nil
	}
	if err := sla.CheckComplete(y.Year, days); err != nil {
		return fmt.Errorf("%s: complete: %w", field, err)
	}
	b.cn = append(b.cn, days...)
	b.cnY = append(b.cnY, y.Year)
	return nil
}

// extra marks days added on their own, outside a year's complete schedule.
func extra(days []sla.Day) []sla.Day {
	for i := range days {
		days[i].Extra = true
	}
	return days
}

func (b *builder) holidayFile(name string) (int, []sla.Day, error) {
	if b.opt.ReadFile == nil {
		return 0, nil, errors.New("holiday files cannot be read here")
	}
	data, err := b.opt.ReadFile(name)
	if err != nil {
		return 0, nil, err
	}
	return sla.ParseHolidayCN(bytes.NewReader(data))
}

func parseDays(field string, in []DayFile) ([]sla.Day, []int, error) {
	var days []sla.Day
	seen := map[int]bool{}
	var years []int
	for i, d := range in {
		date, err := sla.ParseDate(d.Date)
		if err != nil {
			return nil, nil, fmt.Errorf("%s[%d].date: %w", field, i, err)
		}
		if d.Off == nil {
			return nil, nil, fmt.Errorf("%s[%d].off: required (true for a day off, false for a make-up working day)", field, i)
		}
		days = append(days, sla.Day{Date: date, Name: d.Name, Off: *d.Off})
		if !seen[date.Year] {
			seen[date.Year] = true
			years = append(years, date.Year)
		}
	}
	return days, years, nil
}

// missingYear logs a year whose schedule is missing, once per process and
// year whichever calendar reaches it first.
func (b *builder) missingYear() func(string, int) {
	return func(cal string, year int) { b.p.warnYear(cal, year) }
}
