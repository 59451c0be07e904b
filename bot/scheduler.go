package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// SchedulerConfig tunes the job worker.
type SchedulerConfig struct {
	Lease      time.Duration // how long a claimed job is ours; after it another replica may retry it
	Batch      int           // jobs claimed at once
	Batches    int           // batches carried out side by side, so one's database work overlaps another's sends; 0 means 1
	Workers    int           // jobs of a batch carried out at once; 0 means one at a time
	Poll       time.Duration // how often to look when nothing was due
	Escalation time.Duration // between escalation steps
	AutoClose  int           // working days a resolved ticket waits for the customer's confirmation
}

// DefaultSchedulerConfig is what serve uses. A job waits mostly on the
// network (the database, WeChat, Telegram), so two batches with 16 jobs
// in flight each keep two cores busy; see docs/BENCHMARKS-jobs.md.
var DefaultSchedulerConfig = SchedulerConfig{Lease: 30 * time.Second, Batch: 200, Batches: 2, Workers: 16,
	Poll: 200 * time.Millisecond, Escalation: time.Hour, AutoClose: 3}

// finishTimeout bounds recording jobs done. The write outlives the
// caller's context: jobs carried out during a shutdown are recorded, not
// carried out again by the next replica.
const finishTimeout = 10 * time.Second

// JobMetrics observes the scheduler (Prometheus in production). Workers
// call it concurrently.
type JobMetrics interface {
	JobDone(kind, outcome string, late time.Duration)
	JobFailed(kind string)
	Escalated()
}

type noMetrics struct{}

func (noMetrics) JobDone(string, string, time.Duration) {}
func (noMetrics) JobFailed(string)                      {}
func (noMetrics) Escalated()                            {}

// RunScheduler carries out due jobs until ctx ends. Its loops claim side
// by side as replicas do (SKIP LOCKED keeps them apart): while one waits on
// the database to claim or record a batch, another's workers send.
func (d *Desk) RunScheduler(ctx context.Context) {
	var wg sync.WaitGroup
	for range max(d.sched.Batches, 1) {
		wg.Go(func() { d.schedulerLoop(ctx) })
	}
	wg.Wait()
}

func (d *Desk) schedulerLoop(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := d.RunDueJobs(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.Error("scheduler", slog.String("err", err.Error()))
		}
		if n == d.sched.Batch {
			continue // more may be due: no pause
		}
		t := time.NewTimer(d.sched.Poll)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}

// RunDueJobs claims one batch of due jobs and carries them out, several at
// once. Tests call it after moving the clock.
//
// Delivery is at least once: a replica that dies between a job's send and
// its record leaves the job claimed, and after the lease another runs it
// again. What it sent may then be sent twice; see notifyCustomerOnce for
// how far the platforms drop the repeat.
func (d *Desk) RunDueJobs(ctx context.Context) (int, error) {
	now := d.now()
	jobs, err := d.jobs.ClaimJobs(ctx, now, d.sched.Lease, d.sched.Batch)
	if err != nil {
		return 0, fmt.Errorf("claim jobs: %w", err)
	}
	if len(jobs) == 0 {
		return 0, nil
	}
	b, err := d.newBatch(ctx, jobs, now)
	if err == nil {
		err = d.closeResolved(ctx, b)
	}
	if err != nil {
		return len(jobs), err // the claims run out, and the jobs come back
	}
	return len(jobs), d.runBatch(ctx, b)
}

// jobBatch is what the jobs of one claim share: the claim's time, their
// tickets, read in one query after the claim (the re-read before acting:
// a reminder for a ticket answered meanwhile does nothing), the keys of
// the auto-close jobs whose tickets the batch closed, and the staff
// roster, read once when a job first needs it.
type jobBatch struct {
	jobs    []Job
	now     time.Time
	tickets map[int64]*JobTicket
	closed  map[string]bool
	roster  func() ([]Staff, error)
}

func (d *Desk) newBatch(ctx context.Context, jobs []Job, now time.Time) (*jobBatch, error) {
	var ids []int64
	for _, j := range jobs {
		if j.TicketID != nil {
			ids = append(ids, *j.TicketID)
		}
	}
	tickets, err := d.jobs.JobTickets(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read the tickets of jobs: %w", err)
	}
	b := &jobBatch{jobs: jobs, now: now, tickets: make(map[int64]*JobTicket, len(tickets)), closed: map[string]bool{},
		roster: sync.OnceValues(func() ([]Staff, error) { return d.staff.ListStaff(ctx) })}
	for i := range tickets {
		b.tickets[tickets[i].ID] = &tickets[i]
	}
	return b, nil
}

// ticketOf is the job's ticket as the batch read it; nil when it has none.
func (b *jobBatch) ticketOf(j Job) *JobTicket {
	if j.TicketID == nil {
		return nil
	}
	return b.tickets[*j.TicketID]
}

// staffIn lists reachable staff with any of roles, from the batch's
// roster (relay.go's staffWith reads the roster on every call).
func (d *Desk) staffIn(b *jobBatch, roles ...string) ([]Staff, error) {
	roster, err := b.roster()
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	var out []Staff
	for _, s := range roster {
		if d.reachable(&s) && slices.ContainsFunc(roles, s.HasRole) {
			out = append(out, s)
		}
	}
	return out, nil
}

// jobResult is what carrying out one job came to.
type jobResult struct {
	job     Job
	outcome string
	next    []Job
	err     error
}

// runBatch carries out the batch's jobs, Workers at a time, and records
// them done as they finish. A job not started within half the lease (the
// platforms were slow), or by the time ctx ends (shutdown), is left alone:
// its claim runs out and it is taken again then, rather than carried out
// by this replica while another takes it over.
func (d *Desk) runBatch(ctx context.Context, b *jobBatch) error {
	queue := make(chan Job)
	results := make(chan jobResult, len(b.jobs))
	var wg sync.WaitGroup
	for range min(max(d.sched.Workers, 1), len(b.jobs)) {
		wg.Go(func() {
			for j := range queue {
				if ctx.Err() == nil && d.now().Sub(b.now) < d.sched.Lease/2 {
					results <- d.runJob(ctx, b, j)
				}
			}
		})
	}
	recorded := make(chan error, 1)
	go func() { recorded <- d.recordResults(ctx, b, results) }()
	for _, j := range b.jobs {
		queue <- j
	}
	close(queue)
	wg.Wait()
	close(results)
	return <-recorded
}

func (d *Desk) runJob(ctx context.Context, b *jobBatch, j Job) jobResult {
	outcome, next, err := d.handleJob(ctx, b, j)
	return jobResult{job: j, outcome: outcome, next: next, err: err}
}

// recordResults records jobs done as they finish, in groups: a group is
// written when it holds half the batch, when its first job has waited
// flushAfter, or when the batch is over. Under load a batch then costs a
// transaction or two (writing each handful of jobs as it finished halved
// the benchmark's throughput), and yet a job's follow-up (the next
// escalation step, the next batch of a survey round) need not wait for
// the batch's slowest job.
func (d *Desk) recordResults(ctx context.Context, b *jobBatch, results <-chan jobResult) error {
	var errs []error
	for r := range results {
		group := gather(results, r, max(len(b.jobs)/2, 1), flushAfter)
		if err := d.finish(ctx, b, group); err != nil {
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
func gather(ch <-chan jobResult, first jobResult, size int, wait time.Duration) []jobResult {
	group := []jobResult{first}
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

const maxJobAttempts = 5

// finish records jobs carried out, with their follow-up jobs, in one
// transaction, and sends failed ones back to be tried again with backoff,
// or gives them up after a few attempts. The write outlives ctx (see
// finishTimeout).
func (d *Desk) finish(ctx context.Context, b *jobBatch, group []jobResult) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	var done []Finished
	for _, r := range group {
		switch {
		case r.err == nil:
			done = append(done, Finished{ID: r.job.ID, Outcome: r.outcome, Next: r.next})
		case d.jobFailed(ctx, r.job, b.now, r.err):
			done = append(done, Finished{ID: r.job.ID, Outcome: OutcomeFailed})
		}
	}
	if err := d.jobs.FinishJobs(ctx, done, d.now()); err != nil {
		return fmt.Errorf("finish %d jobs: %w", len(done), err)
	}
	for _, r := range group {
		if r.err == nil {
			d.metrics.JobDone(r.job.Kind, r.outcome, b.now.Sub(r.job.DueAt))
		}
	}
	return nil
}

// jobFailed logs a failed attempt and schedules the next one; it reports
// true when the job has had its attempts and is to be recorded failed.
func (d *Desk) jobFailed(ctx context.Context, j Job, now time.Time, cause error) bool {
	d.metrics.JobFailed(j.Kind)
	d.log.Warn("job failed", slog.Int64("job", j.ID), slog.String("kind", j.Kind), slog.Int("attempt", j.Attempts), slog.String("err", cause.Error()))
	if j.Attempts >= maxJobAttempts {
		return true
	}
	backoff := time.Duration(1<<min(j.Attempts, 6)) * 5 * time.Second
	if err := d.jobs.RetryJob(ctx, j.ID, now.Add(backoff), cause.Error()); err != nil {
		d.log.Error("retry job", slog.Int64("job", j.ID), slog.String("err", err.Error()))
	}
	return false
}

// handleJob decides and acts on the ticket as the batch read it.
func (d *Desk) handleJob(ctx context.Context, b *jobBatch, j Job) (string, []Job, error) {
	if j.Kind == JobRenewal {
		return d.renewalNotice(ctx, j, b.now)
	}
	if isSurveyJob(j.Kind) {
		return d.surveyJob(ctx, j, b.now)
	}
	t := b.ticketOf(j)
	if t == nil {
		return OutcomeSkipped, nil, nil
	}
	switch j.Kind {
	case JobRemind:
		return d.remind(ctx, b, j, &t.Ticket)
	case JobBreach:
		return d.escalate(ctx, b, j, t)
	case JobAutoClose:
		return d.autoClose(ctx, b, j, t)
	}
	return OutcomeSkipped, nil, nil
}
