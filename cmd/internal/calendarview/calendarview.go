// Package calendarview is a year of a business calendar as hotline
// calendar show prints it: month by month, with every day off and make-up
// working day and where each comes from.
package calendarview

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/hotline-desk/hotline/bot/sla"
)

// Year is a calendar's year as hotline calendar show prints it.
type Year struct {
	Calendar string  `json:"calendar"`
	Year     int     `json:"year"`
	Source   string  `json:"source"` // official, statutory, weekly pattern, no holidays
	Months   []Month `json:"months"`
}

// Month is a month of a Year.
type Month struct {
	Month       string `json:"month"` // 2027-01
	WorkingDays int    `json:"working_days"`
	Days        []Day  `json:"days"` // days off and make-up working days
}

// Day is a day off or a make-up working day.
type Day struct {
	Date    string `json:"date"`
	Weekday string `json:"weekday"`
	Working bool   `json:"working"`
	Name    string `json:"name,omitempty"`
	Source  string `json:"source"` // official, statutory or policy
}

var weekdaysCN = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// New is year on cal.
func New(cal *sla.Calendar, year int) Year {
	v := Year{Calendar: cal.Name(), Year: year, Source: cal.Year(year).String()}
	for m := time.January; m <= time.December; m++ {
		mv := Month{Month: fmt.Sprintf("%d-%02d", year, int(m)), Days: []Day{}}
		for d := (sla.Date{Year: year, Month: m, Day: 1}); d.Month == m; d = d.AddDays(1) {
			info := cal.Explain(d)
			if info.Working {
				mv.WorkingDays++
			}
			if info.Off || info.Makeup {
				mv.Days = append(mv.Days, Day{Date: d.String(), Weekday: weekdaysCN[d.Weekday()], Working: info.Working,
					Name: info.Name, Source: daySource(cal, info, d)})
			}
		}
		v.Months = append(v.Months, mv)
	}
	return v
}

// daySource says where a special day comes from: a year's official
// schedule, the statute, or a day of the policy file on top. On a calendar
// of its own (not China's schedule) every day is the policy's.
func daySource(cal *sla.Calendar, info sla.DayInfo, d sla.Date) string {
	switch {
	case !cal.Statutory():
	case info.Scheduled:
		return "official"
	case info.Off && info.Source == sla.Statutory && slices.ContainsFunc(sla.StatutoryDays(d.Year), func(s sla.Day) bool { return s.Date == d }):
		return "statutory"
	}
	return "policy"
}

// WriteText prints the year month by month.
func (v Year) WriteText(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d on %s: %s\n", v.Year, v.Calendar, yearSourceText(v.Source))
	for _, m := range v.Months {
		fmt.Fprintf(&b, "\n%s  %d working days\n", m.Month, m.WorkingDays)
		for _, d := range m.Days {
			kind := "off   "
			if d.Working {
				kind = "worked"
			}
			fmt.Fprintf(&b, "  %s %s  %s  %-9s %s\n", d.Date[5:], d.Weekday, kind, d.Source, d.Name)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func yearSourceText(source string) string {
	switch source {
	case sla.Official.String():
		return "the official schedule"
	case sla.Statutory.String():
		return "PROVISIONAL: the statutory public holidays only; make-up working days are unknown until the year's schedule is added (holidays in the policy file, or hotline calendar import)"
	case sla.WeeklyOnly.String():
		return "the weekly pattern only: no holiday data for this year"
	}
	return "no holidays: the calendar runs by its weekly hours alone"
}
