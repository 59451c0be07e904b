package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
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
	todo := make(chan Job)
	results := make(chan jobResult, len(b.jobs))
	var wg sync.WaitGroup
	for range min(max(d.sched.Workers, 1), len(b.jobs)) {
		wg.Go(func() {
			for j := range todo {
				if ctx.Err() == nil && d.now().Sub(b.now) < d.sched.Lease/2 {
					results <- d.runJob(ctx, b, j)
				}
			}
		})
	}
	recorded := make(chan error, 1)
	go func() { recorded <- d.recordResults(ctx, b, results) }()
	for _, j := range b.jobs {
		todo <- j
	}
	close(todo)
	wg.Wait()
	close(results)
	return <-recorded
}

func (d *Desk) runJob(ctx context.Context, b *jobBatch, j Job) jobResult {
	outcome, next, err := d.handleJob(ctx, b, j)
	return jobResult{job: j, outcome: outcome, next: next, err: err}
}

// recordResults records jobs done as they finish, each write taking all
// that finished while the last was under way (group commit): under load a
// transaction covers many jobs, and yet a job's follow-up (the next
// escalation step, the next batch of a survey round) is due as soon as
// the job is done, and a crash repeats little.
func (d *Desk) recordResults(ctx context.Context, b *jobBatch, results <-chan jobResult) error {
	var errs []error
	for r := range results {
		group := append([]jobResult{r}, ready(results)...)
		if err := d.finish(ctx, b, group); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ready takes what is waiting in ch without blocking.
func ready(ch <-chan jobResult) []jobResult {
	var out []jobResult
	for {
		select {
		case r, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, r)
		default:
			return out
		}
	}
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

// stillDue reports whether the deadline the job was made for still stands.
func stillDue(j Job, t *Ticket, goal string) bool {
	due := t.currentDue(goal)
	return !t.done(goal) && !due.IsZero() && strings.HasSuffix(j.Key, fmt.Sprintf(":%d", due.Unix()))
}

var goalNames = map[string]string{goalResponse: "响应", goalResolution: "解决"}

// remind tells the assignee (or, with none, the leads) how long is left.
func (d *Desk) remind(ctx context.Context, b *jobBatch, j Job, t *Ticket) (string, []Job, error) {
	goal, _, _ := strings.Cut(j.Payload, ":")
	if !stillDue(j, t, goal) {
		return OutcomeSkipped, nil, nil
	}
	to, err := d.assigneeOrLeads(b, t)
	if err != nil {
		return "", nil, err
	}
	text := fmt.Sprintf("⏰ 提醒：工单 #%d 的%s\n%s", t.ID, d.deadlineLine(goalNames[goal]+"时限", t.currentDue(goal), b.now), d.ticketCard(t, b.now))
	for _, s := range to {
		msg := StaffMessage{ChatID: *s.TelegramUserID, TicketID: t.ID, Text: text, Key: fmt.Sprintf("%s:%d", j.Key, s.ID), Buttons: pingButtons(t)}
		if err := d.sendStaff(ctx, msg); err != nil {
			return "", nil, err
		}
	}
	return OutcomeSent, nil, nil
}

func (d *Desk) sendStaff(ctx context.Context, m StaffMessage) error {
	if d.staffChat == nil {
		return nil
	}
	return d.staffChat.SendStaff(ctx, m)
}

func (d *Desk) assigneeOrLeads(b *jobBatch, t *Ticket) ([]Staff, error) {
	if t.AssigneeID != nil {
		roster, err := b.roster()
		if err != nil {
			return nil, fmt.Errorf("list staff: %w", err)
		}
		for _, s := range roster {
			if s.ID == *t.AssigneeID && d.reachable(&s) {
				return []Staff{s}, nil
			}
		}
	}
	return d.staffIn(b, RoleLead)
}

// escalate carries out step j.Step of the plan's chain for a missed
// deadline: everyone on duty with that role is told; a step with nobody
// on duty is skipped at once rather than waited out.
func (d *Desk) escalate(ctx context.Context, b *jobBatch, j Job, jt *JobTicket) (string, []Job, error) {
	t := &jt.Ticket
	goal, now := j.Payload, b.now
	if !stillDue(j, t, goal) || d.escalationAcknowledged(ctx, t.ID, goal) {
		return OutcomeSkipped, nil, nil
	}
	chain := d.policy.Escalation[t.Plan]
	if j.Step >= len(chain) {
		return OutcomeSkipped, nil, nil
	}
	told, err := d.onDutyWith(b, chain[j.Step])
	if err != nil {
		return "", nil, err
	}
	next := d.nextStep(j, t, goal, len(told) == 0, now)
	if len(told) == 0 {
		return OutcomeSkipped, next, nil
	}
	if err := d.tellEscalation(ctx, j, t, goal, told, now); err != nil {
		return "", nil, err
	}
	if j.Step == 0 && goal == goalResponse {
		text := fmt.Sprintf("您的工单 #%d 还没有得到工程师响应，很抱歉让您久等。我们已将工单升级给主管跟进，会尽快与您联系。", t.ID)
		if err := d.notifyCustomerOnce(ctx, jt, text, "已升级处理", j.Key); err != nil {
			d.log.Warn("notify customer of escalation", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		}
	}
	d.metrics.Escalated()
	return OutcomeSent, next, nil
}

// nextStep schedules the chain's next step: at once when this one had
// nobody to tell, else after the escalation interval.
func (d *Desk) nextStep(j Job, t *Ticket, goal string, skipped bool, now time.Time) []Job {
	if j.Step+1 >= len(d.policy.Escalation[t.Plan]) {
		return nil
	}
	at := now.Add(d.sched.Escalation)
	if skipped {
		at = now
	}
	due := t.currentDue(goal)
	return []Job{{Kind: JobBreach, TicketID: ptr(t.ID), Payload: goal, Step: j.Step + 1, DueAt: at,
		Key: jobKey(t.ID, JobBreach, goal, fmt.Sprint(j.Step+1), due)}}
}

func (d *Desk) onDutyWith(b *jobBatch, role string) ([]Staff, error) {
	staff, err := d.staffIn(b, role)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(staff, func(s Staff) bool { return !d.onDuty(&s, b.now) }), nil
}

func (d *Desk) tellEscalation(ctx context.Context, j Job, t *Ticket, goal string, told []Staff, now time.Time) error {
	names := make([]string, len(told))
	for i, s := range told {
		names[i] = s.Label()
	}
	overdue := hoursMinutes(now.Sub(t.currentDue(goal)))
	text := fmt.Sprintf("🚨 升级：工单 #%d %s超时 %s\n已通知：%s\n\n%s", t.ID, goalNames[goal], overdue, strings.Join(names, "、"), d.ticketCard(t, now))
	buttons := [][]Button{{{"已知悉", callbackData(actEscalationAck, t.ID, goal)}}}
	for _, s := range told {
		msg := StaffMessage{ChatID: *s.TelegramUserID, TicketID: t.ID, Text: text, Buttons: buttons, Key: fmt.Sprintf("%s:%d", j.Key, s.ID)}
		if err := d.sendStaff(ctx, msg); err != nil {
			return err
		}
	}
	key := j.Key
	e := Event{TicketID: t.ID, At: now, ActorKind: ActorSystem, Kind: "escalated", MsgKey: &key,
		Body: fmt.Sprintf("%s超时 %s，升级通知 %s", goalNames[goal], overdue, strings.Join(names, "、"))}
	_, err := d.tickets.AddEvent(ctx, e)
	return err
}

func (d *Desk) escalationAcknowledged(ctx context.Context, ticket int64, goal string) bool {
	events, err := d.tickets.Events(ctx, ticket)
	if err != nil {
		return false
	}
	for _, e := range events {
		if e.Kind == "escalation_acknowledged" && e.Body == goal {
			return true
		}
	}
	return false
}

// closeResolved closes, in one transaction, the tickets of the batch's
// auto-close jobs that the customer did not confirm in time; the workers
// then tell the customers. Each close is logged under its job's key.
func (d *Desk) closeResolved(ctx context.Context, b *jobBatch) error {
	var events []Event
	for _, j := range b.jobs {
		if t := b.ticketOf(j); j.Kind == JobAutoClose && t != nil && awaitsClose(j, &t.Ticket) {
			key := j.Key
			events = append(events, Event{TicketID: t.ID, At: b.now, ActorKind: ActorSystem, Kind: "auto_closed", MsgKey: &key,
				Body: fmt.Sprintf("客户 %d 个工作日未确认，自动关闭", d.sched.AutoClose)})
		}
	}
	closed, err := d.jobs.CloseResolved(ctx, events, b.now)
	if err != nil {
		return fmt.Errorf("auto-close tickets: %w", err)
	}
	for _, e := range events {
		if slices.Contains(closed, e.TicketID) {
			b.closed[*e.MsgKey] = true
		}
	}
	return nil
}

// awaitsClose reports whether the ticket is still in the resolution the
// auto-close job was scheduled for.
func awaitsClose(j Job, t *Ticket) bool {
	return t.Status == StatusResolved && t.ResolvedAt != nil && strings.HasSuffix(j.Key, fmt.Sprintf(":%d", t.ResolvedAt.Unix()))
}

// autoClose tells the customer of a ticket the batch closed. A ticket
// found closed by this very job earlier (its runner died, or the notice
// failed, between the close and the send) gets its notice now.
func (d *Desk) autoClose(ctx context.Context, b *jobBatch, j Job, t *JobTicket) (string, []Job, error) {
	if b.closed[j.Key] {
		return d.autoCloseNotice(ctx, j, t)
	}
	if t.Status != StatusClosed {
		return OutcomeSkipped, nil, nil
	}
	closedHere, err := d.closedByJob(ctx, t.ID, j.Key)
	if err != nil || !closedHere {
		return OutcomeSkipped, nil, err
	}
	return d.autoCloseNotice(ctx, j, t)
}

// closedByJob reports whether the ticket's log records its close by the
// job with key.
func (d *Desk) closedByJob(ctx context.Context, ticket int64, key string) (bool, error) {
	events, err := d.tickets.Events(ctx, ticket)
	if err != nil {
		return false, fmt.Errorf("read ticket log: %w", err)
	}
	for _, e := range events {
		if e.Kind == "auto_closed" && e.MsgKey != nil && *e.MsgKey == key {
			return true, nil
		}
	}
	return false, nil
}

// autoCloseNotice tells the customer. A send that failed on the way is
// the job's failure, tried again; a customer the channel cannot reach
// (unfollowed) is not.
func (d *Desk) autoCloseNotice(ctx context.Context, j Job, t *JobTicket) (string, []Job, error) {
	text := fmt.Sprintf("您的工单 #%d 已处理完毕，因未收到您的确认，已自动关闭。如问题仍在，直接回复即可重新报修。", t.ID)
	err := d.notifyCustomerOnce(ctx, t, text, "已关闭", j.Key)
	if errors.Is(err, ErrUnreachable) || errors.Is(err, ErrNotFound) {
		d.log.Info("auto-close notice not delivered", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		return OutcomeSent, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	return OutcomeSent, nil, nil
}

// autoCloseJob is scheduled when a ticket is resolved.
func (d *Desk) autoCloseJob(t *Ticket, resolvedAt time.Time) []Job {
	plan, err := d.policy.Plan(t.Plan)
	if err != nil {
		return nil
	}
	due := plan.Calendar().AddWorkingDays(resolvedAt, d.sched.AutoClose)
	return []Job{{Kind: JobAutoClose, TicketID: ptr(t.ID), DueAt: due, Key: jobKey(t.ID, JobAutoClose, "", "", resolvedAt)}}
}

// notifyCustomerOnce is notifyCustomer for scheduled work, which may run
// twice (see RunDueJobs): the template carries the job's key as its
// client_msg_id, and WeChat delivers one template per openid and
// client_msg_id within ten minutes, so a job run again after the lease
// does not repeat it. A customer-service message (the 48-hour window
// open) has no such id: a replica dying after the send and before its
// batch is recorded leaves that window for a repeat.
func (d *Desk) notifyCustomerOnce(ctx context.Context, t *JobTicket, text, status, key string) error {
	if d.customer == nil {
		return nil
	}
	if t.OpenID == "" {
		return fmt.Errorf("customer of ticket %d: %w", t.ID, ErrNotFound)
	}
	tpl := ticketTemplate(&t.Ticket, status, d.now(), d.policy.Location)
	tpl.ClientMsgID = key
	return d.customer.Notify(ctx, t.OpenID, Notice{Reply: Reply{Text: text, Fallback: tpl}, Template: tpl})
}
