package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/conversation"
)

// Surveys keeps satisfaction surveys, their answers and customers'
// opt-outs (survey.Store).
type Surveys struct{ db *DB }

var _ survey.Store = (*Surveys)(nil)

const surveyColumns = `s.id, s.survey_key, s.round_id, s.ticket_id, s.customer_id, s.questionnaire, s.unit_name,
	s.staff_number, s.staff_name, s.severity, s.status, s.via, s.attempts, s.last_error, s.next_try_at, s.created_at,
	s.sent_at, s.reminded_at, s.expires_at, s.answered_at, s.answered_via, s.completed_at, s.rating,
	c.channel, c.open_id`

const surveyFrom = ` FROM surveys s JOIN customers c ON c.id = s.customer_id`

func insertSurvey(ctx context.Context, q sqlx.ExtContext, s *survey.Survey) (bool, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `INSERT INTO surveys (survey_key, round_id, ticket_id, customer_id, questionnaire,
		unit_name, staff_number, staff_name, severity, status, next_try_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (survey_key) DO NOTHING RETURNING id`,
		s.Key, s.RoundID, s.TicketID, s.CustomerID, s.Questionnaire, s.UnitName, s.StaffNumber, s.StaffName, s.Severity,
		s.Status, utcPtr(s.NextTryAt), utc(s.CreatedAt))
	if errors.Is(mapError(err), bot.ErrNotFound) {
		return false, nil // the key exists: DO NOTHING returned no row
	}
	if err != nil {
		return false, err
	}
	s.ID = id
	return true, nil
}

// CreateSurvey implements survey.Store; on a taken key it loads the
// existing survey into s.
func (ss *Surveys) CreateSurvey(ctx context.Context, s *survey.Survey) (bool, error) {
	created, err := insertSurvey(ctx, ss.db, s)
	if err != nil || created {
		return created, mapError(err)
	}
	err = ss.db.GetContext(ctx, s, `SELECT `+surveyColumns+surveyFrom+` WHERE s.survey_key = $1`, s.Key)
	return false, mapError(err)
}

// Survey implements survey.Store.
func (ss *Surveys) Survey(ctx context.Context, id int64) (*survey.Survey, error) {
	var s survey.Survey
	if err := ss.db.GetContext(ctx, &s, `SELECT `+surveyColumns+surveyFrom+` WHERE s.id = $1`, id); err != nil {
		return nil, mapError(err)
	}
	return &s, nil
}

// SurveyAnswers implements survey.Store.
func (ss *Surveys) SurveyAnswers(ctx context.Context, id int64) ([]survey.Answer, error) {
	var out []survey.Answer
	err := ss.db.SelectContext(ctx, &out, `SELECT question, value FROM survey_answers WHERE survey_id = $1 ORDER BY at, question`, id)
	return out, mapError(err)
}

// MarkSurveySent implements survey.Store.
func (ss *Surveys) MarkSurveySent(ctx context.Context, id int64, via string, at, expires time.Time, jobs []bot.Job) error {
	return mapError(ss.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE surveys SET status = 'sent', via = $2, sent_at = $3, expires_at = $4,
			claimed_until = NULL, next_try_at = NULL, last_error = '' WHERE id = $1 AND status = 'pending'`, id, via, utc(at), utc(expires))
		if err := expectOne(res, err); err != nil {
			return fmt.Errorf("survey %d is no longer pending: %w", id, err)
		}
		return insertJobs(ctx, tx, jobs, at)
	}))
}

// RetrySurvey implements survey.Store.
func (ss *Surveys) RetrySurvey(ctx context.Context, id int64, next time.Time, errText string) error {
	_, err := ss.db.ExecContext(ctx, `UPDATE surveys SET next_try_at = $2, last_error = $3, claimed_until = NULL
		WHERE id = $1 AND status = 'pending'`, id, utc(next), errText)
	return mapError(err)
}

// FailSurvey implements survey.Store.
func (ss *Surveys) FailSurvey(ctx context.Context, id int64, errText string) error {
	_, err := ss.db.ExecContext(ctx, `UPDATE surveys SET status = 'failed', last_error = $2, claimed_until = NULL, next_try_at = NULL
		WHERE id = $1 AND status = 'pending'`, id, errText)
	return mapError(err)
}

// MarkReminded implements survey.Store.
func (ss *Surveys) MarkReminded(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := ss.db.ExecContext(ctx, `UPDATE surveys SET reminded_at = $2 WHERE id = $1 AND status = 'sent' AND reminded_at IS NULL`, id, utc(at))
	return changed(res, err)
}

// ExpireSurvey implements survey.Store.
func (ss *Surveys) ExpireSurvey(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := ss.db.ExecContext(ctx, `UPDATE surveys SET
			status = CASE WHEN status = 'sent' THEN 'expired' ELSE status END,
			completed_at = CASE WHEN status = 'answered' THEN $2 ELSE completed_at END
		WHERE id = $1 AND (status = 'sent' OR (status = 'answered' AND completed_at IS NULL))`, id, utc(at))
	return changed(res, err)
}

func changed(res interface{ RowsAffected() (int64, error) }, err error) (bool, error) {
	if err != nil {
		return false, mapError(err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// AnswerSurvey implements survey.Store. The survey's row is updated
// first, so concurrent answers (the page and the chat at once) queue on it
// and exactly one of them counts the overall rating.
func (ss *Surveys) AnswerSurvey(ctx context.Context, id int64, in survey.AnswerInput) (conversation.AnswerOutcome, error) {
	out := conversation.AnswerCounted
	err := ss.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = answerTx(ctx, tx, id, in)
		return err
	})
	return out, mapError(err)
}

func answerTx(ctx context.Context, tx *sqlx.Tx, id int64, in survey.AnswerInput) (conversation.AnswerOutcome, error) {
	// Lock the row (a no-op update), then read it.
	if _, err := tx.ExecContext(ctx, `UPDATE surveys SET id = id WHERE id = $1`, id); err != nil {
		return 0, err
	}
	var s survey.Survey
	if err := tx.GetContext(ctx, &s, `SELECT `+surveyColumns+surveyFrom+` WHERE s.id = $1`, id); err != nil {
		return 0, err
	}
	switch {
	case s.CompletedAt != nil || (s.AnsweredVia == survey.ViaPage):
		return conversation.AnswerDone, nil
	case s.Status != survey.StatusSent && s.Status != survey.StatusAnswered:
		return conversation.AnswerTooLate, nil
	case s.ExpiresAt == nil || !in.At.Before(*s.ExpiresAt):
		return conversation.AnswerTooLate, nil
	case in.Via == survey.ViaPage && s.AnsweredAt != nil:
		return conversation.AnswerDone, nil
	}
	added, err := insertAnswers(ctx, tx, id, in)
	if err != nil || !added {
		return conversation.AnswerRepeated, err
	}
	return conversation.AnswerCounted, markAnswered(ctx, tx, &s, in)
}

func insertAnswers(ctx context.Context, tx *sqlx.Tx, id int64, in survey.AnswerInput) (bool, error) {
	added := false
	for _, a := range in.Answers {
		res, err := tx.ExecContext(ctx, `INSERT INTO survey_answers (survey_id, question, value, at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (survey_id, question) DO NOTHING`, id, a.Question, a.Value, utc(in.At))
		n, err := changed(res, err)
		if err != nil {
			return false, err
		}
		added = added || n
	}
	return added, nil
}

func markAnswered(ctx context.Context, tx *sqlx.Tx, s *survey.Survey, in survey.AnswerInput) error {
	if in.Rating != nil && s.AnsweredAt == nil {
		if _, err := tx.ExecContext(ctx, `UPDATE surveys SET status = 'answered', rating = $2, answered_at = $3, answered_via = $4
			WHERE id = $1`, s.ID, *in.Rating, utc(in.At), in.Via); err != nil {
			return err
		}
	}
	if in.Complete {
		_, err := tx.ExecContext(ctx, `UPDATE surveys SET completed_at = $2 WHERE id = $1`, s.ID, utc(in.At))
		return err
	}
	return nil
}

// SetSurveyOptOut implements survey.Store.
func (ss *Surveys) SetSurveyOptOut(ctx context.Context, customerID int64, out bool, at time.Time) error {
	var err error
	if out {
		_, err = ss.db.ExecContext(ctx, `INSERT INTO survey_optouts (customer_id, at) VALUES ($1, $2) ON CONFLICT (customer_id) DO NOTHING`,
			customerID, utc(at))
	} else {
		_, err = ss.db.ExecContext(ctx, `DELETE FROM survey_optouts WHERE customer_id = $1`, customerID)
	}
	return mapError(err)
}

// OptedOut implements survey.Store.
func (ss *Surveys) OptedOut(ctx context.Context, customerID int64) (bool, error) {
	var n int
	err := ss.db.GetContext(ctx, &n, `SELECT count(*) FROM survey_optouts WHERE customer_id = $1`, customerID)
	return n > 0, mapError(err)
}
