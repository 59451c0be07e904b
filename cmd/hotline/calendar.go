package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/engine"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/bot/ticket"
	"github.com/hotline-desk/hotline/store"
)

const calendarSynopsis = `calendar COMMAND

Business calendars and China's holiday schedule.

  hotline calendar show YEAR [--calendar 5x9] [--json]
  hotline calendar import FILE

show prints the year month by month: the days off and the make-up working
days, each with its source (official: the State Council's schedule;
statutory: the public holidays of the national regulations, counted while
the year's schedule is not loaded; policy: a day of the policy file).

import stores a year of the schedule (a holiday-cn JSON file, as published
each November or December) in the database: every replica counts on it
within a minute, and the reminders, escalations and auto-closes of open
tickets move onto it. The times already promised to customers stay as promised. The
file must hold the whole year (every statutory holiday off). Importing a
year again replaces the file imported before; a year shipped with Hotline
or written in the policy file is changed in the policy file instead.`

func runCalendar(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(env.stdout, "Usage: hotline "+calendarSynopsis)
		if len(args) == 0 {
			return usageError{errors.New("a subcommand is required: show or import")}
		}
		return nil
	}
	switch args[0] {
	case "show":
		return calendarShow(ctx, env, args[1:])
	case "import":
		return calendarImport(ctx, env, args[1:])
	}
	return usageError{fmt.Errorf("unknown subcommand %q (show, import)", args[0])}
}

// positional takes the one argument before the flags: hotline calendar show
// 2027 --calendar 5x9.
func positional(args []string, what string) (string, []string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		for _, a := range args {
			if isHelp(a) {
				return "", args, nil // the flag set prints the usage
			}
		}
		return "", nil, usageError{fmt.Errorf("%s is required", what)}
	}
	return args[0], args[1:], nil
}

func calendarShow(ctx context.Context, env *cliEnv, args []string) error {
	year, rest, err := positional(args, "the year (like 2027)")
	if err != nil {
		return err
	}
	fs := newFlagSet(env, "calendar show", "calendar show YEAR [--calendar 5x9] [--json]")
	name := fs.String("calendar", "5x9", "calendar: 7x24, 7x12, 5x9 or one defined in the policy file")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	y, err := strconv.Atoi(year)
	if err != nil || y < 2000 || y > 2400 {
		return usageError{fmt.Errorf("year %q: want a year like 2027", year)}
	}
	var o opened
	if err := o.load(env); err != nil {
		return err
	}
	cal, ok := o.policy.Calendars[*name]
	if !ok {
		return usageError{fmt.Errorf("--calendar %q: no such calendar (have %s)", *name, strings.Join(slices.Sorted(maps.Keys(o.policy.Calendars)), ", "))}
	}
	if err := o.connectIfPresent(ctx); err != nil {
		return err
	}
	defer o.close()
	view := newYearView(cal, y)
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(view)
	}
	return view.writeText(env.stdout)
}

// yearView is a calendar's year as hotline calendar show prints it.
type yearView struct {
	Calendar string      `json:"calendar"`
	Year     int         `json:"year"`
	Source   string      `json:"source"` // official, statutory, weekly pattern, no holidays
	Months   []monthView `json:"months"`
}

type monthView struct {
	Month       string    `json:"month"` // 2027-01
	WorkingDays int       `json:"working_days"`
	Days        []dayView `json:"days"` // days off and make-up working days
}

type dayView struct {
	Date    string `json:"date"`
	Weekday string `json:"weekday"`
	Working bool   `json:"working"`
	Name    string `json:"name,omitempty"`
	Source  string `json:"source"` // official, statutory or policy
}

var weekdaysCN = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

func newYearView(cal *sla.Calendar, year int) yearView {
	v := yearView{Calendar: cal.Name(), Year: year, Source: cal.Year(year).String()}
	for m := time.January; m <= time.December; m++ {
		mv := monthView{Month: fmt.Sprintf("%d-%02d", year, int(m)), Days: []dayView{}}
		for d := (sla.Date{Year: year, Month: m, Day: 1}); d.Month == m; d = d.AddDays(1) {
			info := cal.Explain(d)
			if info.Working {
				mv.WorkingDays++
			}
			if info.Off || info.Makeup {
				mv.Days = append(mv.Days, dayView{Date: d.String(), Weekday: weekdaysCN[d.Weekday()], Working: info.Working,
					Name: info.Name, Source: daySource(cal, info, d)})
			}
		}
		v.Months = append(v.Months, mv)
	}
	return v
}

// daySource says where a special day comes from: a year's official
// schedule, the statute, or a day of the policy file on top. On a calendar
// of its own (not China's schedule) every day is the policy's.
func daySource(cal *sla.Calendar, info sla.DayInfo, d sla.Date) string {
	switch {
	case !cal.Statutory():
	case info.Scheduled:
		return "official"
	case info.Off && info.Source == sla.Statutory && slices.ContainsFunc(sla.StatutoryDays(d.Year), func(s sla.Day) bool { return s.Date == d }):
		return "statutory"
	}
	return "policy"
}

func (v yearView) writeText(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d on %s: %s\n", v.Year, v.Calendar, yearSourceText(v.Source))
	for _, m := range v.Months {
		fmt.Fprintf(&b, "\n%s  %d working days\n", m.Month, m.WorkingDays)
		for _, d := range m.Days {
			kind := "off   "
			if d.Working {
				kind = "worked"
			}
			fmt.Fprintf(&b, "  %s %s  %s  %-9s %s\n", d.Date[5:], d.Weekday, kind, d.Source, d.Name)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func yearSourceText(source string) string {
	switch source {
	case sla.Official.String():
		return "the official schedule"
	case sla.Statutory.String():
		return "PROVISIONAL: the statutory public holidays only; make-up working days are unknown until the year's schedule is added (holidays in the policy file, or hotline calendar import)"
	case sla.WeeklyOnly.String():
		return "the weekly pattern only: no holiday data for this year"
	}
	return "no holidays: the calendar runs by its weekly hours alone"
}

func calendarImport(ctx context.Context, env *cliEnv, args []string) error {
	file, rest, err := positional(args, "the holiday-cn JSON file")
	if err != nil {
		return err
	}
	fs := newFlagSet(env, "calendar import", "calendar import FILE")
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	year, days, err := sla.ParseHolidayCN(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	var o opened
	if err := o.open(ctx, env); err != nil {
		return err
	}
	defer o.close()
	rec, now := o.b.rec, time.Now()
	replacing := o.imports.stored(year)
	if err := o.policy.AddOfficialYear(year, days); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := rec.Holidays.ImportYear(ctx, store.HolidayYear{Year: year, Data: string(data), Source: file, ImportedAt: now}); err != nil {
		return err
	}
	what := fmt.Sprintf("imported %d: %d days", year, len(days))
	if replacing {
		what = fmt.Sprintf("imported %d again: %d days, in place of the file imported before", year, len(days))
	}
	lc := ticket.New(ticket.Deps{Clock: time.Now, Policy: o.policy, Tickets: rec.Tickets, Units: rec.Units, Log: o.log})
	stats := survey.New(survey.Deps{Clock: time.Now, Policy: o.policy, Jobs: rec.Jobs, Log: o.log}).Stats
	renewals := engine.NewRenewals(time.Now, o.policy, rec.Units, rec.Customers, rec.Jobs, nil)
	if err := reschedule(ctx, rec, lc, datedJobs(stats, renewals, now), o.policy, o.log, now); err != nil {
		// Stored: serve's replicas take the year within a minute and move
		// the work themselves.
		return fmt.Errorf("%s, but the open tickets' work was not moved (every replica of serve moves it when it takes the year): %w", what, err)
	}
	fmt.Fprintf(env.stdout, "%s; every replica counts on it within %s, and the open tickets' reminders, escalations and auto-closes were moved onto it\n",
		what, importPoll)
	return nil
}
