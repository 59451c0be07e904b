package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/survey"
)

// Rounds keeps survey rounds (回访) and the surveys they send
// (survey.RoundStore).
type Rounds struct{ db *DB }

var _ survey.RoundStore = (*Rounds)(nil)

const roundColumns = `id, questionnaire, period_from, period_to, unit, engineer, severities, sample_rate, seed, status,
	selected, created_by, report_chat, created_at, finished_at, closed_at`

// RoundCandidates implements survey.RoundStore: tickets resolved in the
// period, each customer's latest first, with what decides whether the
// customer may be asked (subscribed, TD, rounds already this month).
func (rs *Rounds) RoundCandidates(ctx context.Context, q survey.RoundQuery) ([]survey.RoundCandidate, error) {
	args := []any{utc(q.From), utc(q.To), utc(q.MonthFrom), utc(q.MonthTo)}
	where := ""
	if q.Engineer != "" {
		args = append(args, q.Engineer)
		where += " AND t.staff_number = $" + strconv.Itoa(len(args))
	}
	if len(q.Severities) > 0 {
		marks := make([]string, len(q.Severities))
		for i, s := range q.Severities {
			args = append(args, s)
			marks[i] = "$" + strconv.Itoa(len(args))
		}
		where += " AND t.severity IN (" + strings.Join(marks, ", ") + ")"
	}
	var out []survey.RoundCandidate
	err := rs.db.SelectContext(ctx, &out, `SELECT t.id AS ticket_id, t.customer_id, t.unit_name, t.staff_number, t.staff_name,
			t.severity, t.resolved_at, c.subscribed, (o.customer_id IS NOT NULL) AS opted_out,
			(SELECT count(*) FROM surveys s WHERE s.customer_id = t.customer_id AND s.round_id IS NOT NULL
				AND s.status <> 'cancelled' AND s.created_at >= $3 AND s.created_at < $4) AS rounds_this_month
		FROM tickets t JOIN customers c ON c.id = t.customer_id
			LEFT JOIN survey_optouts o ON o.customer_id = t.customer_id
		WHERE t.resolved_at >= $1 AND t.resolved_at < $2`+where+`
		ORDER BY t.customer_id, t.resolved_at DESC, t.id DESC`, args...)
	return out, mapError(err)
}

// CreateRound implements survey.RoundStore.
func (rs *Rounds) CreateRound(ctx context.Context, r *survey.Round, surveys []survey.Survey, jobs func(*survey.Round) []bot.Job) error {
	return mapError(rs.db.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &r.ID, `INSERT INTO survey_rounds (questionnaire, period_from, period_to, unit, engineer,
			severities, sample_rate, seed, status, selected, created_by, report_chat, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			r.Questionnaire, utc(r.From), utc(r.To), r.Unit, r.Engineer, r.Severities, r.SampleRate, r.Seed, r.Status,
			r.Selected, r.CreatedBy, r.ReportChat, utc(r.CreatedAt))
		if err != nil {
			return err
		}
		for i := range surveys {
			s := &surveys[i]
			s.RoundID, s.Key = &r.ID, fmt.Sprintf("round:%d:%d", r.ID, s.CustomerID)
			if _, err := insertSurvey(ctx, tx, s); err != nil {
				return fmt.Errorf("survey for customer %d: %w", s.CustomerID, err)
			}
		}
		return insertJobs(ctx, tx, jobs(r), r.CreatedAt)
	}))
}

// Round implements survey.RoundStore.
func (rs *Rounds) Round(ctx context.Context, id int64) (*survey.Round, error) {
	var r survey.Round
	if err := rs.db.GetContext(ctx, &r, `SELECT `+roundColumns+` FROM survey_rounds WHERE id = $1`, id); err != nil {
		return nil, mapError(err)
	}
	return &r, nil
}

// Rounds implements survey.RoundStore.
func (rs *Rounds) Rounds(ctx context.Context, limit int) ([]survey.Round, error) {
	var out []survey.Round
	err := rs.db.SelectContext(ctx, &out, `SELECT `+roundColumns+` FROM survey_rounds ORDER BY id DESC LIMIT $1`, limit)
	return out, mapError(err)
}

// SetRoundStatus implements survey.RoundStore.
func (rs *Rounds) SetRoundStatus(ctx context.Context, id int64, from []string, status string, at time.Time, jobs []bot.Job) (bool, error) {
	args := []any{id, status}
	set := "status = $2"
	switch status {
	case survey.RoundSent:
		args, set = append(args, utc(at)), set+", finished_at = $3"
	case survey.RoundClosed:
		args, set = append(args, utc(at)), set+", closed_at = $3"
	}
	marks := make([]string, len(from))
	for i, f := range from {
		args = append(args, f)
		marks[i] = "$" + strconv.Itoa(len(args))
	}
	applied := false
	err := rs.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE survey_rounds SET `+set+` WHERE id = $1 AND status IN (`+strings.Join(marks, ", ")+`)`, args...)
		if applied, err = changed(res, err); err != nil || !applied {
			return err
		}
		return insertJobs(ctx, tx, jobs, at)
	})
	return applied, mapError(err)
}

// ClaimRoundSurveys implements survey.RoundStore, the way ClaimJobs does.
func (rs *Rounds) ClaimRoundSurveys(ctx context.Context, round int64, now time.Time, lease time.Duration, limit int) ([]survey.Survey, error) {
	lock := ""
	if rs.db.Dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var ids []int64
	err := rs.db.SelectContext(ctx, &ids, `UPDATE surveys SET claimed_until = $3, attempts = attempts + 1
		WHERE id IN (SELECT id FROM surveys WHERE round_id = $1 AND status = 'pending' AND next_try_at <= $2
			AND (claimed_until IS NULL OR claimed_until <= $2) ORDER BY next_try_at, id LIMIT $4`+lock+`)
		RETURNING id`, round, utc(now), utc(now.Add(lease)), limit)
	if err != nil || len(ids) == 0 {
		return nil, mapError(err)
	}
	query, args, err := sqlx.In(`SELECT `+surveyColumns+surveyFrom+` WHERE s.id IN (?) ORDER BY s.id`, ids)
	if err != nil {
		return nil, err
	}
	var out []survey.Survey
	err = rs.db.SelectContext(ctx, &out, rs.db.Rebind(query), args...)
	return out, mapError(err)
}

// NextRoundTry implements survey.RoundStore.
func (rs *Rounds) NextRoundTry(ctx context.Context, round int64, now time.Time) (*time.Time, error) {
	var rows []struct {
		NextTry *time.Time `db:"next_try_at"`
		Claimed *time.Time `db:"claimed_until"`
	}
	err := rs.db.SelectContext(ctx, &rows, `SELECT next_try_at, claimed_until FROM surveys WHERE round_id = $1 AND status = 'pending'
		ORDER BY CASE WHEN claimed_until > $2 THEN claimed_until ELSE next_try_at END LIMIT 1`, round, utc(now))
	if err != nil || len(rows) == 0 {
		return nil, mapError(err)
	}
	r := rows[0]
	if r.Claimed != nil && r.Claimed.After(now) {
		return r.Claimed, nil
	}
	if r.NextTry == nil {
		return &now, nil
	}
	return r.NextTry, nil
}

// CancelRoundSurveys implements survey.RoundStore.
func (rs *Rounds) CancelRoundSurveys(ctx context.Context, round int64, at time.Time) error {
	return mapError(rs.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE surveys SET status = 'cancelled', last_error = 'round closed', claimed_until = NULL,
			next_try_at = NULL WHERE round_id = $1 AND status = 'pending'`, round); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE surveys SET status = 'expired', expires_at = $2 WHERE round_id = $1 AND status = 'sent'`, round, utc(at))
		return err
	}))
}

// SkipSurvey implements survey.RoundStore.
func (rs *Rounds) SkipSurvey(ctx context.Context, id int64, reason string) error {
	_, err := rs.db.ExecContext(ctx, `UPDATE surveys SET status = 'cancelled', last_error = $2, claimed_until = NULL, next_try_at = NULL
		WHERE id = $1 AND status = 'pending'`, id, reason)
	return mapError(err)
}

// RoundProgress implements survey.RoundStore.
func (rs *Rounds) RoundProgress(ctx context.Context, round int64) (survey.RoundProgress, error) {
	var p survey.RoundProgress
	var rows []struct {
		Status    string `db:"status"`
		Delivered bool   `db:"delivered"`
		Rating    *int   `db:"rating"`
		N         int    `db:"n"`
	}
	err := rs.db.SelectContext(ctx, &rows, `SELECT status, (sent_at IS NOT NULL) AS delivered, rating, count(*) AS n
		FROM surveys WHERE round_id = $1 GROUP BY status, (sent_at IS NOT NULL), rating`, round)
	if err != nil {
		return p, mapError(err)
	}
	for _, r := range rows {
		p.Selected += r.N
		switch r.Status {
		case survey.StatusPending:
			p.Pending += r.N
		case survey.StatusFailed:
			p.Failed += r.N
		case survey.StatusCancelled:
			p.Cancelled += r.N
		case survey.StatusExpired:
			p.Expired += r.N
		}
		if r.Delivered {
			p.Delivered += r.N
		}
		if r.Rating != nil && *r.Rating >= 1 && *r.Rating <= 4 {
			p.Ratings[*r.Rating-1] += r.N
		}
	}
	err = rs.db.SelectContext(ctx, &p.Errors, `SELECT last_error FROM surveys WHERE round_id = $1 AND status = 'failed'
		GROUP BY last_error ORDER BY count(*) DESC, last_error LIMIT 3`, round)
	return p, mapError(err)
}
