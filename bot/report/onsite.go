package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// onSite counts the month's visits and recurring work per unit. A
// deadline that was escalated counts as missed even when it was moved
// later (a visit agreed again, 改期): the promise broken stays broken.
func onSite(ts []bot.Ticket, esc map[int64]map[string]int, now time.Time) OnSite {
	visits := map[string]*VisitLine{}
	upkeep := map[[2]string]*UpkeepLine{}
	for i := range ts {
		t := &ts[i]
		if t.VisitDue != nil {
			countVisit(visits, t, esc[t.ID][bot.GoalVisit] > 0, now)
		}
		if t.Obligation != "" {
			k := [2]string{t.UnitName, t.Obligation}
			if upkeep[k] == nil {
				upkeep[k] = &UpkeepLine{Unit: t.UnitName, Kind: t.Obligation}
			}
			l := upkeep[k]
			l.Owed++
			switch v := judge(t.ResolutionDue, t.ResolvedAt, now, t.PausedSince != nil); {
			case esc[t.ID][bot.GoalResolution] > 0:
				l.Late++
			case v == met:
				l.Done++
			case v == missed:
				l.Late++
			default:
				l.Open++
			}
		}
	}
	return OnSite{Visits: visitLines(visits), Maintenance: upkeepLines(upkeep)}
}

func countVisit(lines map[string]*VisitLine, t *bot.Ticket, escalated bool, now time.Time) {
	if t.VisitArrivedAt == nil && t.ResolvedAt != nil && !t.ResolvedAt.After(*t.VisitDue) {
		return // solved before the engineer had to be there: no visit owed
	}
	l := lines[t.UnitName]
	if l == nil {
		l = &VisitLine{Unit: t.UnitName}
		lines[t.UnitName] = l
	}
	l.Promised++
	switch v := judge(t.VisitDue, t.VisitArrivedAt, now, false); {
	case escalated:
		l.Late++
	case v == met:
		l.OnTime++
	case v == missed:
		l.Late++
	default:
		l.Pending++
	}
}

func visitLines(m map[string]*VisitLine) []VisitLine {
	out := []VisitLine{}
	total := VisitLine{Unit: TotalLabel}
	for _, l := range m {
		out = append(out, *l)
		total.Promised, total.OnTime, total.Late, total.Pending = total.Promised+l.Promised, total.OnTime+l.OnTime, total.Late+l.Late, total.Pending+l.Pending
	}
	slices.SortFunc(out, func(a, b VisitLine) int { return cmp.Compare(a.Unit, b.Unit) })
	if len(out) > 0 {
		out = append(out, total)
	}
	return out
}

func upkeepLines(m map[[2]string]*UpkeepLine) []UpkeepLine {
	out := []UpkeepLine{}
	total := UpkeepLine{Unit: TotalLabel}
	for _, l := range m {
		out = append(out, *l)
		total.Owed, total.Done, total.Late, total.Open = total.Owed+l.Owed, total.Done+l.Done, total.Late+l.Late, total.Open+l.Open
	}
	slices.SortFunc(out, func(a, b UpkeepLine) int { return cmp.Or(cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Kind, b.Kind)) })
	if len(out) > 0 {
		out = append(out, total)
	}
	return out
}
