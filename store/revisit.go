package store

import (
	"context"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/survey"
)

// Revisit tasks (bot.RevisitStore).

const revisitColumns = `id, survey_id, ticket_id, rating, comment, status, done_by, result, created_at, done_at`

// OpenRevisit implements bot.RevisitStore: one task per survey.
func (db *DB) OpenRevisit(ctx context.Context, t *survey.RevisitTask) (bool, error) {
	err := db.GetContext(ctx, &t.ID, `INSERT INTO revisit_tasks (survey_id, ticket_id, rating, comment, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (survey_id) DO NOTHING RETURNING id`,
		t.SurveyID, t.TicketID, t.Rating, t.Comment, t.Status, utc(t.CreatedAt))
	switch err = mapError(err); err {
	case nil:
		return true, nil
	case bot.ErrNotFound:
		return false, nil
	}
	return false, err
}

// RevisitTask implements bot.RevisitStore.
func (db *DB) RevisitTask(ctx context.Context, id int64) (*survey.RevisitTask, error) {
	var t survey.RevisitTask
	if err := db.GetContext(ctx, &t, `SELECT `+revisitColumns+` FROM revisit_tasks WHERE id = $1`, id); err != nil {
		return nil, mapError(err)
	}
	return &t, nil
}

// RevisitOfSurvey implements bot.RevisitStore.
func (db *DB) RevisitOfSurvey(ctx context.Context, surveyID int64) (*survey.RevisitTask, error) {
	var t survey.RevisitTask
	if err := db.GetContext(ctx, &t, `SELECT `+revisitColumns+` FROM revisit_tasks WHERE survey_id = $1`, surveyID); err != nil {
		return nil, mapError(err)
	}
	return &t, nil
}

// AddRevisitComment implements bot.RevisitStore.
func (db *DB) AddRevisitComment(ctx context.Context, id int64, comment string) error {
	return expectOne(db.ExecContext(ctx, `UPDATE revisit_tasks SET comment = $2 WHERE id = $1`, id, comment))
}

// FinishRevisit implements bot.RevisitStore.
func (db *DB) FinishRevisit(ctx context.Context, id int64, by, result string, at time.Time) (bool, error) {
	res, err := db.ExecContext(ctx, `UPDATE revisit_tasks SET status = 'done', done_by = $2, result = $3, done_at = $4
		WHERE id = $1 AND status = 'open'`, id, by, result, utc(at))
	return changed(res, err)
}

// OpenRevisits implements bot.RevisitStore: oldest first.
func (db *DB) OpenRevisits(ctx context.Context, limit int) ([]survey.RevisitTask, error) {
	var out []survey.RevisitTask
	err := db.SelectContext(ctx, &out, `SELECT `+revisitColumns+` FROM revisit_tasks WHERE status = 'open' ORDER BY id LIMIT $1`, limit)
	return out, mapError(err)
}
