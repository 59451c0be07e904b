package upkeep

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// When a maintenance ticket is resolved, the unit's contacts who follow
// the official account are told the work is done, once each: a job per
// contact, keyed by the ticket and the customer.

// FollowUp schedules the look at a resolved ticket with its resolution (a
// ticket.FollowUp, written in the resolution's transaction). A follow-up
// sees the transition, not the ticket: Done tells a maintenance ticket
// from the others.
func (u *Upkeep) FollowUp(tr bot.Transition, ticket int64, _ []bot.Job) []bot.Job {
	if tr.Action != bot.Resolve {
		return nil
	}
	return []bot.Job{{Kind: JobDone, TicketID: bot.Ptr(ticket), DueAt: tr.At, Key: fmt.Sprintf("%s:%d", JobDone, ticket)}}
}

// Done fans the notice of a maintenance ticket's resolution out to the
// unit's contacts on the official account (the handler of JobDone); any
// other ticket is skipped.
func (u *Upkeep) Done(ctx context.Context, j bot.Job, now time.Time) (string, []bot.Job, error) {
	t, err := u.resolved(ctx, j)
	if err != nil || t == nil {
		return bot.OutcomeSkipped, nil, err
	}
	contacts, err := u.customers.CustomersOfUnit(ctx, t.UnitName)
	if err != nil {
		return "", nil, fmt.Errorf("contacts of the unit: %w", err)
	}
	var tell []bot.Job
	for _, c := range contacts {
		if c.Messageable() {
			tell = append(tell, bot.Job{Kind: JobTell, TicketID: bot.Ptr(t.ID), Ref: strconv.FormatInt(c.ID, 10), DueAt: now,
				Key: fmt.Sprintf("%s:%d:%d", JobTell, t.ID, c.ID)})
		}
	}
	if len(tell) == 0 {
		return bot.OutcomeSkipped, nil, nil
	}
	return bot.OutcomeSent, tell, nil
}

// resolved is the job's ticket when it is a maintenance ticket with its
// resolution on record; nil otherwise.
func (u *Upkeep) resolved(ctx context.Context, j bot.Job) (*bot.Ticket, error) {
	if j.TicketID == nil {
		return nil, nil
	}
	t, err := u.tickets.Ticket(ctx, *j.TicketID)
	if errors.Is(err, bot.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load ticket: %w", err)
	}
	if t.Obligation == "" || t.ResolvedAt == nil {
		return nil, nil
	}
	return t, nil
}

// Tell tells one contact the work is done, in the chat or, outside the
// 48-hour window, as the "upkeep" template (the handler of JobTell). A
// contact who unfollowed, or an account without the template, is a
// failure not tried again.
func (u *Upkeep) Tell(ctx context.Context, j bot.Job, _ time.Time) (string, []bot.Job, error) {
	m := u.notify.Customers()
	t, err := u.resolved(ctx, j)
	if err != nil || t == nil || m == nil {
		return bot.OutcomeSkipped, nil, err
	}
	id, err := strconv.ParseInt(j.Ref, 10, 64)
	if err != nil {
		return bot.OutcomeSkipped, nil, nil
	}
	c, err := u.customers.CustomerByID(ctx, id)
	if errors.Is(err, bot.ErrNotFound) || (err == nil && (!c.Messageable() || !c.Subscribed)) {
		return bot.OutcomeSkipped, nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("load customer: %w", err)
	}
	if err := m.Notify(ctx, c.OpenID, u.doneNotice(t, j.Key).Notice()); err != nil {
		if errors.Is(err, bot.ErrUnreachable) {
			return bot.OutcomeFailed, nil, nil
		}
		return "", nil, err
	}
	return bot.OutcomeSent, nil, nil
}

// doneNotice is what a contact reads: 您单位 2026年12月 的巡检已完成：<the
// resolution note>. The template carries key as its client_msg_id, so a
// job run again does not send it twice.
func (u *Upkeep) doneNotice(t *bot.Ticket, key string) bot.Reply {
	loc := u.policy.Location
	period := t.ResolvedAt.In(loc).Format("2006年1月")
	if _, _, name, ok := Period(t, loc); ok {
		period = name
	}
	return bot.Reply{Text: fmt.Sprintf("您单位 %s 的%s已完成：%s", period, t.Obligation, t.Resolution),
		Fallback: &bot.TemplateMessage{Kind: "upkeep", ClientMsgID: key, Fields: map[string]string{
			"title": period + t.Obligation + "已完成", "unit": t.UnitName,
			"time": t.ResolvedAt.In(loc).Format("2006-01-02 15:04"), "note": t.Resolution}}}
}
