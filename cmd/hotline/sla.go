package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/cmd/internal/clitime"
	"github.com/hotline-desk/hotline/cmd/internal/slareport"
)

const slaSynopsis = `Usage: hotline sla --severity N [--plan NAME] [--channel CHANNEL] [--at TIME] [--json]

Prints the committed times of a ticket: the response and resolution
deadlines with the rule that set each (the severity's target, the intake
channel's, or the out-of-hours rule for urgent requests), the reminder
points before them, and the commitment as the customer reads it.

Severities: 1 致命性问题 fatal, 2 严重问题 severe, 3 普通问题 normal,
4 小问题 minor, 5 功能建议 suggestion.

Example: hotline sla --plan 5x9 --severity 2 --at 2026-02-13T17:00:00+08:00

Flags:
`

// slaRequest is the parsed command line of hotline sla.
type slaRequest struct {
	plan     *sla.Plan
	severity int
	channel  string
	at       time.Time
	json     bool
}

// runSLA runs hotline sla: lookup finds a plan by name (built-in or from the
// policy file), and now is the report time when --at is not given.
func runSLA(args []string, stdout io.Writer, lookup func(name string) (*sla.Plan, error), now time.Time) error {
	req, err := parseSLAFlags(args, stdout, lookup, now)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	return req.write(stdout)
}

// write prints the answer to the request.
func (req slaRequest) write(stdout io.Writer) error {
	clock, err := sla.NewClock(req.plan, req.severity, req.at)
	if err != nil {
		return fmt.Errorf("--severity: %w", err)
	}
	clock.Channel = req.channel
	report, err := slareport.New(clock)
	if err != nil {
		return err
	}
	if req.json {
		return report.WriteJSON(stdout)
	}
	return report.WriteText(stdout)
}

func parseSLAFlags(args []string, stdout io.Writer, lookup func(string) (*sla.Plan, error), now time.Time) (slaRequest, error) {
	fs := flag.NewFlagSet("sla", flag.ContinueOnError)
	plan := fs.String("plan", sla.DefaultPlan, "service plan: 7x24, 7x12, 5x9 or one defined in the policy file")
	severity := fs.Int("severity", 0, "severity of the ticket, 1 to 5 (required)")
	at := fs.String("at", "", "report time: RFC 3339, or 2026-02-13 17:00 in the plan's zone (default now)")
	channel := fs.String("channel", bot.ChannelWeChat, "intake channel: "+strings.Join(bot.IntakeChannels, ", "))
	asJSON := fs.Bool("json", false, "print one JSON object")
	// flag would print its own error and the usage on any mistake; keep
	// the output for --help and return one-line errors instead.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, slaSynopsis)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
		}
		return slaRequest{}, err
	}
	if fs.NArg() > 0 {
		return slaRequest{}, fmt.Errorf("unexpected argument %q (see hotline sla --help)", fs.Arg(0))
	}
	if !slices.Contains(bot.IntakeChannels, *channel) {
		return slaRequest{}, fmt.Errorf("--channel %q: want one of %s", *channel, strings.Join(bot.IntakeChannels, ", "))
	}
	req := slaRequest{severity: *severity, channel: *channel, at: now, json: *asJSON}
	if err := req.check(*plan, *at, lookup); err != nil {
		return slaRequest{}, err
	}
	return req, nil
}

// check resolves the plan and the report time and checks the severity.
func (r *slaRequest) check(plan, at string, lookup func(string) (*sla.Plan, error)) error {
	if r.severity < 1 || r.severity > sla.Severities {
		if r.severity == 0 {
			return errors.New("--severity: required, 1 to 5")
		}
		return fmt.Errorf("--severity %d: want 1 to 5", r.severity)
	}
	p, err := lookup(plan)
	if err != nil {
		return fmt.Errorf("--plan %q: %s", plan, slaOneLine(err.Error()))
	}
	r.plan = p
	if at != "" {
		t, err := clitime.ParseAt(at, p.Calendar().Location())
		if err != nil {
			return err
		}
		r.at = t
	}
	return nil
}

func slaOneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// runSLACommand wires hotline sla to the policy file (plans defined there
// and the built-in ones), the years imported into the database (when there
// is one) and the wall clock.
func runSLACommand(ctx context.Context, env *cliEnv, args []string) error {
	var o opened
	if err := o.load(env); err != nil {
		return err
	}
	req, err := parseSLAFlags(args, env.stdout, o.policy.Plan, time.Now())
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	if err := o.connectIfPresent(ctx); err != nil {
		return err
	}
	defer o.close()
	return req.write(env.stdout)
}
