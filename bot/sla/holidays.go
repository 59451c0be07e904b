package sla

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sync"
)

// China's schedules of public holidays and make-up working days, one file per
// year, in the layout of the holiday-cn project. The State Council publishes
// the next year's schedule each November or December; add its file here, or
// load it at run time with ParseHolidayCN.
//
//go:embed holidays/*.json
var holidayFiles embed.FS

// holidayCN is the holiday-cn JSON layout; other keys ($schema, papers) are
// ignored.
type holidayCN struct {
	Year int `json:"year"`
	Days []struct {
		Name     string `json:"name"`
		Date     string `json:"date"`
		IsOffDay *bool  `json:"isOffDay"`
	} `json:"days"`
}

// ParseHolidayCN reads one year of holidays in the holiday-cn JSON layout:
//
//	{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}, …]}
//
// where isOffDay false marks a make-up working day. It returns the year the
// file is for and its days, which may include dates of the neighbouring
// years when a holiday spans New Year. A file without days is an error: it
// is how holiday-cn marks a schedule not yet published.
func ParseHolidayCN(r io.Reader) (year int, days []Day, err error) {
	var f holidayCN
	dec := json.NewDecoder(r)
	if err := dec.Decode(&f); err != nil {
		return 0, nil, fmt.Errorf("holiday-cn: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return 0, nil, errors.New("holiday-cn: more after the year's JSON object (a damaged or concatenated file?)")
	}
	if f.Year < minYear || f.Year > maxYear {
		return 0, nil, fmt.Errorf("holiday-cn: year %d: missing or out of range %d–%d", f.Year, minYear, maxYear)
	}
	if len(f.Days) == 0 {
		return 0, nil, fmt.Errorf("holiday-cn %d: no days (schedule not published yet?)", f.Year)
	}
	for i, d := range f.Days {
		day, err := holidayCNDay(f.Year, d.Name, d.Date, d.IsOffDay)
		if err != nil {
			return 0, nil, fmt.Errorf("holiday-cn %d: day %d: %w", f.Year, i+1, err)
		}
		days = append(days, day)
	}
	return f.Year, days, nil
}

func holidayCNDay(year int, name, date string, off *bool) (Day, error) {
	d, err := ParseDate(date)
	if err != nil {
		return Day{}, err
	}
	if d.Year < year-1 || d.Year > year+1 {
		return Day{}, fmt.Errorf("date %s is not in or next to %d", d, year)
	}
	if off == nil {
		return Day{}, fmt.Errorf("date %s: isOffDay missing", d)
	}
	return Day{Date: d, Name: name, Off: *off}, nil
}

// chinaHolidays parses the embedded files once. They are part of the build,
// so an error here is a broken file that the tests catch.
var chinaHolidays = sync.OnceValues(func() (holidaySet, error) {
	var set holidaySet
	names, err := fs.Glob(holidayFiles, "holidays/*.json")
	if err != nil {
		return set, err
	}
	for _, name := range names {
		if err := set.addFile(name); err != nil {
			return holidaySet{}, err
		}
	}
	if len(set.years) == 0 {
		return set, errors.New("no embedded holiday files")
	}
	return set, nil
})

// holidaySet is a schedule of several years.
type holidaySet struct {
	years []int
	days  []Day
}

func (s *holidaySet) addFile(name string) error {
	f, err := holidayFiles.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	year, days, err := ParseHolidayCN(f)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	s.years = append(s.years, year)
	s.days = append(s.days, days...)
	return nil
}

// ChinaHolidays returns the embedded schedule of China's public holidays and
// make-up working days, and the years it covers (2025 and 2026 at least).
// The slices are the caller's to extend, for example with a year read by
// ParseHolidayCN, before passing them into a CalendarSpec.
func ChinaHolidays() (days []Day, years []int) {
	set, err := chinaHolidays()
	if err != nil {
		panic("sla: embedded holidays: " + err.Error())
	}
	return slices.Clone(set.days), slices.Clone(set.years)
}
