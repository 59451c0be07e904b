// Package clitime reads the times operators give on the command line.
package clitime

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ParseAt reads --at: RFC 3339, or a date and time without an offset,
// taken in loc (the configured zone).
func ParseAt(s string, loc *time.Location) (time.Time, error) {
	var firstErr error
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		t, err := time.ParseInLocation(layout, s, loc)
		if err == nil {
			return t, nil
		}
		if strings.Contains(err.Error(), "out of range") && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil { // the shape is right, the date is not: 2026-02-30, 25:00
		var pe *time.ParseError
		if errors.As(firstErr, &pe) {
			return time.Time{}, fmt.Errorf("--at %q: no such date or time (%s)", s, strings.TrimPrefix(pe.Message, ": "))
		}
		return time.Time{}, fmt.Errorf("--at %q: no such date or time", s)
	}
	return time.Time{}, fmt.Errorf("--at %q: want a time like 2026-12-07 14:05 (in %s) or 2026-12-07T14:05:00+08:00", s, loc)
}
