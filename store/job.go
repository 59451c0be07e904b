package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
)

const jobColumns = `id, job_key, kind, ticket_id, ref, step, payload, due_at, attempts, last_error, done_at, outcome, created_at`

// insertJobs schedules jobs; one already scheduled (same key) is left as
// it is.
func insertJobs(ctx context.Context, q sqlx.ExtContext, jobs []bot.Job, now time.Time) error {
	for _, j := range jobs {
		_, err := q.ExecContext(ctx, `INSERT INTO jobs (job_key, kind, ticket_id, ref, step, payload, due_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (job_key) DO NOTHING`,
			j.Key, j.Kind, j.TicketID, j.Ref, j.Step, j.Payload, utc(j.DueAt), utc(now))
		if err != nil {
			return fmt.Errorf("schedule %s: %w", j.Kind, err)
		}
	}
	return nil
}

// AddJobs implements bot.JobStore.
func (db *DB) AddJobs(ctx context.Context, jobs []bot.Job, now time.Time) error {
	return mapError(db.inTx(ctx, func(tx *sqlx.Tx) error { return insertJobs(ctx, tx, jobs, now) }))
}

// ClaimJobs implements bot.JobStore. On PostgreSQL, FOR UPDATE SKIP LOCKED
// lets replicas claim side by side without waiting on each other's rows;
// SQLite has one writer, so its plain UPDATE is already exclusive.
func (db *DB) ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]bot.Job, error) {
	lock := ""
	if db.Dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var jobs []bot.Job
	err := db.SelectContext(ctx, &jobs, `UPDATE jobs SET claimed_until = $2, attempts = attempts + 1
		WHERE id IN (SELECT id FROM jobs WHERE done_at IS NULL AND due_at <= $1
			AND (claimed_until IS NULL OR claimed_until <= $1) ORDER BY due_at LIMIT $3`+lock+`)
		RETURNING `+jobColumns, utc(now), utc(now.Add(lease)), limit)
	return jobs, mapError(err)
}

// FinishJob implements bot.JobStore.
func (db *DB) FinishJob(ctx context.Context, id int64, outcome string, now time.Time, next []bot.Job) error {
	return mapError(db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET done_at = $2, outcome = $3, claimed_until = NULL WHERE id = $1`,
			id, utc(now), outcome); err != nil {
			return err
		}
		return insertJobs(ctx, tx, next, now)
	}))
}

// RetryJob implements bot.JobStore.
func (db *DB) RetryJob(ctx context.Context, id int64, due time.Time, errText string) error {
	_, err := db.ExecContext(ctx, `UPDATE jobs SET due_at = $2, last_error = $3, claimed_until = NULL WHERE id = $1`,
		id, utc(due), errText)
	return mapError(err)
}

// PendingJobs implements bot.JobStore.
func (db *DB) PendingJobs(ctx context.Context, limit int) ([]bot.Job, error) {
	var jobs []bot.Job
	err := db.SelectContext(ctx, &jobs, `SELECT `+jobColumns+` FROM jobs WHERE done_at IS NULL ORDER BY due_at LIMIT $1`, limit)
	return jobs, mapError(err)
}

// FailedJobs implements bot.JobStore.
func (db *DB) FailedJobs(ctx context.Context, limit int) ([]bot.Job, error) {
	var jobs []bot.Job
	err := db.SelectContext(ctx, &jobs, `SELECT `+jobColumns+` FROM jobs WHERE outcome = 'failed' OR (done_at IS NULL AND last_error <> '')
		ORDER BY id DESC LIMIT $1`, limit)
	return jobs, mapError(err)
}

// DueJobs counts jobs due at now and not done (for the metrics).
func (db *DB) DueJobs(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := db.GetContext(ctx, &n, `SELECT count(*) FROM jobs WHERE done_at IS NULL AND due_at <= $1`, utc(now))
	return n, mapError(err)
}
