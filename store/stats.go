package store

import (
	"context"
	"time"

	"github.com/hotline-desk/hotline/bot/survey"
)

// What the survey statistics count (bot.StatsStore).

// SurveyFacts implements bot.StatsStore.
func (db *DB) SurveyFacts(ctx context.Context, from, to time.Time) ([]survey.SurveyFact, error) {
	var out []survey.SurveyFact
	err := db.SelectContext(ctx, &out, `SELECT round_id, unit_name, staff_number, staff_name, severity, sent_at, rating
		FROM surveys WHERE sent_at >= $1 AND sent_at < $2 ORDER BY id`, utc(from), utc(to))
	return out, mapError(err)
}

// ServiceCounts implements bot.StatsStore.
func (db *DB) ServiceCounts(ctx context.Context, from, to time.Time) ([]survey.StaffServices, error) {
	var out []survey.StaffServices
	err := db.SelectContext(ctx, &out, `SELECT staff_number, max(staff_name) AS staff_name, count(*) AS services
		FROM tickets WHERE closed_at >= $1 AND closed_at < $2 AND staff_number <> ''
		GROUP BY staff_number ORDER BY staff_number`, utc(from), utc(to))
	return out, mapError(err)
}
