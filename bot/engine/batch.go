package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
)

// Batch is what the jobs of one claim share: the claim's time, their
// tickets, read in one query after the claim (the re-read before acting:
// a reminder for a ticket answered meanwhile does nothing), marks that a
// preparer leaves for the handlers, and the staff roster, read once when a
// job first needs it.
type Batch struct {
	Jobs    []bot.Job
	Now     time.Time
	tickets map[int64]*bot.JobTicket
	marks   map[string]bool
	roster  func() ([]bot.Staff, error)
}

func (s *Scheduler) newBatch(ctx context.Context, jobs []bot.Job, now time.Time) (*Batch, error) {
	var ids []int64
	for _, j := range jobs {
		if j.TicketID != nil {
			ids = append(ids, *j.TicketID)
		}
	}
	tickets, err := s.jobs.JobTickets(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read the tickets of jobs: %w", err)
	}
	b := &Batch{Jobs: jobs, Now: now, tickets: make(map[int64]*bot.JobTicket, len(tickets)), marks: map[string]bool{},
		roster: sync.OnceValues(func() ([]bot.Staff, error) { return s.staff.ListStaff(ctx) })}
	for i := range tickets {
		b.tickets[tickets[i].ID] = &tickets[i]
	}
	return b, nil
}

// TicketOf is the job's ticket as the batch read it; nil when it has none.
func (b *Batch) TicketOf(j bot.Job) *bot.JobTicket {
	if j.TicketID == nil {
		return nil
	}
	return b.tickets[*j.TicketID]
}

// Mark leaves a mark under key for the batch's handlers; only preparers
// mark, before the handlers run.
func (b *Batch) Mark(key string) { b.marks[key] = true }

// Marked reports whether a preparer marked key.
func (b *Batch) Marked(key string) bool { return b.marks[key] }

// StaffWith lists reachable staff with any of roles, from the batch's
// roster.
func (b *Batch) StaffWith(roles ...string) ([]bot.Staff, error) {
	roster, err := b.roster()
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	return notify.WithRoles(roster, roles...), nil
}

// Roster is the staff roster as the batch read it.
func (b *Batch) Roster() ([]bot.Staff, error) { return b.roster() }

// result is what carrying out one job came to.
type result struct {
	job     bot.Job
	outcome string
	next    []bot.Job
	err     error
}

// runBatch carries out the batch's jobs, Workers at a time, and records
// them done as they finish. A job not started within half the lease (the
// platforms were slow), or by the time ctx ends (shutdown), is left alone:
// its claim runs out and it is taken again then, rather than carried out
// by this replica while another takes it over.
func (s *Scheduler) runBatch(ctx context.Context, b *Batch) error {
	queue := make(chan bot.Job)
	results := make(chan result, len(b.Jobs))
	var wg sync.WaitGroup
	for range min(max(s.cfg.Workers, 1), len(b.Jobs)) {
		wg.Go(func() {
			for j := range queue {
				if ctx.Err() == nil && s.now().Sub(b.Now) < s.cfg.Lease/2 {
					results <- s.handle(ctx, b, j)
				}
			}
		})
	}
	recorded := make(chan error, 1)
	go func() { recorded <- s.recordResults(ctx, b, results) }()
	for _, j := range b.Jobs {
		queue <- j
	}
	close(queue)
	wg.Wait()
	close(results)
	return <-recorded
}

// recordResults records jobs done as they finish, in groups: a group is
// written when it holds half the batch, when its first job has waited
// flushAfter, or when the batch is over. Under load a batch then costs a
// transaction or two (writing each handful of jobs as it finished halved
// the benchmark's throughput), and yet a job's follow-up (the next
// escalation step, the next batch of a survey round) need not wait for
// the batch's slowest job.
func (s *Scheduler) recordResults(ctx context.Context, b *Batch, results <-chan result) error {
	var errs []error
	for r := range results {
		group := gather(results, r, max(len(b.Jobs)/2, 1), flushAfter)
		if err := s.finish(ctx, b, group); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// flushAfter is how long a finished job waits for others to be recorded
// with it.
const flushAfter = 50 * time.Millisecond

// gather returns first and the results after it, until there are size of
// them, wait has passed, or ch is closed.
func gather(ch <-chan result, first result, size int, wait time.Duration) []result {
	group := []result{first}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for len(group) < size {
		select {
		case r, ok := <-ch:
			if !ok {
				return group
			}
			group = append(group, r)
		case <-timer.C:
			return group
		}
	}
	return group
}

// finish records jobs carried out, with their follow-up jobs, in one
// transaction, and sends failed ones back to be tried again with backoff,
// or gives them up after a few attempts. The write outlives ctx (see
// finishTimeout).
func (s *Scheduler) finish(ctx context.Context, b *Batch, group []result) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	var done []bot.Finished
	var kinds []string // of done, for the metrics
	for _, r := range group {
		switch {
		case r.err == nil:
			done = append(done, bot.Finished{ID: r.job.ID, Outcome: r.outcome, Next: r.next})
		case s.failed(ctx, r.job, b.Now, r.err): // given up: counted as done, failed
			done = append(done, bot.Finished{ID: r.job.ID, Outcome: bot.OutcomeFailed})
		default:
			continue
		}
		kinds = append(kinds, r.job.Kind)
	}
	if err := s.jobs.FinishJobs(ctx, done, s.now()); err != nil {
		return fmt.Errorf("finish %d jobs: %w", len(done), err)
	}
	due := make(map[int64]time.Time, len(group))
	for _, r := range group {
		due[r.job.ID] = r.job.DueAt
	}
	for i, f := range done {
		s.metrics.JobDone(kinds[i], f.Outcome, b.Now.Sub(due[f.ID]))
	}
	return nil
}

// failed logs a failed attempt and schedules the next one; it reports true
// when the job has had its attempts and is to be recorded failed.
func (s *Scheduler) failed(ctx context.Context, j bot.Job, now time.Time, cause error) bool {
	s.metrics.JobFailed(j.Kind)
	s.log.Warn("job failed", slog.Int64("job", j.ID), slog.String("kind", j.Kind), slog.Int("attempt", j.Attempts), slog.String("err", cause.Error()))
	if j.Attempts >= bot.MaxJobAttempts {
		return true
	}
	backoff := time.Duration(1<<min(j.Attempts, 6)) * 5 * time.Second
	if err := s.jobs.RetryJob(ctx, j.ID, now.Add(backoff), cause.Error()); err != nil {
		s.log.Error("retry job", slog.Int64("job", j.ID), slog.String("err", err.Error()))
	}
	return false
}
