package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// SchedulerConfig tunes the job worker.
type SchedulerConfig struct {
	Lease      time.Duration // how long a claimed job is ours; after it another replica may retry it
	Batch      int           // jobs claimed at once
	Poll       time.Duration // how often to look when nothing was due
	Escalation time.Duration // between escalation steps
	AutoClose  int           // working days a resolved ticket waits for the customer's confirmation
}

// DefaultSchedulerConfig is what serve uses.
var DefaultSchedulerConfig = SchedulerConfig{Lease: 30 * time.Second, Batch: 200, Poll: 200 * time.Millisecond,
	Escalation: time.Hour, AutoClose: 3}

// JobMetrics observes the scheduler (Prometheus in production).
type JobMetrics interface {
	JobDone(kind, outcome string, late time.Duration)
	JobFailed(kind string)
	Escalated()
}

type noMetrics struct{}

func (noMetrics) JobDone(string, string, time.Duration) {}
func (noMetrics) JobFailed(string)                      {}
func (noMetrics) Escalated()                            {}

// RunScheduler carries out due jobs until ctx ends.
func (d *Desk) RunScheduler(ctx context.Context) {
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

// RunDueJobs claims one batch of due jobs and carries them out. Tests call
// it after moving the clock.
func (d *Desk) RunDueJobs(ctx context.Context) (int, error) {
	now := d.now()
	jobs, err := d.jobs.ClaimJobs(ctx, now, d.sched.Lease, d.sched.Batch)
	if err != nil {
		return 0, fmt.Errorf("claim jobs: %w", err)
	}
	for _, j := range jobs {
		d.runJob(ctx, j, now)
	}
	return len(jobs), nil
}

// runJob carries out one job and records the outcome; a failure is retried
// with backoff, and given up after a few attempts.
func (d *Desk) runJob(ctx context.Context, j Job, now time.Time) {
	outcome, next, err := d.handleJob(ctx, j, now)
	if err != nil {
		d.jobFailed(ctx, j, now, err)
		return
	}
	if err := d.jobs.FinishJob(ctx, j.ID, outcome, d.now(), next); err != nil {
		d.log.Error("finish job", slog.Int64("job", j.ID), slog.String("err", err.Error()))
		return
	}
	d.metrics.JobDone(j.Kind, outcome, now.Sub(j.DueAt))
}

const maxJobAttempts = 5

func (d *Desk) jobFailed(ctx context.Context, j Job, now time.Time, cause error) {
	d.metrics.JobFailed(j.Kind)
	d.log.Warn("job failed", slog.Int64("job", j.ID), slog.String("kind", j.Kind), slog.Int("attempt", j.Attempts), slog.String("err", cause.Error()))
	if j.Attempts >= maxJobAttempts {
		if err := d.jobs.FinishJob(ctx, j.ID, OutcomeFailed, now, nil); err != nil {
			d.log.Error("give up job", slog.Int64("job", j.ID), slog.String("err", err.Error()))
		}
		return
	}
	backoff := time.Duration(1<<min(j.Attempts, 6)) * 5 * time.Second
	if err := d.jobs.RetryJob(ctx, j.ID, now.Add(backoff), cause.Error()); err != nil {
		d.log.Error("retry job", slog.Int64("job", j.ID), slog.String("err", err.Error()))
	}
}

// handleJob decides and acts. It re-reads the ticket first: a reminder for
// a ticket answered meanwhile does nothing.
func (d *Desk) handleJob(ctx context.Context, j Job, now time.Time) (string, []Job, error) {
	if j.Kind == JobRenewal {
		return d.renewalNotice(ctx, j, now)
	}
	if j.TicketID == nil {
		return OutcomeSkipped, nil, nil
	}
	t, err := d.tickets.Ticket(ctx, *j.TicketID)
	if errors.Is(err, ErrNotFound) {
		return OutcomeSkipped, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	switch j.Kind {
	case JobRemind:
		return d.remind(ctx, j, t, now)
	case JobBreach:
		return d.escalate(ctx, j, t, now)
	case JobAutoClose:
		return d.autoClose(ctx, j, t, now)
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
func (d *Desk) remind(ctx context.Context, j Job, t *Ticket, now time.Time) (string, []Job, error) {
	goal, _, _ := strings.Cut(j.Payload, ":")
	if !stillDue(j, t, goal) {
		return OutcomeSkipped, nil, nil
	}
	to := d.assigneeOrLeads(ctx, t)
	text := fmt.Sprintf("⏰ 提醒：工单 #%d 的%s\n%s", t.ID, d.deadlineLine(goalNames[goal]+"时限", t.currentDue(goal), now), d.ticketCard(t, now))
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

func (d *Desk) assigneeOrLeads(ctx context.Context, t *Ticket) []Staff {
	if t.AssigneeID != nil {
		if s, err := d.staff.StaffByID(ctx, *t.AssigneeID); err == nil && d.reachable(s) {
			return []Staff{*s}
		}
	}
	return d.staffWith(ctx, RoleLead)
}

// escalate carries out step j.Step of the plan's chain for a missed
// deadline: everyone on duty with that role is told; a step with nobody
// on duty is skipped at once rather than waited out.
func (d *Desk) escalate(ctx context.Context, j Job, t *Ticket, now time.Time) (string, []Job, error) {
	goal := j.Payload
	if !stillDue(j, t, goal) || d.escalationAcknowledged(ctx, t.ID, goal) {
		return OutcomeSkipped, nil, nil
	}
	chain := d.policy.Escalation[t.Plan]
	if j.Step >= len(chain) {
		return OutcomeSkipped, nil, nil
	}
	role := chain[j.Step]
	told := d.onDutyWith(ctx, role, now)
	next := d.nextStep(j, t, goal, len(told) == 0, now)
	if len(told) == 0 {
		return OutcomeSkipped, next, nil
	}
	if err := d.tellEscalation(ctx, j, t, goal, told, now); err != nil {
		return "", nil, err
	}
	if j.Step == 0 && goal == goalResponse {
		d.notifyCustomerOnce(ctx, t, fmt.Sprintf("您的工单 #%d 还没有得到工程师响应，很抱歉让您久等。我们已将工单升级给主管跟进，会尽快与您联系。", t.ID), "已升级处理", j.Key)
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

func (d *Desk) onDutyWith(ctx context.Context, role string, now time.Time) []Staff {
	var out []Staff
	for _, s := range d.staffWith(ctx, role) {
		if d.onDuty(&s, now) {
			out = append(out, s)
		}
	}
	return out
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

// autoClose closes a resolved ticket the customer did not confirm in time.
func (d *Desk) autoClose(ctx context.Context, j Job, t *Ticket, now time.Time) (string, []Job, error) {
	if t.Status != StatusResolved || t.ResolvedAt == nil || !strings.HasSuffix(j.Key, fmt.Sprintf(":%d", t.ResolvedAt.Unix())) {
		return OutcomeSkipped, nil, nil
	}
	e := Event{At: now, ActorKind: ActorSystem, Kind: "auto_closed", Body: fmt.Sprintf("客户 %d 个工作日未确认，自动关闭", d.sched.AutoClose)}
	t2, applied, err := d.tickets.ChangeTicket(ctx, t.ID, TicketChange{From: []Status{StatusResolved}, Status: StatusClosed, ClosedAt: &now, At: now}, []Event{e}, nil)
	if err != nil || !applied {
		return OutcomeSkipped, nil, err
	}
	d.notifyCustomerOnce(ctx, t2, fmt.Sprintf("您的工单 #%d 已处理完毕，因未收到您的确认，已自动关闭。如问题仍在，直接回复即可重新报修。", t2.ID), "已关闭", j.Key)
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

// notifyCustomerOnce is notifyCustomer for scheduled work: the template
// fallback carries the job's key, so a retried job does not repeat it.
func (d *Desk) notifyCustomerOnce(ctx context.Context, t *Ticket, text, status, key string) {
	if d.customer == nil {
		return
	}
	c, err := d.customerOf(ctx, t)
	if err != nil {
		d.log.Error("notify customer: load customer", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		return
	}
	tpl := ticketTemplate(t, status, d.now(), d.policy.Location)
	tpl.ClientMsgID = key
	if err := d.customer.Notify(ctx, c.OpenID, Notice{Reply: Reply{Text: text, Fallback: tpl}, Template: tpl}); err != nil {
		d.log.Warn("notify customer", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
	}
}
