package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// A deadline is met when the goal was reached at or before it, missed when
// it was reached later or has passed unreached by the report's time, and
// pending otherwise; a ticket waiting for the customer has not missed a
// deadline it has not reached (the wait moves the deadline when it ends).
// The store's trend counts by the same rule.

// verdict is a deadline's outcome.
type verdict int

const (
	none    verdict = iota // no deadline for the goal
	met                    // reached in time
	missed                 // reached late, or passed unreached
	pending                // not reached, not yet due
)

func judge(due *time.Time, reached *time.Time, now time.Time, waiting bool) verdict {
	switch {
	case due == nil:
		return none
	case reached != nil && !reached.After(*due):
		return met
	case reached != nil:
		return missed
	case waiting:
		return pending
	case due.Before(now):
		return missed
	}
	return pending
}

func (o *OnTime) count(v verdict) {
	switch v {
	case met:
		o.Met++
	case missed:
		o.Missed++
	case pending:
		o.Pending++
	}
}

func slaOf(f *Facts, now time.Time, loc *time.Location) SLA {
	s := SLA{BySeverity: make([]SeverityOnTime, 5), Breaches: []Breach{}}
	for i := range s.BySeverity {
		s.BySeverity[i] = SeverityOnTime{Severity: i + 1, Label: severityLabel(i + 1)}
	}
	for i := range f.Tickets {
		t := &f.Tickets[i]
		sev := &s.BySeverity[min(max(t.Severity, 1), 5)-1]
		waiting := t.PausedSince != nil
		rv := judge(&t.ResponseDue, t.RespondedAt, now, waiting)
		sv := judge(t.ResolutionDue, t.ResolvedAt, now, waiting)
		s.Response.count(rv)
		sev.Response.count(rv)
		s.Resolution.count(sv)
		sev.Resolution.count(sv)
		if rv == missed {
			s.Breaches = append(s.Breaches, breach(t, bot.GoalResponse, t.ResponseDue, t.RespondedAt, now, f.Escalations, loc))
		}
		if sv == missed {
			s.Breaches = append(s.Breaches, breach(t, bot.GoalResolution, *t.ResolutionDue, t.ResolvedAt, now, f.Escalations, loc))
		}
	}
	slices.SortStableFunc(s.Breaches, func(a, b Breach) int { return cmp.Compare(a.Ticket, b.Ticket) })
	return s
}

func breach(t *bot.Ticket, goal string, due time.Time, actual *time.Time, now time.Time, esc map[int64]map[string]int, loc *time.Location) Breach {
	b := Breach{Ticket: t.ID, Unit: t.UnitName, Severity: t.Severity, Goal: goal, GoalLabel: bot.GoalNames[goal],
		Due: due.In(loc), Escalations: esc[t.ID][goal], Staff: t.StaffName}
	end := now
	if actual != nil {
		end = *actual
		b.Actual = bot.Ptr(actual.In(loc))
	}
	b.Late = end.Sub(due)
	return b
}

// severityLabel is a severity as the report names it: 1 致命.
func severityLabel(n int) string {
	return [...]string{"?", "1 致命", "2 严重", "3 普通", "4 小问题", "5 建议"}[min(max(n, 0), 5)]
}
