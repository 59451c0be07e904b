package report

import (
	"math"
	"slices"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/ticket"
)

// timesOf measures how long the month's tickets took: to the first answer
// (business time on the severity's calendar) and to the resolution
// (business time less the time spent waiting for the customer, as the SLA
// clock counts it), and both in wall time.
func timesOf(p *policy.Policy, ts []bot.Ticket) Times {
	var resp, res samples
	for i := range ts {
		t := &ts[i]
		clock, err := ticket.ClockFor(p, t)
		if err != nil {
			continue // a plan since removed from the policy: no calendar to count on
		}
		targets, err := clock.Plan.Targets(t.Severity)
		if err != nil {
			continue
		}
		cal := targets.Calendar
		if cal == nil {
			cal = clock.Plan.Calendar()
		}
		if t.RespondedAt != nil {
			resp.add(cal.BusinessBetween(t.ReportedAt, *t.RespondedAt), t.RespondedAt.Sub(t.ReportedAt))
		}
		if t.ResolvedAt != nil {
			clock.PausedSince = nil // a resolved ticket's clock no longer runs
			if b, err := clock.Elapsed(*t.ResolvedAt); err == nil {
				res.add(max(b, 0), t.ResolvedAt.Sub(t.ReportedAt))
			}
		}
	}
	return Times{Response: resp.spread(), Resolution: res.spread()}
}

type samples struct{ business, wall []time.Duration }

func (s *samples) add(business, wall time.Duration) {
	s.business = append(s.business, business)
	s.wall = append(s.wall, wall)
}

func (s *samples) spread() Spread {
	return Spread{N: len(s.wall), BusinessMedian: Quantile(s.business, 0.5), BusinessP90: Quantile(s.business, 0.9),
		WallMedian: Quantile(s.wall, 0.5), WallP90: Quantile(s.wall, 0.9)}
}

// Quantile is the q-quantile of ds by the nearest-rank method (the
// smallest value with at least q of the values at or below it); 0 for
// none. It sorts ds.
func Quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	rank := int(math.Ceil(q*float64(len(ds)) - 1e-9)) // 0.9×10 is 9.000000000000002 in floating point
	return ds[min(max(rank, 1), len(ds))-1]
}
