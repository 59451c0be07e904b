package sla

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/6tail/lunar-go/calendar"
)

// China's statutory public holidays (全体公民放假的节日, the national holiday
// regulations as revised in force from 2025): 13 days a year whatever the
// yearly notice says. The notice only moves days around them (make-up
// working days, days off bridging to a weekend), so a year whose notice is
// not out yet is counted on these days and the weekly pattern; the results
// are provisional. The lunar dates (春节, 端午, 中秋) and the solar term
// 清明 come from github.com/6tail/lunar-go, not from arithmetic of ours.

// statutoryFrom is the first year the current regulations apply to; earlier
// years without data go by the weekly pattern, as before.
const statutoryFrom = 2025

// StatutoryDays returns the statutory public holidays of a year, in date
// order, or nil for a year before statutoryFrom or outside minYear–maxYear.
func StatutoryDays(year int) []Day {
	if year < statutoryFrom || year > maxYear {
		return nil
	}
	p := &statutoryCache[year-minYear]
	if days := p.Load(); days != nil {
		return *days
	}
	days := computeStatutory(year)
	p.Store(&days)
	return days
}

// statutoryCache holds each year's statutory days once computed (a year's
// lunar conversions take about 65 µs and some 870 allocations).
var statutoryCache [maxYear - minYear + 1]atomic.Pointer[[]Day]

// lunarMu serialises calls into lunar-go, whose package-level tables are
// not documented as safe for concurrent use.
var lunarMu sync.Mutex

func computeStatutory(year int) []Day {
	lunarMu.Lock()
	newYear := dateOfSolar(calendar.NewLunarFromYmd(year, 1, 1).GetSolar())
	qingming := dateOfSolar(calendar.NewSolarFromYmd(year, 4, 15).GetLunar().GetJieQiTable()["清明"])
	duanwu := dateOfSolar(calendar.NewLunarFromYmd(year, 5, 5).GetSolar())
	zhongqiu := dateOfSolar(calendar.NewLunarFromYmd(year, 8, 15).GetSolar())
	lunarMu.Unlock()
	days := []Day{{Date: Date{year, time.January, 1}, Name: "元旦", Off: true}}
	for i := -1; i <= 3-1; i++ { // 除夕 to 初三
		days = append(days, Day{Date: newYear.AddDays(i), Name: "春节", Off: true})
	}
	days = append(days,
		Day{Date: qingming, Name: "清明节", Off: true},
		Day{Date: Date{year, time.May, 1}, Name: "劳动节", Off: true},
		Day{Date: Date{year, time.May, 2}, Name: "劳动节", Off: true},
		Day{Date: duanwu, Name: "端午节", Off: true},
		Day{Date: Date{year, time.October, 1}, Name: "国庆节", Off: true},
		Day{Date: Date{year, time.October, 2}, Name: "国庆节", Off: true},
		Day{Date: Date{year, time.October, 3}, Name: "国庆节", Off: true},
		Day{Date: zhongqiu, Name: "中秋节", Off: true}, // may fall in 国庆 (2028)
	)
	slices.SortStableFunc(days, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return days
}

func dateOfSolar(s *calendar.Solar) Date {
	return Date{Year: s.GetYear(), Month: time.Month(s.GetMonth()), Day: s.GetDay()}
}

// CheckComplete checks days given as a year's complete schedule (a
// holiday-cn file, a year written out in the policy file): every statutory
// public holiday of the year must be a day off in it. A schedule without
// one is part of a year (a file cut short, a year copied in part), and
// counting it as complete would make the missing holidays working days.
func CheckComplete(year int, days []Day) error {
	for _, s := range StatutoryDays(year) {
		if !slices.ContainsFunc(days, func(d Day) bool { return d.Date == s.Date && d.Off }) {
			return fmt.Errorf("%d: %s (%s) is a statutory public holiday but not a day off here: not the year's complete schedule", year, s.Date, s.Name)
		}
	}
	return nil
}
