package survey

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// Survey job kinds: scheduled work like the reminders, carried out by
// whichever replica claims them (bot/engine; cmd registers the handlers).
const (
	JobSend         = "survey_send"   // TicketID: the ticket closed; send its survey
	JobRemind       = "survey_remind" // Ref: survey; one reminder when unanswered
	JobExpire       = "survey_expire" // Ref: survey; it may no longer be answered
	JobRoundSend    = "round_send"    // Ref: round; send a batch of invitations, then the next
	JobMonthlyCheck = "survey_month"  // Ref: month (2026-11); the month's satisfaction against the target
)

// Sender sends the survey that follows a closed ticket, reminds once, and
// expires it. Each job re-reads what it acts on, so a stale one (the
// survey answered, the ticket reopened) does nothing.
type Sender struct{ *core }

// FollowUp schedules a ticket's survey with the transition that calls for
// it (a ticket.FollowUp): at once when the customer confirms the
// resolution, and a minute after the auto-close that a resolution
// schedules. That one finds the ticket closed and sends, or still
// resolved and looks again later, or reopened and stops.
func (s *Sender) FollowUp(tr bot.Transition, ticket int64, jobs []bot.Job) []bot.Job {
	if s.Policy.Surveys.AfterTicket == "" {
		return nil
	}
	var out []bot.Job
	switch tr.Action {
	case bot.Confirm:
		out = append(out, bot.Job{Kind: JobSend, TicketID: bot.Ptr(ticket), DueAt: tr.At, Key: fmt.Sprintf("%s:%d:confirmed", JobSend, ticket)})
	case bot.Resolve:
		for _, j := range jobs {
			if j.Kind == bot.JobAutoClose && j.TicketID != nil {
				due := j.DueAt.Add(time.Minute)
				out = append(out, bot.Job{Kind: JobSend, TicketID: j.TicketID, DueAt: due,
					Key: fmt.Sprintf("%s:%d:auto:%d", JobSend, *j.TicketID, due.Unix())})
			}
		}
	}
	return out
}

// TicketSurvey sends the survey of a closed ticket, once per ticket (the
// handler of JobSend).
func (s *Sender) TicketSurvey(ctx context.Context, j bot.Job, now time.Time) (string, []bot.Job, error) {
	if j.TicketID == nil || s.Policy.Surveys.AfterTicket == "" {
		return bot.OutcomeSkipped, nil, nil
	}
	t, err := s.Tickets.Ticket(ctx, *j.TicketID)
	if errors.Is(err, bot.ErrNotFound) {
		return bot.OutcomeSkipped, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	switch t.Status {
	case bot.StatusClosed:
	case bot.StatusResolved: // the auto-close is late: look again
		due := now.Add(10 * time.Minute)
		return bot.OutcomeSkipped, []bot.Job{{Kind: JobSend, TicketID: j.TicketID, DueAt: due,
			Key: fmt.Sprintf("%s:%d:auto:%d", JobSend, t.ID, due.Unix())}}, nil
	default:
		return bot.OutcomeSkipped, nil, nil // reopened
	}
	sv, skip, err := s.create(ctx, t, now)
	if err != nil || skip {
		return bot.OutcomeSkipped, nil, err
	}
	return s.sendTicketSurvey(ctx, j, sv, now)
}

// create creates the ticket's survey, or finds the one made by an earlier
// try; skip when there is nothing to send.
func (s *Sender) create(ctx context.Context, t *bot.Ticket, now time.Time) (*Survey, bool, error) {
	c, err := s.Customers.CustomerByID(ctx, t.CustomerID)
	if err != nil {
		return nil, false, fmt.Errorf("load customer: %w", err)
	}
	out, err := s.Store.OptedOut(ctx, c.ID)
	if err != nil || out || !c.Subscribed {
		return nil, true, err
	}
	sv := &Survey{Key: fmt.Sprintf("ticket:%d", t.ID), TicketID: t.ID, CustomerID: c.ID, Questionnaire: s.Policy.Surveys.AfterTicket,
		UnitName: t.UnitName, StaffNumber: t.StaffNumber, StaffName: t.StaffName, Severity: t.Severity,
		Status: StatusPending, CreatedAt: now, NextTryAt: &now}
	if _, err := s.Store.CreateSurvey(ctx, sv); err != nil {
		return nil, false, fmt.Errorf("create survey: %w", err)
	}
	return sv, sv.Status != StatusPending, nil
}

// sendTicketSurvey delivers; a failure the channel may get over is the
// job's to retry, until its last attempt gives the survey up.
func (s *Sender) sendTicketSurvey(ctx context.Context, j bot.Job, sv *Survey, now time.Time) (string, []bot.Job, error) {
	sv, qn, err := s.load(ctx, sv.ID)
	if err != nil {
		return "", nil, err
	}
	if err := s.pace(ctx); err != nil {
		return "", nil, err
	}
	err = s.send(ctx, sv, qn, now)
	switch {
	case err == nil:
		return bot.OutcomeSent, nil, nil
	case isUnreachable(err) || j.Attempts >= bot.MaxJobAttempts:
		return bot.OutcomeFailed, nil, s.Store.FailSurvey(ctx, sv.ID, err.Error())
	}
	return "", nil, err
}

func surveyRef(j bot.Job) (int64, bool) {
	id, err := strconv.ParseInt(j.Ref, 10, 64)
	return id, err == nil
}

// Remind asks once more, where the customer left off (the handler of
// JobRemind).
func (s *Sender) Remind(ctx context.Context, j bot.Job, now time.Time) (string, []bot.Job, error) {
	id, ok := surveyRef(j)
	if !ok {
		return bot.OutcomeSkipped, nil, nil
	}
	sv, qn, err := s.load(ctx, id)
	if errors.Is(err, bot.ErrNotFound) {
		return bot.OutcomeSkipped, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	if !sv.Open(now) || sv.AnsweredAt != nil || sv.RemindedAt != nil {
		return bot.OutcomeSkipped, nil, nil
	}
	if out, err := s.Store.OptedOut(ctx, sv.CustomerID); err != nil || out {
		return bot.OutcomeSkipped, nil, err
	}
	if err := s.pace(ctx); err != nil {
		return "", nil, err
	}
	if _, err := s.deliver(ctx, sv, qn, *sv.ExpiresAt, j.Key, true); err != nil {
		if isUnreachable(err) {
			s.Log.Info("survey reminder: customer unreachable", slog.Int64("survey", sv.ID))
			return bot.OutcomeFailed, nil, nil
		}
		return "", nil, err
	}
	_, err = s.Store.MarkReminded(ctx, sv.ID, now)
	return bot.OutcomeSent, nil, err
}

// Expire closes the survey: answers after this are thanked and not
// counted, and the customer's next message goes to the dialogue (the
// handler of JobExpire).
func (s *Sender) Expire(ctx context.Context, j bot.Job, now time.Time) (string, []bot.Job, error) {
	id, ok := surveyRef(j)
	if !ok {
		return bot.OutcomeSkipped, nil, nil
	}
	changed, err := s.Store.ExpireSurvey(ctx, id, now)
	if err != nil || !changed {
		return bot.OutcomeSkipped, nil, err
	}
	sv, err := s.Store.Survey(ctx, id)
	if err != nil {
		return "", nil, err
	}
	if err := s.Pending.ClearPendingSurvey(ctx, sv.Channel, sv.OpenID, sv.ID); err != nil {
		return "", nil, err
	}
	return bot.OutcomeSent, nil, nil
}
