package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/sla"
)

const (
	awaitMissing = "missing_info" // StaffState.Awaiting: what the customer must add
	actWait      = "wait"
)

// askMissing (等待客户) asks the engineer what the customer must add.
func (d *Desk) askMissing(ctx context.Context, s *Staff, chat int64, t *Ticket) (string, error) {
	if t.Status != StatusOpen && t.Status != StatusAcknowledged {
		return alreadyText(t, nil), nil
	}
	if err := d.states.SetStaffState(ctx, s.ID, StaffState{Awaiting: awaitMissing, Ticket: t.ID}); err != nil {
		return "", err
	}
	return "请发送需要客户补充的内容", d.tell(ctx, chat, fmt.Sprintf("请发送需要客户补充的内容（工单 #%d）。发送后计时暂停，客户回复后恢复。", t.ID))
}

// startWaiting pauses the clock and asks the customer for what is missing.
func (d *Desk) startWaiting(ctx context.Context, s *Staff, chat int64, st StaffState, what string) error {
	if err := d.states.SetStaffState(ctx, s.ID, StaffState{}); err != nil {
		return err
	}
	now := d.now()
	ch := TicketChange{From: []Status{StatusOpen, StatusAcknowledged}, Status: StatusWaiting, Pause: true, At: now}
	t, applied, err := d.tickets.ChangeTicket(ctx, st.Ticket, ch, []Event{d.staffEvent(s, "waiting", "等待客户补充："+what, now)}, nil)
	if err != nil {
		return err
	}
	if !applied {
		return d.tell(ctx, chat, alreadyText(t, nil))
	}
	d.notifyCustomer(ctx, t, fmt.Sprintf("为了继续处理工单 #%d，工程师需要您补充：%s\n请直接回复本消息。", t.ID, what), "待补充信息")
	d.refreshPing(ctx, t)
	return d.tell(ctx, chat, fmt.Sprintf("工单 #%d 已暂停计时，已请客户补充。", t.ID))
}

// resume restarts the clock when the customer answers: the paused business
// time moves the deadlines, and the reminders follow them.
func (d *Desk) resume(ctx context.Context, t *Ticket, now time.Time) (*Ticket, error) {
	clock, err := d.clockOf(t)
	if err != nil {
		return t, err
	}
	if clock, err = clock.Resume(now); err != nil {
		return t, err
	}
	dl, err := clock.Deadlines(now)
	if err != nil {
		return t, err
	}
	status := StatusAcknowledged
	if t.RespondedAt == nil {
		status = StatusOpen
	}
	ch := TicketChange{From: []Status{StatusWaiting}, Status: status, Resume: true, Paused: encodePaused(clock.Paused),
		ResponseDue: dl.Response, At: now}
	if !dl.Resolution.IsZero() {
		ch.ResolutionDue = &dl.Resolution
	}
	moved := *t
	moved.Status, moved.ResponseDue, moved.ResolutionDue = status, dl.Response, ch.ResolutionDue
	jobs, err := d.deadlineJobs(&moved, clock.Plan, clock, now)
	if err != nil {
		return t, err
	}
	e := Event{At: now, ActorKind: ActorSystem, Kind: "resumed", Body: "客户已补充，恢复计时"}
	t2, _, err := d.tickets.ChangeTicket(ctx, t.ID, ch, []Event{e}, jobs)
	return t2, err
}

// clockOf rebuilds a ticket's SLA clock from its row.
func (d *Desk) clockOf(t *Ticket) (sla.Clock, error) {
	plan, err := d.policy.Plan(t.Plan)
	if err != nil {
		return sla.Clock{}, err
	}
	c, err := sla.NewClock(plan, t.Severity, t.ReportedAt)
	if err != nil {
		return c, err
	}
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
