package ticket

import (
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/sla"
)

// DeadlineJobs are the reminders and the first breach step of each goal a
// ticket still has to meet, on its plan and in quiet hours where the plan
// says so. Their keys carry the deadline (bot.DeadlineKey).
func DeadlineJobs(t *bot.Ticket, clock sla.Clock, now time.Time) ([]bot.Job, error) {
	dl, err := clock.Deadlines(now)
	if err != nil {
		return nil, err
	}
	return deadlineJobsFor(t, clock, dl, now)
}

// deadlineJobsFor are the deadline jobs of deadlines dl: new ones, or ones
// already promised (see Rescheduled).
func deadlineJobsFor(t *bot.Ticket, clock sla.Clock, dl sla.Deadlines, now time.Time) ([]bot.Job, error) {
	reminders, err := clock.RemindersFor(dl)
	if err != nil {
		return nil, err
	}
	var jobs []bot.Job
	for _, r := range reminders {
		goal, due := goalOf(r.Goal), deadlineOf(dl, r.Goal)
		if t.Met(goal) || !r.At.After(now) || !chased(t, goal) {
			continue
		}
		f := strconv.FormatFloat(r.Fraction, 'f', -1, 64)
		jobs = append(jobs, bot.Job{Kind: bot.JobRemind, TicketID: bot.Ptr(t.ID), Payload: goal + ":" + f,
			Key: bot.DeadlineKey(t.ID, bot.JobRemind, goal, f, due), DueAt: clock.NotifyAt(r)})
	}
	for _, g := range []sla.Goal{sla.GoalResponse, sla.GoalResolution} {
		goal, due := goalOf(g), deadlineOf(dl, g)
		if due.IsZero() || t.Met(goal) || !chased(t, goal) {
			continue
		}
		jobs = append(jobs, bot.Job{Kind: bot.JobBreach, TicketID: bot.Ptr(t.ID), Payload: goal,
			Key: bot.DeadlineKey(t.ID, bot.JobBreach, goal, "0", due), DueAt: due})
	}
	return jobs, nil
}

// chased reports whether t's goal is chased with reminders and the
// escalation chain. A maintenance ticket of recurring work (Obligation) is
// due once, at the end of its period, for both goals: only its resolution
// is chased, so that a missed period escalates once, not twice.
func chased(t *bot.Ticket, goal string) bool {
	return t.Obligation == "" || goal != bot.GoalResponse
}

func goalOf(g sla.Goal) string {
	if g == sla.GoalResolution {
		return bot.GoalResolution
	}
	return bot.GoalResponse
}

func deadlineOf(d sla.Deadlines, g sla.Goal) time.Time {
	if g == sla.GoalResolution {
		return d.Resolution
	}
	return d.Response
}

// ClockOf rebuilds a ticket's SLA clock from its row.
func (l *Lifecycle) ClockOf(t *bot.Ticket) (sla.Clock, error) { return ClockFor(l.policy, t) }

// ClockFor rebuilds a ticket's SLA clock from its row on policy p.
func ClockFor(p *policy.Policy, t *bot.Ticket) (sla.Clock, error) {
	plan, err := p.Plan(t.Plan)
	if err != nil {
		return sla.Clock{}, err
	}
	c, err := sla.NewClock(plan, t.Severity, t.ReportedAt)
	if err != nil {
		return c, err
	}
	c.Channel = t.Channel
	c.Paused = decodePaused(t.Paused)
	c.PausedSince = t.PausedSince
	return c, nil
}

func encodePaused(p [sla.Severities]time.Duration) string {
	parts := make([]string, len(p))
	for i, d := range p {
		parts[i] = strconv.FormatInt(int64(d), 10)
	}
	return strings.Join(parts, ",")
}

func decodePaused(s string) (p [sla.Severities]time.Duration) {
	for i, part := range strings.Split(s, ",") {
		if n, err := strconv.ParseInt(part, 10, 64); err == nil && i < len(p) {
			p[i] = time.Duration(n)
		}
	}
	return p
}

// autoCloseJob closes a resolved ticket the customer does not confirm,
// after the working days the lifecycle allows.
func (l *Lifecycle) autoCloseJob(t *bot.Ticket, resolvedAt time.Time) []bot.Job {
	plan, err := l.policy.Plan(t.Plan)
	if err != nil {
		return nil
	}
	due := plan.Calendar().AddWorkingDays(resolvedAt, l.autoClose)
	return []bot.Job{{Kind: bot.JobAutoClose, TicketID: bot.Ptr(t.ID), DueAt: due, Key: bot.DeadlineKey(t.ID, bot.JobAutoClose, "", "", resolvedAt)}}
}
