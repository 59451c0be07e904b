package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/cmd/internal/ticketview"
	"github.com/hotline-desk/hotline/store"
)

const ticketSynopsis = `ticket COMMAND

Tickets taken outside WeChat (a phone call, an e-mail, a visit), on the
same clock and with the channel's commitments, and the operator's view of
every ticket.

  hotline ticket new --unit U --contact NAME --phone P --channel phone|email|visit|other
                     --severity N --description TEXT [--room R] [--at TIME] [--assign NUMBER] [--json]
  hotline ticket list [--open] [--unit U] [--limit N] [--json]
  hotline ticket show N [--json]

new opens the ticket as /new in Telegram does: the clock starts at --at
(default now), the engineer is pinged (by a running hotline serve), and a
caller who follows the official account gets the ticket number and the
committed times in WeChat.`

func runTicket(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(env.stdout, "Usage: hotline "+ticketSynopsis)
		if len(args) == 0 {
			return usageError{errors.New("a subcommand is required: new, list or show")}
		}
		return nil
	}
	run, ok := map[string]func(context.Context, *cliEnv, []string) error{
		"new": ticketNew, "list": ticketList, "show": ticketShow,
	}[args[0]]
	if !ok {
		return usageError{fmt.Errorf("unknown subcommand %q (new, list, show)", args[0])}
	}
	return run(ctx, env, args[1:])
}

// ticketNewFlags are ticket new's flags.
type ticketNewFlags struct {
	ticketview.CallFlags
	assign string
	json   bool
}

func ticketNew(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "ticket new", "ticket new --unit U --contact NAME --phone P --channel phone|email|visit|other --severity N --description TEXT [--room R] [--at TIME] [--assign NUMBER] [--json]")
	var f ticketNewFlags
	fs.StringVar(&f.Unit, "unit", "", "the customer's unit, required")
	fs.StringVar(&f.Contact, "contact", "", "the contact's name, required")
	fs.StringVar(&f.Phone, "phone", "", "the contact's phone (mobile, or a landline with its area code), required")
	fs.StringVar(&f.Channel, "channel", "", "how the request came in: phone, email, visit or other, required")
	fs.IntVar(&f.Severity, "severity", 0, "1 (fatal) to 5 (suggestion), required")
	fs.StringVar(&f.Description, "description", "", "the problem, required")
	fs.StringVar(&f.Room, "room", "", "room or department")
	fs.StringVar(&f.At, "at", "", "when the request came in: RFC 3339, or 2006-01-02 15:04 in the configured zone; default now")
	fs.StringVar(&f.assign, "assign", "", "staff number of the engineer to assign; default: the usual assignment")
	fs.BoolVar(&f.json, "json", false, "print the ticket as JSON (as ticket show --json)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := LoadConfig(env.getenv)
	if err != nil {
		return err
	}
	settings, err := policyfile.Load(cfg.ConfigPath, cfg.Location, newLogger(env.stderr, max(cfg.LogLevel, slog.LevelError), cfg.Location))
	if err != nil {
		return err
	}
	call, err := f.Call(cfg.Location, time.Now(), settings.Policy.Unit)
	if err != nil {
		return usageError{err}
	}
	a, b, err := openApp(ctx, env, cfg, settings)
	if err != nil {
		return err
	}
	defer b.Close()
	if call.Assign, err = assignee(ctx, b.rec.Staff, f.assign); err != nil {
		return err
	}
	o, err := a.desk.Lifecycle.OpenForCall(ctx, call)
	var ue *bot.UserError
	if errors.As(err, &ue) {
		return usageError{errors.New(ue.Message)}
	}
	if err != nil {
		return err
	}
	if f.json {
		return writeJSON(env, ticketview.NewJSON(o.Ticket, nil, cfg.Location))
	}
	// The number alone on stdout (the contract); for people, the rest on stderr.
	fmt.Fprintln(env.stdout, o.Ticket.ID)
	return ticketview.Opened(env.stderr, o.Ticket, o.Created, o.Linked, cfg.Location)
}

// assignee is the engineer --assign names; nil for none.
func assignee(ctx context.Context, staff bot.StaffStore, number string) (*bot.Staff, error) {
	if number = strings.TrimSpace(number); number == "" {
		return nil, nil
	}
	s, err := staff.StaffByNumber(ctx, number)
	if errors.Is(err, bot.ErrNotFound) {
		return nil, usageError{fmt.Errorf("--assign: no staff number %q", number)}
	}
	if err == nil && (!s.Reachable() || !(s.HasRole(bot.RoleEngineer) || s.HasRole(bot.RoleLead))) {
		return nil, usageError{fmt.Errorf("--assign %s: %s is not an engineer or lead who can be pinged (active, Telegram linked)", number, s.Name)}
	}
	return s, err
}

// openApp builds Hotline as serve does, on the migrated stores, for a
// command that acts through the desk: its messages to staff wait in the
// outbox for a running serve, and those to customers go at once.
func openApp(ctx context.Context, env *cliEnv, cfg *Config, settings *policyfile.Settings) (*app, *backends, error) {
	log := newLogger(env.stderr, max(cfg.LogLevel, slog.LevelWarn), cfg.Location)
	b, err := openBackends(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	a, err := func() (*app, error) {
		if err := b.rec.DB.Migrate(ctx, log); err != nil {
			return nil, err
		}
		a, err := newApp(cfg, settings, b, log, appOptions{})
		if err != nil {
			return nil, err
		}
		a.imports.OwnYearLevel = slog.LevelDebug
		_, err = a.imports.Apply(ctx, b.rec.Holidays, settings.Policy, log)
		return a, err
	}()
	if err != nil {
		b.Close()
		return nil, nil, err
	}
	return a, b, nil
}

func ticketList(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "ticket list", "ticket list [--open] [--unit U] [--limit N] [--json]")
	open := fs.Bool("open", false, "only tickets not closed")
	unit := fs.String("unit", "", "only this unit's tickets")
	limit := fs.Int("limit", 50, "at most this many, newest first (1 to 1000)")
	asJSON := fs.Bool("json", false, "print a JSON array")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *limit < 1 || *limit > 1000 {
		return usageError{fmt.Errorf("--limit %d: want 1 to 1000", *limit)}
	}
	var o opened
	if err := o.open(ctx, env); err != nil {
		return err
	}
	defer o.close()
	// Units match by store.TicketFilter's key, as customers' names do: no
	// need to look the policy's spelling up.
	ts, err := o.b.rec.Tickets.ListTickets(ctx, store.TicketFilter{Open: *open, Unit: strings.TrimSpace(*unit), Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]ticketview.JSON, len(ts))
		for i := range ts {
			out[i] = ticketview.NewJSON(&ts[i], nil, o.cfg.Location)
		}
		return writeJSON(env, out)
	}
	return ticketview.Table(env.stdout, ts, o.cfg.Location)
}

func ticketShow(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "ticket show", "ticket show N [--json]\n\nPrints the service ticket form (系统服务单) and the service log.")
	asJSON := fs.Bool("json", false, "print one JSON object, with the service log")
	id, rest, err := ticketArg(args)
	if err != nil {
		return err
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if id == 0 {
		return usageError{errors.New("which ticket? hotline ticket show N")}
	}
	var o opened
	if err := o.open(ctx, env); err != nil {
		return err
	}
	defer o.close()
	t, err := o.b.rec.Tickets.Ticket(ctx, id)
	if errors.Is(err, bot.ErrNotFound) {
		return fmt.Errorf("no ticket #%d", id)
	}
	if err != nil {
		return err
	}
	events, err := o.b.rec.Tickets.Events(ctx, id)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env, ticketview.NewJSON(t, events, o.cfg.Location))
	}
	ticketview.Form(env.stdout, t, events, o.cfg.Location)
	return nil
}

// ticketArg takes the ticket number from the arguments (before or after
// the flags; "#12" or "12").
func ticketArg(args []string) (int64, []string, error) {
	var rest []string
	var id int64
	for _, a := range args {
		if strings.HasPrefix(a, "-") || id != 0 {
			rest = append(rest, a)
			continue
		}
		n, err := strconv.ParseInt(strings.TrimPrefix(a, "#"), 10, 64)
		if err != nil || n <= 0 {
			return 0, nil, usageError{fmt.Errorf("%q is not a ticket number", a)}
		}
		id = n
	}
	if slices.ContainsFunc(rest, isHelp) {
		return 0, rest, nil
	}
	return id, rest, nil
}

func writeJSON(env *cliEnv, v any) error {
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
