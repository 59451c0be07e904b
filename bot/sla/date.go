package sla

import (
	"fmt"
	"time"
)

// Date is a civil date, without a time of day or a zone: a holiday, a
// make-up working day, the first or last day of a service period.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses a date written as 2006-01-02.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String formats d as 2006-01-02.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Valid reports whether d names a real day (no 2月30日).
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// AddDays returns the date n days after d (before d when n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// addMonths adds n calendar months, clamping to the last day of the month
// so that 1月31日 plus one month is 2月28日 rather than 3月3日.
func (d Date) addMonths(n int) Date {
	m := int(d.Month) - 1 + n
	y := d.Year + floorDiv(m, 12)
	month := time.Month(m-floorDiv(m, 12)*12) + 1
	return Date{y, month, min(d.Day, daysIn(y, month))}
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// In returns the instant the day d begins in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// at returns the instant of wall-clock offset off (0 to 24h) on day d in loc.
// Going through time.Date keeps daylight saving right: the offset is a
// reading of the local clock, not an elapsed duration since midnight.
func (d Date) at(off time.Duration, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, int(off/time.Second), int(off%time.Second), loc)
}

// next returns the following day. It is the hot step of every calendar walk,
// so it avoids time.Date.
func (d Date) next() Date {
	if d.Day < daysIn(d.Year, d.Month) {
		return Date{d.Year, d.Month, d.Day + 1}
	}
	if d.Month == time.December {
		return Date{d.Year + 1, time.January, 1}
	}
	return Date{d.Year, d.Month + 1, 1}
}

// yearDay returns the day of the year, 0 for January 1st.
func (d Date) yearDay() int {
	n := daysBefore[d.Month-1] + d.Day - 1
	if d.Month > time.February && isLeap(d.Year) {
		n++
	}
	return n
}

// daysBefore[m] is the number of days before month m+1 in a common year.
var daysBefore = [12]int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	default:
		return 31
	}
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
