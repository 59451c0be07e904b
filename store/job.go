package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/engine"
)

// Jobs keeps scheduled work: reminders, escalations, auto-closes and the
// rest, claimed with a lease by any replica (engine.JobStore).
type Jobs struct{ db *DB }

var _ engine.JobStore = (*Jobs)(nil)

const jobColumns = `id, job_key, kind, ticket_id, ref, step, payload, due_at, attempts, last_error, done_at, outcome, created_at`

// insertJobs schedules jobs in one statement (a new ticket brings half a
// dozen); one already scheduled (same key) is left as it is. Batches stay
// well under PostgreSQL's 65,535 parameters.
func insertJobs(ctx context.Context, q sqlx.ExtContext, jobs []bot.Job, now time.Time) error {
	const maxRows = 1000
	for len(jobs) > 0 {
		batch := jobs[:min(len(jobs), maxRows)]
		jobs = jobs[len(batch):]
		var args []any
		if _, err := q.ExecContext(ctx, insertJobsSQL(&args, batch, now), args...); err != nil {
			return fmt.Errorf("schedule %d jobs: %w", len(batch), err)
		}
	}
	return nil
}

// insertJobsSQL schedules jobs, leaving one already scheduled as it is.
func insertJobsSQL(args *[]any, jobs []bot.Job, now time.Time) string {
	rows := make([]string, len(jobs))
	for i, j := range jobs {
		rows[i] = valuesRow(args, j.Key, j.Kind, j.TicketID, j.Ref, j.Step, j.Payload, utc(j.DueAt), utc(now))
	}
	return `INSERT INTO jobs (job_key, kind, ticket_id, ref, step, payload, due_at, created_at)
		VALUES ` + strings.Join(rows, ", ") + ` ON CONFLICT (job_key) DO NOTHING`
}

// AddJobs implements engine.JobStore.
func (js *Jobs) AddJobs(ctx context.Context, jobs []bot.Job, now time.Time) error {
	return mapError(js.db.inTx(ctx, func(tx *sqlx.Tx) error { return insertJobs(ctx, tx, jobs, now) }))
}

// ClaimJobs implements engine.JobStore. On PostgreSQL, FOR UPDATE SKIP LOCKED
// lets replicas claim side by side without waiting on each other's rows;
// SQLite has one writer, so its plain UPDATE is already exclusive.
func (js *Jobs) ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]bot.Job, error) {
	lock := ""
	if js.db.Dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var jobs []bot.Job
	err := js.db.SelectContext(ctx, &jobs, `UPDATE jobs SET claimed_until = $2, attempts = attempts + 1
		WHERE id IN (SELECT id FROM jobs WHERE done_at IS NULL AND due_at <= $1
			AND (claimed_until IS NULL OR claimed_until <= $1) ORDER BY due_at LIMIT $3`+lock+`)
		RETURNING `+jobColumns, utc(now), utc(now.Add(lease)), limit)
	return jobs, mapError(err)
}

// JobTickets implements engine.JobStore.
func (js *Jobs) JobTickets(ctx context.Context, ids []int64) ([]bot.JobTicket, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var args []any
	var ts []bot.JobTicket
	err := js.db.SelectContext(ctx, &ts, `SELECT `+ticketColumns+`,
			(SELECT open_id FROM customers WHERE customers.id = tickets.customer_id) AS open_id,
			(SELECT channel FROM customers WHERE customers.id = tickets.customer_id) AS customer_channel
		FROM tickets WHERE id IN (`+inList(&args, ids)+`)`, args...)
	return ts, mapError(err)
}

// CloseResolved implements engine.JobStore: the auto-closes of a batch cost
// one commit. The status check is in the UPDATE, so a customer's
// confirmation racing the close changes the ticket once.
func (js *Jobs) CloseResolved(ctx context.Context, events []bot.Event, now time.Time) ([]int64, error) {
	if len(events) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(events))
	for i, e := range events {
		ids[i] = e.TicketID
	}
	var closed []int64
	err := js.db.inTx(ctx, func(tx *sqlx.Tx) error {
		args := []any{utc(now), string(bot.StatusClosed), string(bot.StatusResolved)}
		err := tx.SelectContext(ctx, &closed, `UPDATE tickets SET status = $2, closed_at = $1, updated_at = $1
			WHERE status = $3 AND id IN (`+inList(&args, ids)+`) RETURNING id`, args...)
		if err != nil {
			return err
		}
		return insertEventsOf(ctx, tx, events, closed)
	})
	return closed, mapError(err)
}

// insertEventsOf appends, in one statement, the events of the tickets in
// ids; an event whose MsgKey is recorded already is skipped.
func insertEventsOf(ctx context.Context, tx *sqlx.Tx, events []bot.Event, ids []int64) error {
	closed := make(map[int64]bool, len(ids))
	for _, id := range ids {
		closed[id] = true
	}
	return insertEvents(ctx, tx, slices.DeleteFunc(slices.Clone(events), func(e bot.Event) bool { return !closed[e.TicketID] }))
}

// FinishJobs implements engine.JobStore: one UPDATE per outcome, so that the
// jobs of a batch cost a commit or two rather than one each. The scheduler's
// Batch bounds done, well under either dialect's limit on parameters.
func (js *Jobs) FinishJobs(ctx context.Context, done []bot.Finished, now time.Time) error {
	if len(done) == 0 {
		return nil
	}
	byOutcome := map[string][]int64{}
	var next []bot.Job
	for _, f := range done {
		byOutcome[f.Outcome] = append(byOutcome[f.Outcome], f.ID)
		next = append(next, f.Next...)
	}
	return mapError(js.db.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, outcome := range slices.Sorted(maps.Keys(byOutcome)) {
			args := []any{utc(now), outcome}
			_, err := tx.ExecContext(ctx, `UPDATE jobs SET done_at = $1, outcome = $2, claimed_until = NULL
				WHERE id IN (`+inList(&args, byOutcome[outcome])+`)`, args...)
			if err != nil {
				return err
			}
		}
		return insertJobs(ctx, tx, next, now)
	}))
}

// inList appends ids to args and returns their $n placeholders, comma
// separated, for an IN list that both dialects read.
func inList(args *[]any, ids []int64) string {
	vs := make([]any, len(ids))
	for i, id := range ids {
		vs[i] = id
	}
	return argList(args, vs...)
}

// RetryJob implements engine.JobStore.
func (js *Jobs) RetryJob(ctx context.Context, id int64, due time.Time, errText string) error {
	_, err := js.db.ExecContext(ctx, `UPDATE jobs SET due_at = $2, last_error = $3, claimed_until = NULL WHERE id = $1`,
		id, utc(due), errText)
	return mapError(err)
}

// RescheduleJobs moves the pending jobs with the keys of jobs to their due
// times (ticket.RescheduleStore), in one transaction, and returns how many
// moved. A job done, or one whose due time is already that, is left alone.
func (js *Jobs) RescheduleJobs(ctx context.Context, jobs []bot.Job) (int, error) {
	moved := 0
	err := js.db.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, j := range jobs {
			res, err := tx.ExecContext(ctx, `UPDATE jobs SET due_at = $2 WHERE job_key = $1 AND done_at IS NULL AND due_at <> $2`,
				j.Key, utc(j.DueAt))
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			moved += int(n)
		}
		return nil
	})
	return moved, mapError(err)
}

// PendingJobs implements engine.JobStore.
func (js *Jobs) PendingJobs(ctx context.Context, limit int) ([]bot.Job, error) {
	var jobs []bot.Job
	err := js.db.SelectContext(ctx, &jobs, `SELECT `+jobColumns+` FROM jobs WHERE done_at IS NULL ORDER BY due_at LIMIT $1`, limit)
	return jobs, mapError(err)
}

// FailedJobs implements engine.JobStore.
func (js *Jobs) FailedJobs(ctx context.Context, limit int) ([]bot.Job, error) {
	var jobs []bot.Job
	err := js.db.SelectContext(ctx, &jobs, `SELECT `+jobColumns+` FROM jobs WHERE outcome = 'failed' OR (done_at IS NULL AND last_error <> '')
		ORDER BY id DESC LIMIT $1`, limit)
	return jobs, mapError(err)
}

// DueJobs counts jobs due at now and not done (for the metrics).
func (js *Jobs) DueJobs(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := js.db.GetContext(ctx, &n, `SELECT count(*) FROM jobs WHERE done_at IS NULL AND due_at <= $1`, utc(now))
	return n, mapError(err)
}
