package store

import (
	"context"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/survey"
)

// Revisits keeps the follow-up tasks of unhappy answers (survey.RevisitStore).
type Revisits struct{ db *DB }

var _ survey.RevisitStore = (*Revisits)(nil)

const revisitColumns = `id, survey_id, ticket_id, rating, comment, status, done_by, result, created_at, done_at`

// OpenRevisit implements survey.RevisitStore: one task per survey.
func (rv *Revisits) OpenRevisit(ctx context.Context, t *survey.RevisitTask) (bool, error) {
	err := rv.db.GetContext(ctx, &t.ID, `INSERT INTO revisit_tasks (survey_id, ticket_id, rating, comment, status, created_at)
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

// RevisitTask implements survey.RevisitStore.
func (rv *Revisits) RevisitTask(ctx context.Context, id int64) (*survey.RevisitTask, error) {
	var t survey.RevisitTask
	if err := rv.db.GetContext(ctx, &t, `SELECT `+revisitColumns+` FROM revisit_tasks WHERE id = $1`, id); err != nil {
		return nil, mapError(err)
	}
	return &t, nil
}

// RevisitOfSurvey implements survey.RevisitStore.
func (rv *Revisits) RevisitOfSurvey(ctx context.Context, surveyID int64) (*survey.RevisitTask, error) {
	var t survey.RevisitTask
	if err := rv.db.GetContext(ctx, &t, `SELECT `+revisitColumns+` FROM revisit_tasks WHERE survey_id = $1`, surveyID); err != nil {
		return nil, mapError(err)
	}
	return &t, nil
}

// AddRevisitComment implements survey.RevisitStore.
func (rv *Revisits) AddRevisitComment(ctx context.Context, id int64, comment string) error {
	return expectOne(rv.db.ExecContext(ctx, `UPDATE revisit_tasks SET comment = $2 WHERE id = $1`, id, comment))
}

// FinishRevisit implements survey.RevisitStore.
func (rv *Revisits) FinishRevisit(ctx context.Context, id int64, by, result string, at time.Time) (bool, error) {
	res, err := rv.db.ExecContext(ctx, `UPDATE revisit_tasks SET status = 'done', done_by = $2, result = $3, done_at = $4
		WHERE id = $1 AND status = 'open'`, id, by, result, utc(at))
	return changed(res, err)
}

// OpenRevisits implements survey.RevisitStore: oldest first.
func (rv *Revisits) OpenRevisits(ctx context.Context, limit int) ([]survey.RevisitTask, error) {
	var out []survey.RevisitTask
	err := rv.db.SelectContext(ctx, &out, `SELECT `+revisitColumns+` FROM revisit_tasks WHERE status = 'open' ORDER BY id LIMIT $1`, limit)
	return out, mapError(err)
}
