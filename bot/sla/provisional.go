package sla

import "sync/atomic"

// provisionalYears holds, for each year of a statutory calendar whose
// schedule is not known, the statutory holidays with the year's stray days
// on top (a stray make-up working day wins over a statutory day off), built
// the first time the year is asked about. Each is tied to the day table it
// was built from, so one built before AddYear is not used after it.
type provisionalYears struct {
	slots [maxYear - minYear + 1]atomic.Pointer[provisionalYear]
}

type provisionalYear struct {
	from  *dayTable
	table yearTable
}

// kind is what the provisional year of d says about it.
func (p *provisionalYears) kind(t *dayTable, d Date) dayKind {
	if d.Year < minYear || d.Year > maxYear {
		return regularDay
	}
	return p.year(t, d.Year).kindAt(d.yearDay())
}

func (p *provisionalYears) year(t *dayTable, year int) *yearTable {
	slot := &p.slots[year-minYear]
	if y := slot.Load(); y != nil && y.from == t {
		return &y.table
	}
	y := &provisionalYear{from: t}
	for _, d := range StatutoryDays(year) {
		n := d.Date.yearDay()
		y.table.off[n/64] |= 1 << (n % 64)
	}
	if stray := t.yearOf(year); stray != nil {
		for i := range y.table.off {
			y.table.makeup[i] = stray.makeup[i]
			y.table.off[i] = (y.table.off[i] | stray.off[i]) &^ stray.makeup[i]
		}
	}
	slot.Store(y)
	return &y.table
}
