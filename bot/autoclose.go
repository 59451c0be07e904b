package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
)

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
