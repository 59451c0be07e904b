// Command hotline is the service desk: the WeChat and Telegram endpoints, the
// scheduler, and the operator's commands. This package only wires.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand of hotline.
type command struct {
	summary string
	run     func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv is what every command gets: where to write, and the environment.
type cliEnv struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() map[string]command {
	return map[string]command{
		"serve":    {"migrate the database, then serve HTTP, WeChat and Telegram", runServe},
		"migrate":  {"apply database migrations and exit", runMigrate},
		"version":  {"print the version", runVersion},
		"health":   {"ask a running serve whether it is up (a container health check's probe)", runHealth},
		"doctor":   {"check the deployment end to end and say what to fix, one line each", runDoctor},
		"staff":    {"manage staff: list, add, disable, enable, invite (links a Telegram account)", runStaff},
		"jobs":     {"list scheduled work due next and jobs that failed", runJobs},
		"sla":      {"show a ticket's committed times on a plan (deadlines, reminders, the customer's sentence)", runSLACommand},
		"calendar": {"show a year of a business calendar with its holidays; import a year of China's holiday schedule", runCalendar},
		"ticket":   {"tickets taken by phone, e-mail or visit (new), and every ticket (list, show)", runTicket},
		"sandbox":  {"try Hotline in a browser: a customer's WeChat, the staff's Telegram and a clock to move, all faked on this machine", runSandbox},
		"report":   {"the monthly service report (系统服务月报) as XLSX, CSV, HTML or JSON", runReport},
		"survey":   {"satisfaction surveys: revisit rounds (create, preview, status, pause, resume, close, list) and statistics", runSurvey},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &cliEnv{stdout: os.Stdout, stderr: os.Stderr, getenv: environ})
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and turns its error into one line on
// stderr and an exit code: 0 ok, 1 failure, 2 usage.
func run(ctx context.Context, args []string, env *cliEnv) int {
	cmds := commands()
	if len(args) > 1 && args[0] == "help" { // hotline help staff: the command's own usage
		args = []string{args[1], "--help"}
	}
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		usage(env.stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "hotline: unknown command %q (see hotline --help)\n", args[0])
		return 2
	}
	err := cmd.run(ctx, env, args[1:])
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(env.stderr, "hotline %s: %s\n", args[0], oneLine(err.Error()))
		return 2
	default:
		fmt.Fprintf(env.stderr, "hotline %s: %s\n", args[0], oneLine(err.Error()))
		return 1
	}
}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "Hotline: a service desk in WeChat and Telegram.")
	fmt.Fprintln(w, "\nUsage: hotline COMMAND [flags]   (every command answers --help)")
	fmt.Fprintln(w, "\nCommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from HOTLINE_* environment variables; see README.md.")
}

// usageError marks a mistake in the command line (exit code 2).
type usageError struct{ error }

// newFlagSet makes a flag set that prints its usage to stdout on --help and
// returns errors instead of exiting.
func newFlagSet(env *cliEnv, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stdout)
	fs.Usage = func() { // to the set's output: silent while parseFlags parses, so --help prints once
		fmt.Fprintf(fs.Output(), "Usage: hotline %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, keeping flag's own messages off stderr: a bad
// flag becomes a one-line usageError.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return err
	}
	if err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// oneLine keeps an error message to one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
