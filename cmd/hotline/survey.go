package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/staffdialog"
	"github.com/hotline-desk/hotline/bot/survey"
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

// roundFlags are the selection flags of preview and create.
type roundFlags struct {
	period, unit, engineer, severity, sample, questionnaire *string
	seed                                                    *int64
}

func addRoundFlags(fs *flag.FlagSet, create bool) roundFlags {
	f := roundFlags{
		period:        fs.String("period", "", "tickets resolved in: a month (2026-11), days (2026-11-01~2026-11-15), or last-month; required"),
		unit:          fs.String("unit", "", "only customers of this unit"),
		engineer:      fs.String("engineer", "", "only tickets of this engineer (staff number)"),
		severity:      fs.String("severity", "", "only these severities, like 1,2"),
		sample:        fs.String("sample", "100%", "share of the eligible customers to ask, like 30%"),
		questionnaire: fs.String("questionnaire", "revisit", "questionnaire from the policy file (surveys.questionnaires)"),
	}
	if create {
		f.seed = fs.Int64("seed", 0, "draws the sample; the same seed draws the same customers (default: random)")
	}
	return f
}

func (f roundFlags) spec(policy *policy.Policy) (survey.RoundSpec, error) {
	if *f.period == "" {
		return survey.RoundSpec{}, usageError{errors.New("--period is required, like --period 2026-11")}
	}
	from, to, err := staffdialog.ParsePeriod(*f.period, time.Now(), policy.Location)
	if err != nil {
		return survey.RoundSpec{}, usageError{fmt.Errorf("--period: %w", err)}
	}
	rate, err := staffdialog.ParseSampleRate(*f.sample)
	if err != nil {
		return survey.RoundSpec{}, usageError{fmt.Errorf("--sample: %w", err)}
	}
	sev, err := staffdialog.ParseSeverities(*f.severity)
	if err != nil {
		return survey.RoundSpec{}, usageError{fmt.Errorf("--severity: %w", err)}
	}
	spec := survey.RoundSpec{From: from, To: to, Unit: *f.unit, Engineer: *f.engineer, Severities: sev, SampleRate: rate,
		Questionnaire: *f.questionnaire, Seed: rand.Int64()}
	if f.seed != nil && *f.seed != 0 {
		spec.Seed = *f.seed
	}
	return spec, nil
}

func roundPreview(create bool) func(context.Context, *cliEnv, *surveyCmd, []string) error {
	return func(ctx context.Context, env *cliEnv, c *surveyCmd, args []string) error {
		name := map[bool]string{false: "preview", true: "create"}[create]
		fs := newFlagSet(env, "survey round "+name, "survey round "+name+" --period 2026-11 [flags]")
		flags := addRoundFlags(fs, create)
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if err := c.open(ctx, env); err != nil {
			return err
		}
		defer c.b.Close()
		spec, err := flags.spec(c.policy)
		if err != nil {
			return err
		}
		if !create {
			p, err := c.surveys.Rounds.Preview(ctx, spec)
			if err != nil {
				return userFacing(err)
			}
			printPreview(env.stdout, spec, p, c.policy)
			fmt.Fprintln(env.stdout, "\nStart it with: hotline survey round create "+strings.Join(args, " "))
			return nil
		}
		r, p, err := c.surveys.Rounds.Start(ctx, spec, "cli", nil)
		if err != nil {
			return userFacing(err)
		}
		printPreview(env.stdout, spec, p, c.policy)
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

func printPreview(w io.Writer, spec survey.RoundSpec, p survey.RoundPreview, policy *policy.Policy) {
	fmt.Fprintf(w, "Selection:  %s\n", spec.Describe(policy.Location))
	fmt.Fprintf(w, "Matching:   %d tickets of %d customers\n", p.Tickets, p.Customers)
	fmt.Fprintf(w, "Left out:   %d replied TD, %d unfollowed, %d already asked this month (cap %d)\n", p.OptedOut, p.Unsubscribed, p.Capped, policy.Surveys.MonthlyCap)
	fmt.Fprintf(w, "Eligible:   %d\nTo ask:     %d\n", p.Eligible, len(p.Chosen))
}

// roundID takes the ID argument before any flags.
func roundID(args []string) (int64, []string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return 0, args, usageError{errors.New("give the round's ID, like: hotline survey round status 3")}
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
	id, rest, err := roundID(args)
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
	printStatus(env.stdout, r, p, c.policy)
	return nil
}

func printStatus(w io.Writer, r *survey.Round, p survey.RoundProgress, policy *policy.Policy) {
	loc := policy.Location
	fmt.Fprintf(w, "Round #%d  %s (%s)\n%s\ncreated %s by %s\n\n", r.ID, r.Status, survey.RoundStatusLabel(r.Status),
		r.Spec().Describe(loc), r.CreatedAt.In(loc).Format("2006-01-02 15:04"), r.CreatedBy)
	done := p.Selected - p.Pending
	fmt.Fprintf(w, "Sent      %s %d/%d\n", progressBar(done, p.Selected, 30), done, p.Selected)
	fmt.Fprintf(w, "Delivered %d   failed %d   pending %d   cancelled %d   expired unanswered %d\n", p.Delivered, p.Failed, p.Pending, p.Cancelled, p.Expired)
	t := p.Tally()
	fmt.Fprintf(w, "Answered  %d   participation %s\n", t.Answered(), share(t.Participation()))
	fmt.Fprintf(w, "Satisfaction %s   满意 %d  较满意 %d  一般 %d  不满意 %d   (target %s)\n", satisfaction(t),
		t.Ratings[0], t.Ratings[1], t.Ratings[2], t.Ratings[3], pct(policy.Surveys.Target))
	for _, e := range p.Errors {
		fmt.Fprintf(w, "Failure: %s\n", e)
	}
}

// progressBar draws done of total as [████░░░░]  47%.
func progressBar(done, total, width int) string {
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	n := int(frac * float64(width))
	return "[" + strings.Repeat("█", n) + strings.Repeat("░", width-n) + "] " + fmt.Sprintf("%3.0f%%", frac*100)
}

func share(v float64, ok bool) string {
	if !ok {
		return "—"
	}
	return pct(v)
}

func pct(v float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(v*100, 'f', 1, 64), ".0") + "%"
}

func satisfaction(t survey.Tally) string {
	v, ok := t.Satisfaction()
	if !ok {
		return "— (no answers yet)"
	}
	return fmt.Sprintf("%s (%d/%d)", pct(v), t.Satisfied(), t.Answered())
}

func roundList(ctx context.Context, env *cliEnv, c *surveyCmd, args []string) error {
	fs := newFlagSet(env, "survey round list", "survey round list [--limit N]\n\nLists the latest rounds, newest first.")
	limit := fs.Int("limit", 10, "rounds shown")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := c.open(ctx, env); err != nil {
		return err
	}
	defer c.b.Close()
	rounds, err := c.surveys.Rounds.List(ctx, *limit)
	if err != nil {
		return err
	}
	if len(rounds) == 0 {
		fmt.Fprintln(env.stdout, "No rounds yet: hotline survey round preview --period last-month")
		return nil
	}
	w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATUS\tCUSTOMERS\tSELECTION\tCREATED")
	for _, r := range rounds {
		fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%s\n", r.ID, r.Status, r.Selected, r.Spec().Describe(c.policy.Location),
			r.CreatedAt.In(c.policy.Location).Format("2006-01-02 15:04"))
	}
	return w.Flush()
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
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := c.open(ctx, env); err != nil {
		return err
	}
	defer c.b.Close()
	start, end, err := statsPeriod(*month, *from, *to, c.policy.Location)
	if err != nil {
		return err
	}
	st, err := c.surveys.Stats.Compute(ctx, start, end)
	if err != nil {
		return err
	}
	printStats(env.stdout, st, c.policy)
	return nil
}

func statsPeriod(month, from, to string, loc *time.Location) (time.Time, time.Time, error) {
	switch {
	case month != "" && (from != "" || to != ""):
		return time.Time{}, time.Time{}, usageError{errors.New("give --month or --from and --to, not both")}
	case from != "" || to != "":
		if from == "" || to == "" {
			return time.Time{}, time.Time{}, usageError{errors.New("--from and --to go together")}
		}
		a, b, err := staffdialog.ParsePeriod(from+"~"+to, time.Now(), loc)
		return a, b, wrapUsage("--from/--to", err)
	case month == "":
		month = "last-month"
	}
	a, b, err := staffdialog.ParsePeriod(month, time.Now(), loc)
	return a, b, wrapUsage("--month", err)
}

func wrapUsage(flag string, err error) error {
	if err == nil {
		return nil
	}
	return usageError{fmt.Errorf("%s: %w", flag, err)}
}

func printStats(w io.Writer, st *survey.Report, policy *policy.Policy) {
	loc := policy.Location
	sp := policy.Surveys
	fmt.Fprintf(w, "Survey statistics %s – %s (by delivery date)\n", st.From.In(loc).Format(time.DateOnly), st.To.In(loc).AddDate(0, 0, -1).Format(time.DateOnly))
	t := st.Total
	verdict := "at or above target"
	if v, ok := t.Satisfaction(); !ok {
		verdict = "no answers"
	} else if v < sp.Target {
		verdict = "BELOW TARGET"
	}
	fmt.Fprintf(w, "Overall: delivered %d, answered %d, satisfaction %s, participation %s; target %s: %s\n",
		t.Delivered, t.Answered(), satisfaction(t), share(t.Participation()), pct(sp.Target), verdict)
	fmt.Fprintf(w, "Ratings: 满意 %d  较满意 %d  一般 %d  不满意 %d\n", t.Ratings[0], t.Ratings[1], t.Ratings[2], t.Ratings[3])

	fmt.Fprintln(w, "\n人员情况统计表 (staff)")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tNAME\tSERVICES\tDELIVERED\tANSWERED\tSATISFACTION\tRATING")
	for _, l := range st.Staff {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", orDashCLI(l.Number), l.Name, l.Services, l.Delivered, l.Answered(), share(l.Satisfaction()), l.Rating)
	}
	tw.Flush()
	r := sp.StaffRating
	fmt.Fprintf(w, "Rating: 好 ≥ %s, 较好 ≥ %s, 一般 below; — with fewer than %d answers (surveys.staff_rating).\n", pct(r.Good), pct(r.Fair), r.MinAnswers)
	for _, part := range []struct {
		title string
		rows  []survey.Breakdown
	}{{"By unit", st.Units}, {"By severity", st.Severities}, {"By month", st.Months}} {
		fmt.Fprintln(w, "\n"+part.title)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "\tDELIVERED\tANSWERED\tSATISFACTION\tPARTICIPATION")
		for _, b := range part.rows {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", orDashCLI(b.Label), b.Delivered, b.Answered(), share(b.Satisfaction()), share(b.Participation()))
		}
		tw.Flush()
	}
}

func orDashCLI(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
