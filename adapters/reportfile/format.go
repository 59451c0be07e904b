package reportfile

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/report"
)

// Words the cells use when a value is not there.
const (
	none       = "—"     // a time or verdict that does not exist (yet)
	unmet      = "未完成"   // a missed deadline still not met
	allUnits   = "全部单位"  // the report of every unit
	noTickets  = "本月无工单" // the 概要 of an empty month
	timeLayout = "2006-01-02 15:04"
)

// shareOf is part/whole rounded to four decimals, or nil (an empty cell)
// when whole is zero.
func shareOf(part, whole int) any {
	if whole == 0 {
		return nil
	}
	return roundShare(float64(part) / float64(whole))
}

// sharePtr is the share a report field holds, nil when it has none.
func sharePtr(v *float64) any {
	if v == nil {
		return nil
	}
	return roundShare(*v)
}

// rate is the on-time share of o's decided deadlines, nil with none.
func rate(o report.OnTime) any {
	v, ok := o.Rate()
	if !ok {
		return nil
	}
	return roundShare(v)
}

// roundShare keeps four decimals (0.01%): the figure a reader of either
// file gets back exactly.
func roundShare(v float64) share {
	return share(math.Round(v*1e4) / 1e4)
}

// clock is a time as the report shows it, in the zone it already has.
func clock(t time.Time) string { return t.Format(timeLayout) }

// clockOr is *t as clock shows it, or missing when t is nil.
func clockOr(t *time.Time, missing string) string {
	if t == nil {
		return missing
	}
	return clock(*t)
}

// duration is d in Chinese: 2小时30分, 30分, 5小时, 45秒, 0分. Durations of a
// minute or more are rounded to the minute, shorter ones to the second; days are not used, because a
// business day and a calendar day differ.
func duration(d time.Duration) string {
	if d < 0 {
		return "-" + duration(-d)
	}
	if s := d.Round(time.Second); s < time.Minute {
		if s == 0 {
			return "0分"
		}
		return strconv.FormatInt(int64(s/time.Second), 10) + "秒"
	}
	m := int64(d.Round(time.Minute) / time.Minute)
	h, m := m/60, m%60
	var b strings.Builder
	if h > 0 {
		b.WriteString(strconv.FormatInt(h, 10) + "小时")
	}
	if m > 0 || h == 0 {
		b.WriteString(strconv.FormatInt(m, 10) + "分")
	}
	return b.String()
}

// spreadTime is a duration of a Spread, or "—" when the spread has no
// tickets to measure.
func spreadTime(s report.Spread, d time.Duration) string {
	if s.N == 0 {
		return none
	}
	return duration(d)
}

// unitLabel names the report's unit; "" is every unit.
func unitLabel(unit string) string {
	if unit == "" {
		return allUnits
	}
	return unit
}

// label is how people read a count's value: its label, else its key.
func label(c report.Count) string {
	if c.Label != "" {
		return c.Label
	}
	return c.Key
}

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// yesNo is a verdict: 是, 否, or "—" when it cannot be told.
func yesNo(b *bool) string {
	switch {
	case b == nil:
		return none
	case *b:
		return "是"
	default:
		return "否"
	}
}

// severityLabels maps each severity to its label, as the SLA table names
// them; Row and Breach carry only the number.
func severityLabels(by []report.SeverityOnTime) map[int]string {
	out := make(map[int]string, len(by))
	for _, s := range by {
		if s.Label != "" {
			out[s.Severity] = s.Label
		}
	}
	return out
}

// severityName is a severity as people read it: its label, else 3级.
func severityName(labels map[int]string, severity int) string {
	if l, ok := labels[severity]; ok {
		return l
	}
	return strconv.Itoa(severity) + "级"
}

// ticketList joins ticket numbers: 101、105、109.
func ticketList(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}
