package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"
)

// Survey job kinds: scheduled work like the reminders, carried out by
// handleJob on whichever replica claims them.
const (
	JobSurveySend   = "survey_send"   // TicketID: the ticket closed; send its survey
	JobSurveyRemind = "survey_remind" // Ref: survey; one reminder when unanswered
	JobSurveyExpire = "survey_expire" // Ref: survey; it may no longer be answered
	JobRoundSend    = "round_send"    // Ref: round; send a batch of invitations, then the next
	JobMonthlyCheck = "survey_month"  // Ref: month (2026-11); the month's satisfaction against the target
)

// isSurveyJob reports whether kind is one of the survey jobs.
func isSurveyJob(kind string) bool {
	switch kind {
	case JobSurveySend, JobSurveyRemind, JobSurveyExpire, JobRoundSend, JobMonthlyCheck:
		return true
	}
	return false
}

// surveyJob carries out a survey job. Each re-reads what it acts on, so a
// stale job (the survey answered, the round paused) does nothing.
func (d *Desk) surveyJob(ctx context.Context, j Job, now time.Time) (string, []Job, error) {
	if !d.surveysOn() {
		return OutcomeSkipped, nil, nil
	}
	switch j.Kind {
	case JobSurveySend:
		return d.ticketSurvey(ctx, j, now)
	case JobSurveyRemind:
		return d.remindSurvey(ctx, j, now)
	case JobSurveyExpire:
		return d.expireSurvey(ctx, j, now)
	case JobRoundSend:
		return d.roundSend(ctx, j, now)
	case JobMonthlyCheck:
		return d.monthlyCheck(ctx, j, now)
	}
	return OutcomeSkipped, nil, nil
}

// closingSurveyJob is written with a ticket's confirmation (customerConfirms):
// the survey goes out at once.
func (d *Desk) closingSurveyJob(ticket int64, solved bool, now time.Time) []Job {
	if !solved || !d.surveysOn() || d.policy.Surveys.AfterTicket == "" {
		return nil
	}
	return []Job{{Kind: JobSurveySend, TicketID: ptr(ticket), DueAt: now, Key: fmt.Sprintf("%s:%d:confirmed", JobSurveySend, ticket)}}
}

// withClosingSurvey adds to a resolution's auto-close job the survey that
// follows it a minute later: written with the resolution, so the survey
// needs nothing from the auto-close itself. It finds the ticket closed and
// sends, or still resolved and looks again later, or reopened and stops.
func (d *Desk) withClosingSurvey(jobs []Job) []Job {
	if !d.surveysOn() || d.policy.Surveys.AfterTicket == "" {
		return jobs
	}
	out := jobs
	for _, j := range jobs {
		if j.Kind == JobAutoClose && j.TicketID != nil {
			due := j.DueAt.Add(time.Minute)
			out = append(out, Job{Kind: JobSurveySend, TicketID: j.TicketID, DueAt: due,
				Key: fmt.Sprintf("%s:%d:auto:%d", JobSurveySend, *j.TicketID, due.Unix())})
		}
	}
	return out
}

// ticketSurvey sends the survey of a closed ticket, once per ticket.
func (d *Desk) ticketSurvey(ctx context.Context, j Job, now time.Time) (string, []Job, error) {
	if j.TicketID == nil || d.policy.Surveys.AfterTicket == "" {
		return OutcomeSkipped, nil, nil
	}
	t, err := d.tickets.Ticket(ctx, *j.TicketID)
	if errors.Is(err, ErrNotFound) {
		return OutcomeSkipped, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	switch t.Status {
	case StatusClosed:
	case StatusResolved: // the auto-close is late: look again
		due := now.Add(10 * time.Minute)
		return OutcomeSkipped, []Job{{Kind: JobSurveySend, TicketID: j.TicketID, DueAt: due,
			Key: fmt.Sprintf("%s:%d:auto:%d", JobSurveySend, t.ID, due.Unix())}}, nil
	default:
		return OutcomeSkipped, nil, nil // reopened
	}
	sv, skip, err := d.newTicketSurvey(ctx, t, now)
	if err != nil || skip {
		return OutcomeSkipped, nil, err
	}
	return d.sendTicketSurvey(ctx, j, sv, now)
}

// newTicketSurvey creates the ticket's survey, or finds the one made by an
// earlier try; skip when there is nothing to send.
func (d *Desk) newTicketSurvey(ctx context.Context, t *Ticket, now time.Time) (*Survey, bool, error) {
	c, err := d.customers.CustomerByID(ctx, t.CustomerID)
	if err != nil {
		return nil, false, fmt.Errorf("load customer: %w", err)
	}
	out, err := d.surveys.Store.OptedOut(ctx, c.ID)
	if err != nil || out || !c.Subscribed {
		return nil, true, err
	}
	sv := &Survey{Key: fmt.Sprintf("ticket:%d", t.ID), TicketID: t.ID, CustomerID: c.ID, Questionnaire: d.policy.Surveys.AfterTicket,
		UnitName: t.UnitName, StaffNumber: t.StaffNumber, StaffName: t.StaffName, Severity: t.Severity,
		Status: SurveyPending, CreatedAt: now, NextTryAt: &now}
	if _, err := d.surveys.Store.CreateSurvey(ctx, sv); err != nil {
		return nil, false, fmt.Errorf("create survey: %w", err)
	}
	return sv, sv.Status != SurveyPending, nil
}

// sendTicketSurvey delivers; a failure the channel may get over is the
// job's to retry, until its last attempt gives the survey up.
func (d *Desk) sendTicketSurvey(ctx context.Context, j Job, sv *Survey, now time.Time) (string, []Job, error) {
	sv, qn, err := d.loadSurvey(ctx, sv.ID)
	if err != nil {
		return "", nil, err
	}
	if err := d.pace(ctx); err != nil {
		return "", nil, err
	}
	err = d.sendSurvey(ctx, sv, qn, now)
	switch {
	case err == nil:
		return OutcomeSent, nil, nil
	case isUnreachable(err) || j.Attempts >= maxJobAttempts:
		return OutcomeFailed, nil, d.surveys.Store.FailSurvey(ctx, sv.ID, err.Error())
	}
	return "", nil, err
}

// sendSurvey delivers a survey's first question or link and records it,
// with its reminder and expiry, in one transaction.
func (d *Desk) sendSurvey(ctx context.Context, sv *Survey, qn *Questionnaire, now time.Time) error {
	expires := now.Add(d.policy.Surveys.Expiry)
	via, err := d.deliverSurvey(ctx, sv, qn, expires, "survey:"+strconv.FormatInt(sv.ID, 10), false)
	if err != nil {
		return err
	}
	return d.surveys.Store.MarkSurveySent(ctx, sv.ID, via, now, expires, d.followUpJobs(sv, now, expires))
}

// followUpJobs are a sent survey's reminder and expiry.
func (d *Desk) followUpJobs(sv *Survey, sent, expires time.Time) []Job {
	ref := strconv.FormatInt(sv.ID, 10)
	jobs := []Job{{Kind: JobSurveyExpire, TicketID: ptr(sv.TicketID), Ref: ref, DueAt: expires, Key: "survey_expire:" + ref}}
	if r := d.policy.Surveys.Reminder; r > 0 {
		jobs = append(jobs, Job{Kind: JobSurveyRemind, TicketID: ptr(sv.TicketID), Ref: ref, DueAt: sent.Add(r), Key: "survey_remind:" + ref})
	}
	return jobs
}

func surveyRef(j Job) (int64, bool) {
	id, err := strconv.ParseInt(j.Ref, 10, 64)
	return id, err == nil
}

// remindSurvey asks once more, where the customer left off.
func (d *Desk) remindSurvey(ctx context.Context, j Job, now time.Time) (string, []Job, error) {
	id, ok := surveyRef(j)
	if !ok {
		return OutcomeSkipped, nil, nil
	}
	sv, qn, err := d.loadSurvey(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return OutcomeSkipped, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	if !sv.Open(now) || sv.AnsweredAt != nil || sv.RemindedAt != nil {
		return OutcomeSkipped, nil, nil
	}
	if out, err := d.surveys.Store.OptedOut(ctx, sv.CustomerID); err != nil || out {
		return OutcomeSkipped, nil, err
	}
	if err := d.pace(ctx); err != nil {
		return "", nil, err
	}
	if _, err := d.deliverSurvey(ctx, sv, qn, *sv.ExpiresAt, j.Key, true); err != nil {
		if isUnreachable(err) {
			d.log.Info("survey reminder: customer unreachable", slog.Int64("survey", sv.ID))
			return OutcomeFailed, nil, nil
		}
		return "", nil, err
	}
	_, err = d.surveys.Store.MarkReminded(ctx, sv.ID, now)
	return OutcomeSent, nil, err
}

// expireSurvey closes the survey: answers after this are thanked and not
// counted, and the customer's next message goes to the dialogue.
func (d *Desk) expireSurvey(ctx context.Context, j Job, now time.Time) (string, []Job, error) {
	id, ok := surveyRef(j)
	if !ok {
		return OutcomeSkipped, nil, nil
	}
	changed, err := d.surveys.Store.ExpireSurvey(ctx, id, now)
	if err != nil || !changed {
		return OutcomeSkipped, nil, err
	}
	sv, err := d.surveys.Store.Survey(ctx, id)
	if err != nil {
		return "", nil, err
	}
	if err := d.surveys.Chat.ClearPendingSurvey(ctx, sv.Channel, sv.OpenID, sv.ID); err != nil {
		return "", nil, err
	}
	return OutcomeSent, nil, nil
}
