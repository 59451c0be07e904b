package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
)

// CloseResolved closes, in one transaction, the tickets of the batch's
// auto-close jobs that the customer did not confirm in time, and marks
// their jobs; the workers then tell the customers. Each close is logged
// under its job's key.
func (d *Deadlines) CloseResolved(ctx context.Context, b *Batch) error {
	var events []bot.Event
	for _, j := range b.Jobs {
		if t := b.TicketOf(j); j.Kind == bot.JobAutoClose && t != nil && awaitsClose(j, &t.Ticket) {
			body := fmt.Sprintf("客户 %d 个工作日未确认，自动关闭", d.autoClose)
			events = append(events, bot.SystemEvent(b.Now, "auto_closed", body).On(t.ID).Keyed(j.Key))
		}
	}
	if len(events) == 0 {
		return nil
	}
	closed, err := d.closer.CloseResolved(ctx, events, b.Now)
	if err != nil {
		return fmt.Errorf("auto-close tickets: %w", err)
	}
	for _, e := range events {
		if slices.Contains(closed, e.TicketID) {
			b.Mark(*e.MsgKey)
		}
	}
	return nil
}

// awaitsClose reports whether the ticket is still in the resolution the
// auto-close job was scheduled for.
func awaitsClose(j bot.Job, t *bot.Ticket) bool {
	return t.Status == bot.StatusResolved && t.ResolvedAt != nil && strings.HasSuffix(j.Key, fmt.Sprintf(":%d", t.ResolvedAt.Unix()))
}

// AutoClose tells the customer of a ticket the batch closed. A ticket
// found closed by this very job earlier (its runner died, or the notice
// failed, between the close and the send) gets its notice now.
func (d *Deadlines) AutoClose(ctx context.Context, b *Batch, j bot.Job) (string, []bot.Job, error) {
	t := b.TicketOf(j)
	if t == nil {
		return bot.OutcomeSkipped, nil, nil
	}
	if b.Marked(j.Key) {
		return d.autoCloseNotice(ctx, j, t)
	}
	if t.Status != bot.StatusClosed {
		return bot.OutcomeSkipped, nil, nil
	}
	closedHere, err := d.closedByJob(ctx, t.ID, j.Key)
	if err != nil || !closedHere {
		return bot.OutcomeSkipped, nil, err
	}
	return d.autoCloseNotice(ctx, j, t)
}

// closedByJob reports whether the ticket's log records its close by the
// job with key.
func (d *Deadlines) closedByJob(ctx context.Context, ticket int64, key string) (bool, error) {
	events, err := d.tickets.Events(ctx, ticket)
	if err != nil {
		return false, fmt.Errorf("read ticket log: %w", err)
	}
	return slices.ContainsFunc(events, func(e bot.Event) bool {
		return e.Kind == "auto_closed" && e.MsgKey != nil && *e.MsgKey == key
	}), nil
}

// autoCloseNotice tells the customer. A send that failed on the way is
// the job's failure, tried again; a customer the channel cannot reach
// (unfollowed) is not.
func (d *Deadlines) autoCloseNotice(ctx context.Context, j bot.Job, t *bot.JobTicket) (string, []bot.Job, error) {
	text := fmt.Sprintf("您的工单 #%d 已处理完毕，因未收到您的确认，已自动关闭。如问题仍在，直接回复即可重新报修。", t.ID)
	err := d.notify.CustomerOnce(ctx, t, text, notify.StatusClosed, j.Key)
	if errors.Is(err, bot.ErrUnreachable) || errors.Is(err, bot.ErrNotFound) {
		d.log.Info("auto-close notice not delivered", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		return bot.OutcomeSent, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	return bot.OutcomeSent, nil, nil
}
