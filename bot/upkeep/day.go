package upkeep

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/sla"
)

// dateForm is a day written out: 2026-12-20, 2026/12/20, 2026年12月20日,
// or without the year: 12-20, 12/20, 12月20日.
var dateForm = regexp.MustCompile(`^(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$`)

// weekdayNames are the days of the week as written after 周 or 星期.
var weekdayNames = map[string]time.Weekday{"一": time.Monday, "二": time.Tuesday, "三": time.Wednesday, "四": time.Thursday,
	"五": time.Friday, "六": time.Saturday, "日": time.Sunday, "天": time.Sunday, "1": time.Monday, "2": time.Tuesday,
	"3": time.Wednesday, "4": time.Thursday, "5": time.Friday, "6": time.Saturday, "7": time.Sunday}

// ParseDay reads the day a lead names, today being today: a date with or
// without its year (without, the first such day from today on), 今天,
// 明天, 后天, or a day of this week or the next (周五, 本周五, 星期五,
// 下周五; weeks start on Monday). ok false when text is none of these or
// no such day exists.
func ParseDay(text string, today sla.Date) (sla.Date, bool) {
	text = strings.Join(strings.Fields(text), "")
	switch text {
	case "今天":
		return today, true
	case "明天":
		return today.AddDays(1), true
	case "后天":
		return today.AddDays(2), true
	}
	if d, ok := weekDay(text, today); ok {
		return d, true
	}
	m := dateForm.FindStringSubmatch(text)
	if m == nil {
		return sla.Date{}, false
	}
	month, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	d := sla.Date{Year: today.Year, Month: time.Month(month), Day: day}
	if m[1] != "" {
		d.Year, _ = strconv.Atoi(m[1])
	} else if d.Before(today) {
		d.Year++
	}
	return d, d.Valid()
}

// weekDay reads 周五, 本周五, 星期五, 礼拜五 and 下周五 (下星期五).
func weekDay(text string, today sla.Date) (sla.Date, bool) {
	weeks := 0
	if rest, ok := strings.CutPrefix(text, "下"); ok {
		text, weeks = rest, 1
	} else {
		text = strings.TrimPrefix(text, "本")
	}
	var name string
	for _, prefix := range []string{"周", "星期", "礼拜"} {
		if rest, ok := strings.CutPrefix(text, prefix); ok {
			name = rest
			break
		}
	}
	wd, ok := weekdayNames[name]
	if !ok {
		return sla.Date{}, false
	}
	monday := today.AddDays(-((int(today.Weekday()) + 6) % 7))
	return monday.AddDays(7*weeks + (int(wd)+6)%7), true
}
