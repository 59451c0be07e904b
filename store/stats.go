package store

import (
	"context"
	"time"

	"github.com/hotline-desk/hotline/bot/survey"
)

// Stats reads what the survey statistics count (survey.StatsStore).
type Stats struct{ db *DB }

var _ survey.StatsStore = (*Stats)(nil)

// SurveyFacts implements survey.StatsStore.
func (st *Stats) SurveyFacts(ctx context.Context, from, to time.Time) ([]survey.SurveyFact, error) {
	var out []survey.SurveyFact
	err := st.db.SelectContext(ctx, &out, `SELECT round_id, unit_name, staff_number, staff_name, severity, sent_at, rating
		FROM surveys WHERE sent_at >= $1 AND sent_at < $2 ORDER BY id`, utc(from), utc(to))
	return out, mapError(err)
}

// ServiceCounts implements survey.StatsStore.
func (st *Stats) ServiceCounts(ctx context.Context, from, to time.Time) ([]survey.StaffServices, error) {
	var out []survey.StaffServices
	err := st.db.SelectContext(ctx, &out, `SELECT staff_number, max(staff_name) AS staff_name, count(*) AS services
		FROM tickets WHERE closed_at >= $1 AND closed_at < $2 AND staff_number <> ''
		GROUP BY staff_number ORDER BY staff_number`, utc(from), utc(to))
	return out, mapError(err)
}
