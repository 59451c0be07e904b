// Package reportcmd is hotline report: the monthly service report
// (《系统服务月报》) on the command line, as XLSX, CSV, HTML or the
// figures in JSON, written to a file or to stdout.
package reportcmd

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hotline-desk/hotline/adapters/reportfile"
	"github.com/hotline-desk/hotline/adapters/reportpage"
	"github.com/hotline-desk/hotline/bot/report"
)

// Env is what the command needs from the binary: where to write, and how
// to open the reports (the policy and the database) once the arguments
// are right.
type Env struct {
	Stdout, Stderr io.Writer
	Open           func(ctx context.Context) (*report.Reports, func(), error)
}

// UsageError is a mistake in the command line (exit code 2).
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

const synopsis = "report monthly --month YYYY-MM [--unit NAME] (--format xlsx|csv|html -o FILE|- | --json [-o FILE|-])"

// Run runs hotline report ARGS.
func Run(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "monthly" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintf(env.Stdout, "Usage: hotline %s\n\nThe monthly service report of a month, for one unit or all units.\n", synopsis)
			return flag.ErrHelp
		}
		return UsageError{fmt.Errorf("usage: hotline %s", synopsis)}
	}
	o, err := parse(env.Stdout, args[1:])
	if err != nil {
		return err
	}
	reports, closeFn, err := env.Open(ctx)
	if err != nil {
		return err
	}
	defer closeFn()
	m, err := reports.Monthly(ctx, o.month, o.unit)
	if err != nil {
		if errors.Is(err, report.ErrBadMonth) {
			return UsageError{err}
		}
		return err
	}
	if err := o.write(env.Stdout, m); err != nil {
		return err
	}
	if m.Empty() {
		fmt.Fprintf(env.Stderr, "hotline report: %s: 本月无工单 (no tickets this month); the report written says so\n", m.Title)
	}
	return nil
}

// options are the command's flags.
type options struct {
	month, unit, format, out string
	json                     bool
}

func parse(stdout io.Writer, args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("report monthly", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.month, "month", "", "the month, YYYY-MM (required)")
	fs.StringVar(&o.unit, "unit", "", "one unit's report (default: all units)")
	fs.StringVar(&o.format, "format", "", "xlsx, csv or html")
	fs.StringVar(&o.out, "o", "", "the file to write, or - for stdout")
	fs.BoolVar(&o.json, "json", false, "print the figures as JSON (to stdout unless -o)")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "Usage: hotline %s\n\n", synopsis)
		fs.PrintDefaults()
		return o, err
	}
	if err == nil {
		err = o.check(fs)
	}
	if err != nil {
		return o, UsageError{err}
	}
	return o, nil
}

func (o *options) check(fs *flag.FlagSet) error {
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.month == "":
		return errors.New("--month YYYY-MM is required")
	case o.json && o.format != "":
		return errors.New("--json and --format are exclusive: --json prints the figures, --format writes a report file")
	case o.json:
		if o.out == "" {
			o.out = "-"
		}
		return nil
	case o.format != "xlsx" && o.format != "csv" && o.format != "html":
		return fmt.Errorf("--format must be xlsx, csv or html (got %q)", o.format)
	case o.out == "":
		return errors.New("-o FILE (or -o - for stdout) is required")
	}
	return nil
}

// write renders m to the output: to stdout, or to a temporary file beside
// the target renamed over it, so a failure leaves no half-written report.
// A new file is readable by its owner only (it holds customers' names).
func (o options) write(stdout io.Writer, m *report.Monthly) error {
	if o.out == "-" {
		return o.render(stdout, m)
	}
	dir := filepath.Dir(o.out)
	tmp, err := os.CreateTemp(dir, ".report-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", o.out, unwrapPath(err))
	}
	defer os.Remove(tmp.Name())
	// The report names customers: it stays the owner's (0600, as the
	// temporary file is) unless it replaces a file whose mode was chosen.
	if old, err := os.Stat(o.out); err == nil {
		if err := tmp.Chmod(old.Mode().Perm()); err != nil {
			tmp.Close()
			return fmt.Errorf("cannot write %s: %w", o.out, err)
		}
	}
	if err := o.render(tmp, m); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", o.out, err)
	}
	if err := os.Rename(tmp.Name(), o.out); err != nil {
		return fmt.Errorf("cannot write %s: %w", o.out, unwrapPath(err))
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

func (o options) render(w io.Writer, m *report.Monthly) error {
	switch {
	case o.json:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	case o.format == "xlsx":
		return reportfile.WriteXLSX(w, m)
	case o.format == "csv":
		return reportfile.WriteCSV(w, m)
	}
	return reportpage.Render(w, m)
}
