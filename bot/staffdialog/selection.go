package staffdialog

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// Reading a revisit round's selection, the same in Telegram and in the CLI.

// ParsePeriod reads a period of resolution: a month (2026-11), a range of
// days (2026-11-01~2026-11-15, both included), 上月 or 本月. The result is
// [from, to) in loc.
func ParsePeriod(s string, now time.Time, loc *time.Location) (from, to time.Time, err error) {
	s = strings.TrimSpace(s)
	now = now.In(loc)
	switch strings.ToLower(s) {
	case "上月", "last-month":
		from, _ = MonthOf(now, loc)
		return from.AddDate(0, -1, 0), from, nil
	case "本月", "this-month":
		from, to = MonthOf(now, loc)
		return from, to, nil
	}
	if m, err := time.ParseInLocation("2006-01", s, loc); err == nil {
		return m, m.AddDate(0, 1, 0), nil
	}
	a, b, ok := cutRange(s)
	if !ok {
		return from, to, fmt.Errorf("%q: want a month like 2026-11, days like 2026-11-01~2026-11-15, or 上月", s)
	}
	from, err1 := time.ParseInLocation(time.DateOnly, a, loc)
	last, err2 := time.ParseInLocation(time.DateOnly, b, loc)
	if err1 != nil || err2 != nil || last.Before(from) {
		return from, to, fmt.Errorf("%q: want days like 2026-11-01~2026-11-15, the first not after the last", s)
	}
	return from, last.AddDate(0, 0, 1), nil
}

func cutRange(s string) (string, string, bool) {
	for _, sep := range []string{"~", "～", "至", ".."} {
		if a, b, ok := strings.Cut(s, sep); ok {
			return strings.TrimSpace(a), strings.TrimSpace(b), true
		}
	}
	return "", "", false
}

// MonthOf is the calendar month around t in loc, as [from, to).
func MonthOf(t time.Time, loc *time.Location) (time.Time, time.Time) {
	t = t.In(loc)
	from := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 1, 0)
}

// ParseSampleRate reads 30%, 0.3 or 全部 (all).
func ParseSampleRate(s string) (float64, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "全部", "all", "100%":
		return 1, nil
	}
	v, err := bot.ParseShare("sample", s)
	if err != nil {
		return 0, fmt.Errorf("%q: want a share like 30%% (or 全部)", s)
	}
	return v, nil
}

// ParseSeverities reads "1,2" (or "1 2", "1、2"); empty is all.
func ParseSeverities(s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 5 {
			return nil, fmt.Errorf("%q: severities are 1 to 5, like 1,2", s)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// SeveritiesText writes severities as ParseSeverities reads them.
func SeveritiesText(sev []int) string {
	parts := make([]string, len(sev))
	for i, n := range sev {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// Filters narrow a round to a unit, an engineer and severities.
type Filters struct {
	Unit       string
	Engineer   string
	Severities []int
}

// ParseFilters reads the staff's filter line: 全部, or any of 单位=NAME
// 工程师=NUMBER 级别=1,2 (also unit=, engineer=, severity=).
func ParseFilters(s string) (Filters, error) {
	var f Filters
	s = strings.TrimSpace(s)
	if s == "" || s == "全部" || strings.EqualFold(s, "all") {
		return f, nil
	}
	for _, field := range strings.Fields(strings.ReplaceAll(s, "＝", "=")) {
		k, v, ok := strings.Cut(field, "=")
		if !ok || v == "" {
			return f, fmt.Errorf("%q: want 单位=名称 工程师=工号 级别=1,2", field)
		}
		switch strings.ToLower(k) {
		case "单位", "unit":
			f.Unit = v
		case "工程师", "engineer":
			f.Engineer = v
		case "级别", "severity":
			sev, err := ParseSeverities(v)
			if err != nil {
				return f, err
			}
			f.Severities = sev
		default:
			return f, fmt.Errorf("%q: want 单位, 工程师 or 级别", k)
		}
	}
	return f, nil
}

// PeriodText writes [from, to) as the days it holds: 2026-11-01~2026-11-30.
func PeriodText(from, to time.Time, loc *time.Location) string {
	last := to.In(loc).AddDate(0, 0, -1)
	return from.In(loc).Format(time.DateOnly) + "~" + last.Format(time.DateOnly)
}
