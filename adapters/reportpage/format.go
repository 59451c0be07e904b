package reportpage

import (
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/report"
)

// none stands for a figure that cannot be given: a percentage of nothing,
// a time not yet reached.
const none = "—"

// percent writes a share as people read it: 92.5%, 100%, 0%.
func percent(v float64) string {
	s := strconv.FormatFloat(v*100, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}

// percentOf is percent, or none for nil.
func percentOf(p *float64) string {
	if p == nil {
		return none
	}
	return percent(*p)
}

// share is n out of total as a percentage, or none when total is zero.
func share(n, total int) string {
	if total == 0 {
		return none
	}
	return percent(float64(n) / float64(total))
}

// onTimeRate is the share of an OnTime's decided deadlines that were met.
func onTimeRate(o report.OnTime) string {
	r, ok := o.Rate()
	if !ok {
		return none
	}
	return percent(r)
}

// duration writes a length of time in Chinese: 45分钟, 2小时30分, 3天4小时.
// Past a day the minutes are left out.
func duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Minute)
	if d == 0 {
		return "不足1分钟"
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60
	switch {
	case days > 0 && hours > 0:
		return strconv.Itoa(days) + "天" + strconv.Itoa(hours) + "小时"
	case days > 0:
		return strconv.Itoa(days) + "天"
	case hours > 0 && mins > 0:
		return strconv.Itoa(hours) + "小时" + strconv.Itoa(mins) + "分"
	case hours > 0:
		return strconv.Itoa(hours) + "小时"
	default:
		return strconv.Itoa(mins) + "分钟"
	}
}

// spreadTime is duration for a set's median or percentile, or none when
// the set is empty.
func spreadTime(n int, d time.Duration) string {
	if n == 0 {
		return none
	}
	return duration(d)
}

// stamp writes a time to the minute; the year is left out when it is the
// report's year.
func stamp(t time.Time, year int) string {
	if t.IsZero() {
		return none
	}
	if t.Year() == year {
		return t.Format("01-02 15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// monthTitle is "2026年11月" for "2026-11", or the text itself when it is
// not a month.
func monthTitle(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月"
}

// severityName names a severity by the labels the SLA table carries, or
// "N级" when it has none for it.
func severityName(labels map[int]string, sev int) string {
	if l := labels[sev]; l != "" {
		return l
	}
	return strconv.Itoa(sev) + "级"
}

// orNone is s, or none when s is empty.
func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return none
	}
	return s
}
