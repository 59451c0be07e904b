package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/cmd/internal/surveyview"
	"github.com/hotline-desk/hotline/cmd/internal/table"
)

const surveySynopsis = `survey COMMAND

Satisfaction surveys and revisit rounds (回访) for quality management.

  hotline survey round preview --period 2026-11 [--unit U] [--engineer 007] [--severity 1,2] [--sample 30%] [--questionnaire revisit]
  hotline survey round create  (the same flags) [--seed N]
  hotline survey round status ID
  hotline survey round pause ID | resume ID | close ID
  hotline survey round list [--limit 10]
  hotline survey stats [--month 2026-11 | --from 2026-11-01 --to 2026-11-30]

A round asks the customers whose tickets were resolved in the period (one
survey per customer, about their latest ticket). Customers who replied TD,
unfollowed, or were already asked this month are left out. "hotline serve"
sends the invitations at surveys.send_rate from the policy file.`

func runSurvey(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(env.stdout, "Usage: hotline "+surveySynopsis)
		if len(args) == 0 {
			return usageError{errors.New("a subcommand is required: round or stats")}
		}
		return nil
	}
	switch args[0] {
	case "round":
		return runRound(ctx, env, args[1:])
	case "stats":
		return surveyStats(ctx, env, &surveyCmd{}, args[1:])
	}
	return usageError{fmt.Errorf("unknown subcommand %q (round, stats)", args[0])}
}

func runRound(ctx context.Context, env *cliEnv, args []string) error {
	subs := map[string]func(context.Context, *cliEnv, *surveyCmd, []string) error{
		"preview": roundPreview(false), "create": roundPreview(true), "status": roundStatus, "list": roundList,
		"pause": roundMove("pause"), "resume": roundMove("resume"), "close": roundMove("close"),
	}
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(env.stdout, "Usage: hotline "+surveySynopsis)
		if len(args) == 0 {
			return usageError{errors.New("a subcommand is required: preview, create, status, pause, resume, close or list")}
		}
		return nil
	}
	run, ok := subs[args[0]]
	if !ok {
		return usageError{fmt.Errorf("unknown subcommand %q (preview, create, status, pause, resume, close, list)", args[0])}
	}
	return run(ctx, env, &surveyCmd{}, args[1:])
}

// surveyCmd is what a survey subcommand works with: the database, the
// policy, and a desk on them.
type surveyCmd struct {
	opened
	surveys *survey.Surveys
}

func (c *surveyCmd) open(ctx context.Context, env *cliEnv) error {
	if err := c.opened.open(ctx, env); err != nil {
		return err
	}
	rec := c.b.rec
	c.surveys = survey.New(survey.Deps{Clock: time.Now, Policy: c.policy, Customers: rec.Customers, Tickets: rec.Tickets,
		Jobs: rec.Jobs, Store: rec.Surveys, RoundStore: rec.Rounds, RevisitStore: rec.Revisits, StatsStore: rec.Stats, Log: c.log})
	return nil
}

func roundPreview(create bool) func(context.Context, *cliEnv, *surveyCmd, []string) error {
	return func(ctx context.Context, env *cliEnv, c *surveyCmd, args []string) error {
		name := map[bool]string{false: "preview", true: "create"}[create]
		fs := newFlagSet(env, "survey round "+name, "survey round "+name+" --period 2026-11 [flags]")
		flags := surveyview.AddRoundFlags(fs, create)
		asJSON := fs.Bool("json", false, "print one JSON object")
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if err := c.open(ctx, env); err != nil {
			return err
		}
		defer c.b.Close()
		spec, err := flags.Spec(c.policy, time.Now())
		if err != nil {
			return usageError{err}
		}
		if !create {
			p, err := c.surveys.Rounds.Preview(ctx, spec)
			if err != nil {
				return userFacing(err)
			}
			if *asJSON {
				return writeJSON(env, surveyview.PreviewOf(spec, p, c.policy.Location))
			}
			surveyview.Preview(env.stdout, spec, p, c.policy)
			fmt.Fprintln(env.stdout, "\nStart it with: hotline survey round create "+strings.Join(args, " "))
			return nil
		}
		r, p, err := c.surveys.Rounds.Start(ctx, spec, "cli", nil)
		if err != nil {
			return userFacing(err)
		}
		if *asJSON {
			out := surveyview.PreviewOf(spec, p, c.policy.Location)
			out.Round = &r.ID
			return writeJSON(env, out)
		}
		surveyview.Preview(env.stdout, spec, p, c.policy)
		fmt.Fprintf(env.stdout, "\nRound #%d created: %d invitations, sent by hotline serve at up to %v per second.\nFollow it with: hotline survey round status %d\n",
			r.ID, r.Selected, c.policy.Surveys.SendRate, r.ID)
		return nil
	}
}

// userFacing turns a bot.UserError into its message.
func userFacing(err error) error {
	var ue *bot.UserError
	if errors.As(err, &ue) {
		return errors.New(ue.Message)
	}
	return err
}

// roundID takes the ID argument of command (survey round status) before
// any flags.
func roundID(command string, args []string) (int64, []string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return 0, args, usageError{fmt.Errorf("give the round's ID, like: hotline %s 3", command)}
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, args, usageError{fmt.Errorf("%q is not a round ID", args[0])}
	}
	return id, args[1:], nil
}

// openRound reads "ID [flags]" (or --help), then opens the stores; the
// caller closes them.
func (c *surveyCmd) openRound(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) (int64, error) {
	if len(args) > 0 && isHelp(args[0]) {
		return 0, parseFlags(fs, args)
	}
	id, rest, err := roundID(fs.Name(), args)
	if err != nil {
		return 0, err
	}
	if err := parseFlags(fs, rest); err != nil {
		return 0, err
	}
	return id, c.open(ctx, env)
}

func roundStatus(ctx context.Context, env *cliEnv, c *surveyCmd, args []string) error {
	fs := newFlagSet(env, "survey round status", "survey round status ID\n\nShows a round's progress: invitations sent, failed and answered, and\nthe satisfaction so far.")
	asJSON := fs.Bool("json", false, "print one JSON object")
	id, err := c.openRound(ctx, env, fs, args)
	if err != nil {
		return err
	}
	defer c.b.Close()
	r, p, err := c.surveys.Rounds.Status(ctx, id)
	if errors.Is(err, bot.ErrNotFound) {
		return fmt.Errorf("no round #%d (hotline survey round list)", id)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env, surveyview.Round(r, &p, c.policy.Location))
	}
	surveyview.Status(env.stdout, r, p, c.policy)
	return nil
}

func roundList(ctx context.Context, env *cliEnv, c *surveyCmd, args []string) error {
	fs := newFlagSet(env, "survey round list", "survey round list [--limit N]\n\nLists the latest rounds, newest first.")
	limit := fs.Int("limit", 10, "rounds shown (1 to 1000)")
	asJSON := fs.Bool("json", false, "print a JSON array")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *limit < 1 || *limit > 1000 {
		return usageError{fmt.Errorf("--limit %d: want 1 to 1000", *limit)}
	}
	if err := c.open(ctx, env); err != nil {
		return err
	}
	defer c.b.Close()
	rounds, err := c.surveys.Rounds.List(ctx, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]surveyview.RoundJSON, len(rounds))
		for i := range rounds {
			out[i] = surveyview.Round(&rounds[i], nil, c.policy.Location)
		}
		return writeJSON(env, out)
	}
	if len(rounds) == 0 {
		fmt.Fprintln(env.stdout, "No rounds yet: hotline survey round preview --period last-month")
		return nil
	}
	tb := table.New("ID", "STATUS", "CUSTOMERS", "SELECTION", "CREATED")
	for _, r := range rounds {
		tb.Row(fmt.Sprint(r.ID), r.Status, fmt.Sprint(r.Selected), r.Spec().Describe(c.policy.Location),
			r.CreatedAt.In(c.policy.Location).Format("2006-01-02 15:04"))
	}
	return tb.Write(env.stdout)
}

func roundMove(action string) func(context.Context, *cliEnv, *surveyCmd, []string) error {
	synopsis := map[string]string{
		"pause":  "survey round pause ID\n\nHolds a sending round; the batch in flight finishes.",
		"resume": "survey round resume ID\n\nSends a paused round's remaining invitations.",
		"close":  "survey round close ID\n\nEnds a round: nothing more is sent, and answers after now are thanked and not counted.",
	}[action]
	return func(ctx context.Context, env *cliEnv, c *surveyCmd, args []string) error {
		fs := newFlagSet(env, "survey round "+action, synopsis)
		id, err := c.openRound(ctx, env, fs, args)
		if err != nil {
			return err
		}
		defer c.b.Close()
		do := map[string]func(context.Context, int64) error{"pause": c.surveys.Rounds.Pause, "resume": c.surveys.Rounds.Resume, "close": c.surveys.Rounds.Close}[action]
		if err := do(ctx, id); err != nil {
			return userFacing(err)
		}
		done := map[string]string{"pause": "paused", "resume": "sending again", "close": "closed"}[action]
		fmt.Fprintf(env.stdout, "round #%d: %s\n", id, done)
		return nil
	}
}

func surveyStats(ctx context.Context, env *cliEnv, c *surveyCmd, args []string) error {
	fs := newFlagSet(env, "survey stats", "survey stats [--month 2026-11 | --from 2026-11-01 --to 2026-11-30]\n\nSatisfaction = (满意 + 较满意) / answered; participation = answered / delivered.\nSurveys count in the month they were delivered. Default: last month.")
	month := fs.String("month", "", "a month, like 2026-11")
	from := fs.String("from", "", "first day, like 2026-11-01 (with --to)")
	to := fs.String("to", "", "last day, included")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := c.open(ctx, env); err != nil {
		return err
	}
	defer c.b.Close()
	start, end, err := surveyview.StatsPeriod(*month, *from, *to, c.policy.Location, time.Now())
	if err != nil {
		return usageError{err}
	}
	st, err := c.surveys.Stats.Compute(ctx, start, end)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env, surveyview.StatsOf(st, c.policy))
	}
	surveyview.Stats(env.stdout, st, c.policy)
	return nil
}
