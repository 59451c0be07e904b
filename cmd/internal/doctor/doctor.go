// Package doctor runs hotline doctor's checks of a deployment and prints
// one line each: what was checked, and what to fix when it failed.
package doctor

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// Outcome is how a check came out.
type Outcome int

// The outcomes of a check.
const (
	OK      Outcome = iota
	Skipped         // not configured, and that is allowed
	Warned          // works, but needs attention soon; not a failure
	Failed
)

// Check is one thing to check. Run says what it found; a failure's Fix
// says what to do about it.
type Check struct {
	Name string
	Run  func(ctx context.Context) Result
}

// Result is what a check found.
type Result struct {
	Outcome Outcome
	Detail  string // what was found
	Fix     string // for a failure: what to do
}

// Pass, Skip and Fail build results.
func Pass(format string, a ...any) Result {
	return Result{Outcome: OK, Detail: fmt.Sprintf(format, a...)}
}

// Skip is a check that does not apply.
func Skip(format string, a ...any) Result {
	return Result{Outcome: Skipped, Detail: fmt.Sprintf(format, a...)}
}

// Warn is a check that passed with something to attend to.
func Warn(format string, a ...any) Result {
	return Result{Outcome: Warned, Detail: fmt.Sprintf(format, a...)}
}

// Fail is a failed check with what to fix.
func Fail(detail, fix string) Result { return Result{Outcome: Failed, Detail: detail, Fix: fix} }

// Run runs the checks in order and prints a line for each; it returns how
// many failed.
func Run(ctx context.Context, w io.Writer, checks []Check) int {
	width := 0
	for _, c := range checks {
		width = max(width, runewidth.StringWidth(c.Name))
	}
	failed := 0
	for _, c := range checks {
		r := c.Run(ctx)
		mark := map[Outcome]string{OK: "ok  ", Skipped: "skip", Warned: "warn", Failed: "FAIL"}[r.Outcome]
		line := fmt.Sprintf("%s  %s%s  %s", mark, c.Name, strings.Repeat(" ", width-runewidth.StringWidth(c.Name)), oneLine(r.Detail))
		if r.Outcome == Failed {
			failed++
			if r.Fix != "" {
				line += " — fix: " + oneLine(r.Fix)
			}
		}
		fmt.Fprintln(w, line)
	}
	return failed
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
