package staffdialog

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// 约定时间: the time an engineer agreed with the customer for a visit
// becomes its promise. The staff member writes it as people say it
// (明天上午, 今天下午, 12-09 14:00, 14:00); a half day means the latest
// arrival at its end (上午 by 12:00, 下午 by 18:00).

// AwaitVisitTime waits for the time agreed for the visit of Ticket.
const AwaitVisitTime = "visit_time"

// maxVisitDays is how far ahead a visit may be agreed.
const maxVisitDays = 30

// The latest arrival of a half day.
const (
	morningEnds   = 12
	afternoonEnds = 18
)

// visitTimeHint lists the ways to write a time.
const visitTimeHint = "例如：明天上午、今天下午、后天上午、12-09 14:00、2026-12-09 14:00 或 14:00"

var (
	// dayPattern is a day (今天, 明天, 后天, [YYYY-]MM-DD, M月D日) and the
	// rest of the text.
	dayPattern = regexp.MustCompile(`^(?:(今天|明天|后天)|(?:(\d{4})[-/年])?(\d{1,2})[-/月](\d{1,2})[日号]?)\s*(.*)$`)
	// clockPattern is a half day, a clock time (14:00, 14点, 14点30,
	// 2点半), or a half day and a clock time (下午3点).
	clockPattern = regexp.MustCompile(`^(上午|下午|晚上)?\s*(?:(\d{1,2})(?::(\d{2})|[点时](半|\d{1,2})?分?))?$`)
	// dayOffsets are the days named by a word, from today.
	dayOffsets = map[string]int{"今天": 0, "明天": 1, "后天": 2}
	// digitWidth turns the full-width forms a Chinese keyboard types into
	// the ASCII ones.
	digitWidth = strings.NewReplacer("０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7",
		"８", "8", "９", "9", "：", ":", "－", "-", "／", "/", "　", " ")
)

// AskVisitTime starts 约定时间 for ticket.
func AskVisitTime(ticket int64) (State, Reply) {
	return State{Awaiting: AwaitVisitTime, Ticket: ticket},
		Reply{Text: fmt.Sprintf("请发送与客户约定的工单 #%d 上门时间（工程师最晚到场的时间），%s。发送「取消」放弃。", ticket, visitTimeHint)}
}

// VisitTimeReceived takes the answer to AskVisitTime at now (in the
// desk's zone): the time to promise and the zero State; or, when the text
// is not a time the desk can promise, the State kept for another try and
// what to tell. 取消 ends the dialogue.
func VisitTimeReceived(st State, text string, now time.Time) (State, time.Time, *Reply) {
	if strings.TrimSpace(text) == "取消" {
		return State{}, time.Time{}, say(fmt.Sprintf("已取消，工单 #%d 的上门时间未变。", st.Ticket))
	}
	at, err := ParseVisitTime(text, now)
	if err != nil {
		return st, time.Time{}, say(err.Error())
	}
	return State{}, at, nil
}

// ParseVisitTime reads a visit's agreed time, written at now: a day
// (今天, 明天, 后天, 12-09, 2026-12-09, 12月9日; none means today, or
// tomorrow once the time has passed) and a time of day (14:00, 14点30, or
// 上午 and 下午 for their latest arrival). It refuses a time past and one
// more than 30 days ahead. The error's message is safe to show.
func ParseVisitTime(text string, now time.Time) (time.Time, error) {
	s := strings.TrimSpace(digitWidth.Replace(text))
	day, rest, ok := visitDay(s, now)
	if !ok {
		return time.Time{}, errors.New("没有这一天：" + s + "。请重新发送，" + visitTimeHint + "。")
	}
	h, m, ok := clockOf(rest)
	if !ok {
		return time.Time{}, errors.New("没看懂这个时间：" + s + "。请重新发送，" + visitTimeHint + "。")
	}
	var at time.Time
	if day.IsZero() { // no day written: the next such time
		at = time.Date(now.Year(), now.Month(), now.Day(), h, m, 0, 0, now.Location())
		if !at.After(now) {
			at = at.AddDate(0, 0, 1)
		}
	} else {
		at = time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, now.Location())
	}
	last := now.AddDate(0, 0, maxVisitDays)
	switch {
	case !at.After(now):
		return time.Time{}, fmt.Errorf("%s 已经过去，请发送以后的时间。", at.Format("2006-01-02 15:04"))
	case at.After(last):
		return time.Time{}, fmt.Errorf("%s 超过 %d 天，约定的上门时间须在 %s 之前。", at.Format("2006-01-02 15:04"), maxVisitDays, last.Format("2006-01-02 15:04"))
	}
	return at, nil
}

// visitDay reads the day s starts with: its midnight and the rest of s.
// The zero day means none was written; ok false for a day there is not
// (02-30). A month and day without a year is this year's, or next year's
// when this year's has passed and next year's is near (01-05, written in
// December).
func visitDay(s string, now time.Time) (day time.Time, rest string, ok bool) {
	m := dayPattern.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, s, true
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	if m[1] != "" {
		return today.AddDate(0, 0, dayOffsets[m[1]]), m[5], true
	}
	month, _ := strconv.Atoi(m[3])
	d, _ := strconv.Atoi(m[4])
	year := now.Year()
	if m[2] != "" {
		year, _ = strconv.Atoi(m[2])
	}
	day, ok = date(year, month, d, now.Location())
	if ok && m[2] == "" && day.Before(today) {
		if next, fits := date(year+1, month, d, now.Location()); fits && !next.After(now.AddDate(0, 0, maxVisitDays)) {
			day = next
		}
	}
	return day, m[5], ok
}

// date is the midnight of a day; ok false for a day there is not.
func date(year, month, day int, loc *time.Location) (time.Time, bool) {
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, loc)
	return t, t.Year() == year && int(t.Month()) == month && t.Day() == day
}

// clockOf reads a time of day: a half day alone is its latest arrival
// (上午 12:00, 下午 18:00); 下午 or 晚上 before a clock before noon means
// the afternoon's or the evening's (下午3点 is 15:00).
func clockOf(s string) (hour, minute int, ok bool) {
	m := clockPattern.FindStringSubmatch(strings.TrimSpace(s))
	switch {
	case m == nil || (m[1] == "" && m[2] == ""):
		return 0, 0, false
	case m[2] == "" && m[1] == "上午":
		return morningEnds, 0, true
	case m[2] == "" && m[1] == "下午":
		return afternoonEnds, 0, true
	case m[2] == "":
		return 0, 0, false // 晚上 alone says no time
	}
	hour, _ = strconv.Atoi(m[2])
	minutes := m[3] + m[4] // at most one of them
	if m[4] == "半" {
		minutes = "30"
	}
	if minutes != "" {
		minute, _ = strconv.Atoi(minutes)
	}
	switch {
	case (m[1] == "下午" || m[1] == "晚上") && hour < 12:
		hour += 12
	case m[1] == "晚上" && hour == 12:
		return 23, 59, minute == 0 // 晚上12点: the end of that day
	case m[1] == "" && hour >= 1 && hour <= 7:
		hour += 12 // 3点 is three in the afternoon: nobody agrees a visit for 3 a.m.
	}
	return hour, minute, hour < 24 && minute < 60
}
