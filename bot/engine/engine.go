// Package engine carries out scheduled work: jobs are rows in the database
// written with the change that calls for them, claimed by one replica with
// a lease, and handed to the handler registered for their kind. It also
// holds the handlers of a ticket's deadline work: reminders, escalation
// and the auto-close, and the renewal notices.
package engine

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// Config tunes the scheduler.
type Config struct {
	Lease   time.Duration // how long a claimed job is ours; after it another replica may retry it
	Batch   int           // jobs claimed at once
	Batches int           // batches carried out side by side, so one's database work overlaps another's sends; 0 means 1
	Workers int           // jobs of a batch carried out at once; 0 means one at a time
	Poll    time.Duration // how often to look when nothing was due
}

// DefaultConfig is what serve uses. A job waits mostly on the network (the
// database, WeChat, Telegram), so two batches with 16 jobs in flight each
// keep two cores busy; see docs/BENCHMARKS.md.
var DefaultConfig = Config{Lease: 30 * time.Second, Batch: 200, Batches: 2, Workers: 16, Poll: 200 * time.Millisecond}

// finishTimeout bounds recording jobs done. The write outlives the
// caller's context: jobs carried out during a shutdown are recorded, not
// carried out again by the next replica.
const finishTimeout = 10 * time.Second

// JobStore keeps scheduled work.
type JobStore interface {
	// ClaimJobs leases up to limit due jobs to the caller until now+lease.
	ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]bot.Job, error)
	// JobTickets reads the tickets of a batch of jobs, with their
	// customers' ids on the channel, in one query; a ticket that is gone is
	// left out.
	JobTickets(ctx context.Context, ids []int64) ([]bot.JobTicket, error)
	// FinishJobs records jobs as done with their outcomes, and schedules
	// their follow-up jobs, all in one transaction.
	FinishJobs(ctx context.Context, done []bot.Finished, now time.Time) error
	// RetryJob releases a job to be tried again at due.
	RetryJob(ctx context.Context, id int64, due time.Time, errText string) error
}

// Handler carries out one job of a batch: its outcome (bot.Outcome…) and
// the follow-up jobs it calls for. An error is the job's failure: it is
// tried again with backoff, up to bot.MaxJobAttempts.
type Handler func(ctx context.Context, b *Batch, j bot.Job) (outcome string, next []bot.Job, err error)

// Plain makes a handler of a function that needs nothing of the batch but
// its time.
func Plain(f func(ctx context.Context, j bot.Job, now time.Time) (string, []bot.Job, error)) Handler {
	return func(ctx context.Context, b *Batch, j bot.Job) (string, []bot.Job, error) { return f(ctx, j, b.Now) }
}

// Preparer works on a whole batch before its jobs are handed out (the
// auto-close closes all its tickets in one transaction). An error gives
// the batch back: its claims run out, and the jobs come back.
type Preparer func(ctx context.Context, b *Batch) error

// Scheduler claims due jobs and runs their handlers.
type Scheduler struct {
	cfg      Config
	now      bot.Clock
	jobs     JobStore
	staff    bot.StaffStore
	metrics  bot.Metrics
	log      *slog.Logger
	handlers map[string]Handler
	prepare  []Preparer
}

// Deps are the Scheduler's collaborators.
type Deps struct {
	Config  Config // zero: DefaultConfig
	Clock   bot.Clock
	Jobs    JobStore
	Staff   bot.StaffStore // the roster a batch reads once, when a job first needs it
	Metrics bot.Metrics    // nil: none
	Log     *slog.Logger
}

// New builds a Scheduler with no handlers: a job of a kind nobody handles
// is skipped.
func New(d Deps) *Scheduler {
	if d.Config == (Config{}) {
		d.Config = DefaultConfig
	}
	if d.Metrics == nil {
		d.Metrics = bot.NoMetrics{}
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Scheduler{cfg: d.Config, now: d.Clock, jobs: d.Jobs, staff: d.Staff, metrics: d.Metrics, log: d.Log,
		handlers: map[string]Handler{}}
}

// Handle registers the handler of a kind of job.
func (s *Scheduler) Handle(kind string, h Handler) { s.handlers[kind] = h }

// Prepare registers work on every batch before its jobs run.
func (s *Scheduler) Prepare(p Preparer) { s.prepare = append(s.prepare, p) }

// Lease is how long a claimed job is the claimer's.
func (s *Scheduler) Lease() time.Duration { return s.cfg.Lease }

// Run carries out due jobs until ctx ends. Its loops claim side by side as
// replicas do (SKIP LOCKED keeps them apart): while one waits on the
// database to claim or record a batch, another's workers send.
func (s *Scheduler) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range max(s.cfg.Batches, 1) {
		wg.Go(func() { s.loop(ctx) })
	}
	wg.Wait()
}

func (s *Scheduler) loop(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := s.RunDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("scheduler", slog.String("err", err.Error()))
		}
		if n == s.cfg.Batch {
			continue // more may be due: no pause
		}
		t := time.NewTimer(s.cfg.Poll)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}

// RunDue claims one batch of due jobs and carries them out, several at
// once. Tests call it after moving the clock.
//
// Delivery is at least once: a replica that dies between a job's send and
// its record leaves the job claimed, and after the lease another runs it
// again. What it sent may then be sent twice; see notify.CustomerOnce for
// how far the platforms drop the repeat.
func (s *Scheduler) RunDue(ctx context.Context) (int, error) {
	now := s.now()
	jobs, err := s.jobs.ClaimJobs(ctx, now, s.cfg.Lease, s.cfg.Batch)
	if err != nil {
		return 0, fmt.Errorf("claim jobs: %w", err)
	}
	if len(jobs) == 0 {
		return 0, nil
	}
	b, err := s.newBatch(ctx, jobs, now)
	for _, p := range s.prepare {
		if err == nil {
			err = p(ctx, b)
		}
	}
	if err != nil {
		return len(jobs), err // the claims run out, and the jobs come back
	}
	return len(jobs), s.runBatch(ctx, b)
}

// handle runs the job's handler; a kind nobody handles is skipped.
func (s *Scheduler) handle(ctx context.Context, b *Batch, j bot.Job) result {
	h, ok := s.handlers[j.Kind]
	if !ok {
		return result{job: j, outcome: bot.OutcomeSkipped}
	}
	outcome, next, err := h(ctx, b, j)
	return result{job: j, outcome: outcome, next: next, err: err}
}
