package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	"github.com/hotline-desk/hotline/cmd/internal/calendarview"
	"github.com/hotline-desk/hotline/cmd/internal/yearsync"
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
	view := calendarview.New(cal, y)
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(view)
	}
	return view.WriteText(env.stdout)
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
	replacing := o.imports.Stored(year)
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
	if err := yearsync.Reschedule(ctx, rec, lc, yearsync.DatedJobs(o.policy, stats, renewals, now), o.policy, o.log, now); err != nil {
		// Stored: serve's replicas take the year within a minute and move
		// the work themselves.
		return fmt.Errorf("%s, but the open tickets' work was not moved (every replica of serve moves it when it takes the year): %w", what, err)
	}
	fmt.Fprintf(env.stdout, "%s; every replica counts on it within %s, and the open tickets' reminders, escalations and auto-closes were moved onto it\n",
		what, yearsync.Poll)
	return nil
}
