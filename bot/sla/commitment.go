package sla

import (
	"fmt"
	"strings"
	"time"
)

// suggestion is the severity of feature requests (功能建议): they get an
// answer, not a fix, so their commitment reads differently.
const suggestion = 5

// Commitment returns the committed times as the customer reads them, in
// Chinese, with the weekday and the calendar they are counted on:
//
//	我们将在 2月24日（周二）09:00 前响应，2月26日（周四）18:00 前解决（按 5×9 服务时间计算，节假日顺延）
//
// Times are read in the plan calendar's zone. A deadline in another year
// than the report names the year; one at midnight reads 00:00 of its own
// day. A suggestion without a resolution target reads
// 我们将在 … 前答复（功能建议将纳入后续版本评估）.
func (c Clock) Commitment(now time.Time) (string, error) {
	t, err := c.targets()
	if err != nil {
		return "", err
	}
	d, err := c.Deadlines(now)
	if err != nil {
		return "", err
	}
	loc := c.Plan.cal.loc
	year := c.ReportedAt.In(loc).Year()
	when := func(due time.Time) string { return CustomerTime(due.In(loc), year) }
	note := "（" + calendarNote(t.Calendar) + "）"
	if d.ResponseRule == RuleOutOfHours {
		// Counted in wall-clock hours, not on the calendar: say so where it applies.
		if d.ResolutionRule == RuleOutOfHours || d.Resolution.IsZero() {
			note = "（" + outOfHoursNote + "）"
		} else {
			return "我们将在 " + when(d.Response) + " 前响应（" + outOfHoursNote + "），" + when(d.Resolution) + " 前解决" + note, nil
		}
	}
	switch resp, res := !d.Response.IsZero(), !d.Resolution.IsZero(); {
	case resp && res:
		return "我们将在 " + when(d.Response) + " 前响应，" + when(d.Resolution) + " 前解决" + note, nil
	case resp && c.Severity == suggestion:
		return "我们将在 " + when(d.Response) + " 前答复（功能建议将纳入后续版本评估）", nil
	case resp:
		return "我们将在 " + when(d.Response) + " 前响应" + note, nil
	case res:
		return "我们将尽快响应，并在 " + when(d.Resolution) + " 前解决" + note, nil
	}
	return "我们已收到您的反馈，将尽快处理", nil
}

// outOfHoursNote says a time counts under the out-of-hours rule.
const outOfHoursNote = "非服务时间紧急受理，按自然时间计算"

var weekdays = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// CustomerTime formats t as 2月24日（周二）09:00, with the year in front when
// it is not reportYear.
func CustomerTime(t time.Time, reportYear int) string {
	s := fmt.Sprintf("%d月%d日（%s）%02d:%02d", int(t.Month()), t.Day(), weekdays[t.Weekday()], t.Hour(), t.Minute())
	if t.Year() != reportYear {
		s = fmt.Sprintf("%d年", t.Year()) + s
	}
	return s
}

// calendarNote says how the times are counted: 按 5×9 服务时间计算, adding
// 节假日顺延 when public holidays push deadlines back.
func calendarNote(cal *Calendar) string {
	s := "按 " + calendarTitle(cal.name) + " 服务时间计算"
	if cal.HasHolidays() {
		s += "，节假日顺延"
	}
	return s
}

// calendarTitle writes 5x9 as 5×9, the way service contracts print it.
func calendarTitle(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if name[i] == 'x' && i > 0 && i+1 < len(name) && isDigit(name[i-1]) && isDigit(name[i+1]) {
			b.WriteString("×")
			continue
		}
		b.WriteByte(name[i])
	}
	return b.String()
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
