package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/cmd/internal/staffview"
)

const staffSynopsis = `staff COMMAND

Manages the staff roster (also loaded from the policy file's staff list at
every start).

  hotline staff list
  hotline staff add --number 008 --name 张工 --roles engineer [--units "A单位,B单位"] [--hours 5x9]
  hotline staff disable NUMBER
  hotline staff enable NUMBER
  hotline staff invite NUMBER [--ttl 72h]

invite prints a one-time code; the staff member sends /start CODE to the
Telegram bot to link their account.`

func runStaff(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(env.stdout, "Usage: hotline "+staffSynopsis)
		if len(args) == 0 {
			return usageError{errors.New("a subcommand is required: list, add, disable, enable or invite")}
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	run, ok := map[string]func(context.Context, *cliEnv, *staffCmd, []string) error{
		"list": staffList, "add": staffAdd, "disable": staffActive(false), "enable": staffActive(true), "invite": staffInvite,
	}[sub]
	if !ok {
		return usageError{fmt.Errorf("unknown subcommand %q (list, add, disable, enable, invite)", sub)}
	}
	return run(ctx, env, &staffCmd{}, rest)
}

// staffCmd is what a staff subcommand works with.
type staffCmd struct{ opened }

func staffList(ctx context.Context, env *cliEnv, c *staffCmd, args []string) error {
	fs := newFlagSet(env, "staff list", "staff list [--json]")
	asJSON := fs.Bool("json", false, "print a JSON array")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := c.open(ctx, env); err != nil {
		return err
	}
	defer c.b.Close()
	staff, err := c.b.rec.Staff.ListStaff(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env, staffview.JSON(staff))
	}
	return staffview.Table(staff).Write(env.stdout)
}

func orAll(s string) string {
	if s == "" {
		return "all"
	}
	return s
}

func orAlways(s string) string {
	if s == "" {
		return "always"
	}
	return s
}

func linked(id *int64) string {
	if id == nil {
		return "not linked"
	}
	return "linked"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func staffAdd(ctx context.Context, env *cliEnv, c *staffCmd, args []string) error {
	fs := newFlagSet(env, "staff add", "staff add --number N --name NAME --roles ROLES [--units U1,U2] [--hours CALENDAR]")
	number := fs.String("number", "", "staff number (工号), required")
	name := fs.String("name", "", "name, required")
	roles := fs.String("roles", "", "comma separated: "+bot.RoleNames)
	units := fs.String("units", "", "comma separated unit names served; empty: all units")
	hours := fs.String("hours", "", "calendar of working hours (7x24, 7x12, 5x9 or one in the policy file); empty: always on duty")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := c.open(ctx, env); err != nil {
		return err
	}
	defer c.b.Close()
	spec := policy.StaffSpec{Number: strings.TrimSpace(*number), Name: strings.TrimSpace(*name), Roles: splitList(*roles),
		Units: splitList(*units), Hours: *hours}
	spec, err := c.policy.CheckStaff(spec)
	if err != nil {
		return usageError{err}
	}
	s := spec.Staff(time.Now())
	if err := c.b.rec.Staff.AddStaff(ctx, &s); err != nil {
		if errors.Is(err, bot.ErrConflict) {
			return fmt.Errorf("--number: staff number %s is taken", spec.Number)
		}
		return err
	}
	fmt.Fprintf(env.stdout, "added %s; link their Telegram with: hotline staff invite %s\n", s.Label(), s.Number)
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "，", ","), ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func staffActive(active bool) func(context.Context, *cliEnv, *staffCmd, []string) error {
	verb, what := "disable", "gets no new tickets and cannot act in Telegram"
	if active {
		verb, what = "enable", "takes tickets and acts in Telegram again"
	}
	return func(ctx context.Context, env *cliEnv, c *staffCmd, args []string) error {
		fs := newFlagSet(env, "staff "+verb, "staff "+verb+" NUMBER\n\nThe staff member "+what+".")
		var number string
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			number, args = args[0], args[1:]
		}
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if number == "" {
			return usageError{fmt.Errorf("give one staff number, like: hotline staff %s 007", verb)}
		}
		if err := c.open(ctx, env); err != nil {
			return err
		}
		defer c.b.Close()
		if err := c.b.rec.Staff.SetStaffActive(ctx, number, active, time.Now()); errors.Is(err, bot.ErrNotFound) {
			return fmt.Errorf("no staff number %s", number)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "staff %s %sd: %s\n", number, verb, what)
		return nil
	}
}

func staffInvite(ctx context.Context, env *cliEnv, c *staffCmd, args []string) error {
	fs := newFlagSet(env, "staff invite", "staff invite NUMBER [--ttl 72h]")
	ttl := fs.Duration("ttl", 72*time.Hour, "how long the code is valid")
	var number string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		number, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if number == "" {
		return usageError{errors.New("give the staff number, like: hotline staff invite 007")}
	}
	if *ttl < time.Minute || *ttl > 30*24*time.Hour {
		return usageError{fmt.Errorf("--ttl %s: want from 1m to 720h (30 days), like --ttl 72h", *ttl)}
	}
	if err := c.open(ctx, env); err != nil {
		return err
	}
	defer c.b.Close()
	s, err := c.b.rec.Staff.StaffByNumber(ctx, number)
	if errors.Is(err, bot.ErrNotFound) {
		return fmt.Errorf("no staff number %s (add them first: hotline staff add)", number)
	}
	if err != nil {
		return err
	}
	code := rand.Text()[:10]
	if err := c.b.rec.Staff.CreateInvite(ctx, s.ID, bot.InviteHash(code), time.Now().Add(*ttl)); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Invite for %s, valid until %s. They send this to the Telegram bot:\n\n/start %s\n", s.Label(),
		time.Now().Add(*ttl).In(c.cfg.Location).Format("2006-01-02 15:04"), code)
	return nil
}
