package sla

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TargetKind says how a target counts time.
type TargetKind uint8

// Kinds of targets.
const (
	NoTarget        TargetKind = iota // no commitment: no deadline
	BusinessTime                      // Duration of business time on the calendar
	WorkingDayCount                   // close of business of the Days-th working day after the day of the report
	WallClock                         // Duration of plain elapsed time
)

// Longest targets ParseTarget accepts; anything longer is a typo, and the
// bound keeps calendar walks short.
const (
	maxTargetDuration = 366 * 24 * time.Hour
	maxTargetDays     = 366
)

// Target is one committed time: how long a response or a resolution may take.
// The zero Target is no target.
type Target struct {
	Kind     TargetKind
	Duration time.Duration // BusinessTime and WallClock
	Days     int           // WorkingDayCount
}

// Business returns a target of d business time.
func Business(d time.Duration) Target { return Target{Kind: BusinessTime, Duration: d} }

// Wall returns a target of d wall-clock time.
func Wall(d time.Duration) Target { return Target{Kind: WallClock, Duration: d} }

// WorkingDays returns a target of n working days.
func WorkingDays(n int) Target { return Target{Kind: WorkingDayCount, Days: n} }

// IsSet reports whether t commits to a time at all.
func (t Target) IsSet() bool { return t.Kind != NoTarget }

// targetSyntax is the hint every parse error ends with.
const targetSyntax = `want business time like "4h", "90m" or "1h30m", working days like "2d", wall-clock time like "wall 24h", or "none"`

// ParseTarget parses a target as operators write it in the policy file:
//
//	"4h", "90m", "1h30m"   business time on the calendar
//	"2d"                   2 working days
//	"wall 24h", "24h wall" wall-clock time
//	"", "none"             no target
func ParseTarget(s string) (Target, error) {
	t, err := parseTarget(strings.TrimSpace(s))
	if err != nil {
		return Target{}, fmt.Errorf("target %q: %w", s, err)
	}
	return t, nil
}

func parseTarget(s string) (Target, error) {
	if s == "" || strings.EqualFold(s, "none") {
		return Target{}, nil
	}
	f := strings.Fields(s)
	switch {
	case len(f) == 1:
		return parseAmount(f[0])
	case len(f) == 2 && f[0] == "wall":
		return parseWall(f[1])
	case len(f) == 2 && f[1] == "wall":
		return parseWall(f[0])
	}
	return Target{}, errors.New(targetSyntax)
}

func parseWall(s string) (Target, error) {
	if strings.HasSuffix(s, "d") {
		return Target{}, errors.New(`wall-clock time takes hours and minutes ("wall 48h"), not working days`)
	}
	d, err := parseHoursMinutes(s)
	if err != nil {
		return Target{}, err
	}
	return Wall(d), nil
}

func parseAmount(s string) (Target, error) {
	if !strings.HasSuffix(s, "d") {
		d, err := parseHoursMinutes(s)
		if err != nil {
			return Target{}, err
		}
		return Business(d), nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
	if err != nil {
		return Target{}, errors.New(`working days must be a whole number like "2d"`)
	}
	if n < 1 || n > maxTargetDays {
		return Target{}, fmt.Errorf("working days must be from 1 to %d", maxTargetDays)
	}
	return WorkingDays(n), nil
}

func parseHoursMinutes(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || strings.ContainsAny(s, "+-") {
		return 0, errors.New(targetSyntax)
	}
	switch {
	case d <= 0:
		return 0, errors.New(`must be longer than zero (write "none" for no target)`)
	case d%time.Minute != 0:
		return 0, errors.New(`give whole minutes, like "90m"`)
	case d > maxTargetDuration:
		return 0, fmt.Errorf("longer than a year (%dh); a typo?", int(maxTargetDuration/time.Hour))
	}
	return d, nil
}

// String formats t so that ParseTarget reads it back: "4h", "1h30m", "2d",
// "wall 24h" or "none".
func (t Target) String() string {
	switch t.Kind {
	case BusinessTime:
		return hoursMinutes(t.Duration)
	case WorkingDayCount:
		return strconv.Itoa(t.Days) + "d"
	case WallClock:
		return "wall " + hoursMinutes(t.Duration)
	}
	return "none"
}

func hoursMinutes(d time.Duration) string {
	h, m := d/time.Hour, d%time.Hour/time.Minute
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%dm", h, m)
}

// MarshalText writes t as String does, for YAML and JSON.
func (t Target) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads t as ParseTarget does, for YAML and JSON.
func (t *Target) UnmarshalText(b []byte) error {
	v, err := ParseTarget(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// check rejects targets built in code that ParseTarget would refuse.
func (t Target) check() error {
	switch t.Kind {
	case NoTarget:
		return nil
	case BusinessTime, WallClock:
		if t.Duration <= 0 || t.Duration > maxTargetDuration || t.Duration%time.Minute != 0 {
			return fmt.Errorf("target of %v: want whole minutes from 1m to %dh", t.Duration, int(maxTargetDuration/time.Hour))
		}
		return nil
	case WorkingDayCount:
		if t.Days < 1 || t.Days > maxTargetDays {
			return fmt.Errorf("target %s: working days must be from 1 to %d", t, maxTargetDays)
		}
		return nil
	}
	return fmt.Errorf("target kind %d: unknown", t.Kind)
}

// deadline returns the due instant of t for a clock started at start on cal,
// moved by paused business time. A working-day or wall-clock deadline moves
// by the paused business time counted from the unpaused deadline, so every
// kind of target gives back exactly the business time the customer kept the
// ticket waiting.
func (t Target) deadline(cal *Calendar, start time.Time, paused time.Duration) time.Time {
	switch t.Kind {
	case BusinessTime:
		return cal.AddBusiness(start, t.Duration+paused)
	case WorkingDayCount:
		return cal.AddBusiness(cal.AddWorkingDays(start, t.Days), paused)
	case WallClock:
		return cal.AddBusiness(start.Add(t.Duration), paused)
	}
	return time.Time{}
}
