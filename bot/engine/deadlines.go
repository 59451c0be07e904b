package engine

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
)

// Deadlines carries out a ticket's deadline work: reminders before a
// deadline, the escalation chain after a missed one, and the auto-close of
// a resolution the customer did not confirm.
type Deadlines struct {
	policy     *policy.Policy
	tickets    bot.TicketStore
	closer     Closer
	notify     *notify.Notifier
	metrics    bot.Metrics
	log        *slog.Logger
	escalation time.Duration
	autoClose  int
}

// Closer closes resolved tickets in bulk (bot.AutoClose, one transaction
// for a batch).
type Closer interface {
	// CloseResolved closes each ticket of events that is still resolved
	// and appends its event to its log, all in one transaction, and
	// returns the ids of the tickets it closed.
	CloseResolved(ctx context.Context, events []bot.Event, now time.Time) ([]int64, error)
}

// DeadlineDeps are the deadline handlers' collaborators.
type DeadlineDeps struct {
	Policy  *policy.Policy
	Tickets bot.TicketStore
	Closer  Closer
	Notify  *notify.Notifier
	Metrics bot.Metrics // nil: none
	Log     *slog.Logger
	// Escalation is the time between escalation steps; 0 means an hour.
	Escalation time.Duration
	// AutoClose is how many working days a resolution waits (it names
	// them to the ticket's log); see ticket.Lifecycle.AutoCloseDays.
	AutoClose int
}

// NewDeadlines builds the handlers.
func NewDeadlines(d DeadlineDeps) *Deadlines {
	if d.Metrics == nil {
		d.Metrics = bot.NoMetrics{}
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Escalation == 0 {
		d.Escalation = time.Hour
	}
	return &Deadlines{policy: d.Policy, tickets: d.Tickets, closer: d.Closer, notify: d.Notify, metrics: d.Metrics,
		log: d.Log, escalation: d.Escalation, autoClose: d.AutoClose}
}

// Register hands the scheduler the deadline handlers.
func (d *Deadlines) Register(s *Scheduler) {
	s.Handle(bot.JobRemind, d.Remind)
	s.Handle(bot.JobBreach, d.Escalate)
	s.Handle(bot.JobAutoClose, d.AutoClose)
	s.Prepare(d.CloseResolved)
}

// stillDue reports whether the deadline the job was made for still stands.
func stillDue(j bot.Job, t *bot.Ticket, goal string) bool {
	due := t.Due(goal)
	return !t.Met(goal) && !due.IsZero() && strings.HasSuffix(j.Key, fmt.Sprintf(":%d", due.Unix()))
}

// Remind tells the assignee (or, with none, the leads) how long is left.
func (d *Deadlines) Remind(ctx context.Context, b *Batch, j bot.Job) (string, []bot.Job, error) {
	jt := b.TicketOf(j)
	if jt == nil {
		return bot.OutcomeSkipped, nil, nil
	}
	t := &jt.Ticket
	goal, _, _ := strings.Cut(j.Payload, ":")
	if !stillDue(j, t, goal) {
		return bot.OutcomeSkipped, nil, nil
	}
	to, err := assigneeOrLeads(b, t)
	if err != nil {
		return "", nil, err
	}
	text := fmt.Sprintf("⏰ 提醒：工单 #%d 的%s\n%s", t.ID, d.notify.DeadlineLine(bot.GoalNames[goal]+"时限", t.Due(goal), b.Now), d.notify.Card(t, b.Now))
	for _, s := range to {
		msg := bot.StaffMessage{ChatID: *s.TelegramUserID, TicketID: t.ID, Text: text, Key: fmt.Sprintf("%s:%d", j.Key, s.ID), Buttons: notify.PingButtons(t)}
		if err := d.notify.Send(ctx, msg); err != nil {
			return "", nil, err
		}
	}
	return bot.OutcomeSent, nil, nil
}

func assigneeOrLeads(b *Batch, t *bot.Ticket) ([]bot.Staff, error) {
	if t.AssigneeID != nil {
		roster, err := b.Roster()
		if err != nil {
			return nil, fmt.Errorf("list staff: %w", err)
		}
		for _, s := range roster {
			if s.ID == *t.AssigneeID && s.Reachable() {
				return []bot.Staff{s}, nil
			}
		}
	}
	return b.StaffWith(bot.RoleLead)
}

// Escalate carries out step j.Step of the plan's chain for a missed
// deadline: everyone on duty with that role is told; a step with nobody
// on duty is skipped at once rather than waited out.
func (d *Deadlines) Escalate(ctx context.Context, b *Batch, j bot.Job) (string, []bot.Job, error) {
	jt := b.TicketOf(j)
	if jt == nil {
		return bot.OutcomeSkipped, nil, nil
	}
	t := &jt.Ticket
	goal, now := j.Payload, b.Now
	if !stillDue(j, t, goal) || d.escalationAcknowledged(ctx, t.ID, goal, t.Due(goal)) {
		return bot.OutcomeSkipped, nil, nil
	}
	chain := d.policy.Escalation[t.Plan]
	if j.Step >= len(chain) {
		return bot.OutcomeSkipped, nil, nil
	}
	told, err := d.onDutyWith(b, chain[j.Step])
	if err != nil {
		return "", nil, err
	}
	next := d.nextStep(j, t, goal, len(told) == 0, now)
	if len(told) == 0 {
		return bot.OutcomeSkipped, next, nil
	}
	if err := d.tellEscalation(ctx, j, t, goal, told, now); err != nil {
		return "", nil, err
	}
	if text, ok := escalationNotice(t.ID, goal); ok && j.Step == 0 {
		if err := d.notify.CustomerOnce(ctx, jt, text, notify.StatusEscalated, j.Key); err != nil {
			d.log.Warn("notify customer of escalation", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		}
	}
	d.metrics.Escalated()
	return bot.OutcomeSent, next, nil
}

// escalationNotice is what a ticket's customer is told when a missed
// deadline first escalates: an unanswered report, or an engineer who did
// not arrive on site by the time promised. ok false for the others.
func escalationNotice(ticket int64, goal string) (string, bool) {
	switch goal {
	case bot.GoalResponse:
		return fmt.Sprintf("您的工单 #%d 还没有得到工程师响应，很抱歉让您久等。我们已将工单升级给主管跟进，会尽快与您联系。", ticket), true
	case bot.GoalVisit:
		return fmt.Sprintf("您的工单 #%d：很抱歉，工程师未能按约定时间到达现场，我们已升级主管跟进，会尽快与您联系。", ticket), true
	}
	return "", false
}

// nextStep schedules the chain's next step: at once when this one had
// nobody to tell, else after the escalation interval.
func (d *Deadlines) nextStep(j bot.Job, t *bot.Ticket, goal string, skipped bool, now time.Time) []bot.Job {
	if j.Step+1 >= len(d.policy.Escalation[t.Plan]) {
		return nil
	}
	at := now.Add(d.escalation)
	if skipped {
		at = now
	}
	return []bot.Job{{Kind: bot.JobBreach, TicketID: bot.Ptr(t.ID), Payload: goal, Step: j.Step + 1, DueAt: at,
		Key: bot.DeadlineKey(t.ID, bot.JobBreach, goal, fmt.Sprint(j.Step+1), t.Due(goal))}}
}

func (d *Deadlines) onDutyWith(b *Batch, role string) ([]bot.Staff, error) {
	staff, err := b.StaffWith(role)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(staff, func(s bot.Staff) bool { return !d.policy.OnDuty(&s, b.Now) }), nil
}

func (d *Deadlines) tellEscalation(ctx context.Context, j bot.Job, t *bot.Ticket, goal string, told []bot.Staff, now time.Time) error {
	names := make([]string, len(told))
	for i, s := range told {
		names[i] = s.Label()
	}
	overdue := notify.HoursMinutes(now.Sub(t.Due(goal)))
	text := fmt.Sprintf("🚨 升级：工单 #%d %s超时 %s\n已通知：%s\n\n%s", t.ID, bot.GoalNames[goal], overdue, strings.Join(names, "、"), d.notify.Card(t, now))
	buttons := [][]bot.Button{{{Text: "已知悉", Data: notify.CallbackData(notify.ActEscalationAck, t.ID, goal)}}}
	for _, s := range told {
		msg := bot.StaffMessage{ChatID: *s.TelegramUserID, TicketID: t.ID, Text: text, Buttons: buttons, Key: fmt.Sprintf("%s:%d", j.Key, s.ID)}
		if err := d.notify.Send(ctx, msg); err != nil {
			return err
		}
	}
	body := fmt.Sprintf("%s超时 %s，升级通知 %s", bot.GoalNames[goal], overdue, strings.Join(names, "、"))
	_, err := d.tickets.AddEvent(ctx, bot.SystemEvent(now, "escalated", body).On(t.ID).Keyed(j.Key))
	return err
}

// escalationAcknowledged reports whether a lead took the deadline of goal
// due at due in hand (已知悉); an acknowledgement of an earlier deadline of
// the goal (before a visit was agreed again, or 改期) does not count. Those
// recorded before acknowledgements named their deadline count for the goal.
func (d *Deadlines) escalationAcknowledged(ctx context.Context, ticket int64, goal string, due time.Time) bool {
	events, err := d.tickets.Events(ctx, ticket)
	if err != nil {
		return false
	}
	named := goal + ":" + strconv.FormatInt(due.Unix(), 10)
	return slices.ContainsFunc(events, func(e bot.Event) bool {
		return e.Kind == "escalation_acknowledged" && (e.Body == named || e.Body == goal)
	})
}
