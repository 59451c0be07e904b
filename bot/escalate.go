package bot

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
)

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
