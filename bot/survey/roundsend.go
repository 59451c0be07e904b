package survey

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/conversation"
)

// batchSize is how many invitations one job sends: about five seconds'
// worth at the configured rate, well inside the job's lease, so a pause
// takes effect within seconds.
func (r *Rounds) batchSize() int {
	return min(max(int(r.Policy.Surveys.SendRate*5), 1), 200)
}

// Send sends a batch of a round's invitations, each paced by the shared
// limiter, and schedules the next batch: at once while more are due, at
// the next retry when only retries are left. With none left the round is
// sent, and its creator and quality staff are told (the handler of
// JobRoundSend).
func (r *Rounds) Send(ctx context.Context, j bot.Job, now time.Time) (string, []bot.Job, error) {
	id, err := strconv.ParseInt(j.Ref, 10, 64)
	if err != nil {
		return bot.OutcomeSkipped, nil, nil
	}
	round, err := r.RoundStore.Round(ctx, id)
	if errors.Is(err, bot.ErrNotFound) || (err == nil && round.Status != RoundSending) {
		return bot.OutcomeSkipped, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	qn, err := r.Policy.Surveys.Questionnaire(round.Questionnaire)
	if err != nil {
		return bot.OutcomeFailed, nil, nil
	}
	batch, err := r.RoundStore.ClaimRoundSurveys(ctx, round.ID, now, surveyClaimLease, r.batchSize())
	if err != nil {
		return "", nil, fmt.Errorf("claim invitations: %w", err)
	}
	for i := range batch {
		if err := r.invite(ctx, &batch[i], qn, now); err != nil {
			return "", nil, err
		}
	}
	if len(batch) == r.batchSize() {
		return bot.OutcomeSent, []bot.Job{sendJob(round.ID, afterJob(j), now)}, nil
	}
	return r.rest(ctx, j, round, now)
}

func afterJob(j bot.Job) string { return "after:" + strconv.FormatInt(j.ID, 10) }

// invite sends one invitation and records the outcome: sent, to be retried
// with backoff, or failed. Only a store failure is an error.
func (r *Rounds) invite(ctx context.Context, sv *Survey, qn *conversation.Questionnaire, now time.Time) error {
	if out, err := r.Store.OptedOut(ctx, sv.CustomerID); err != nil || out {
		if err != nil {
			return err
		}
		return r.RoundStore.SkipSurvey(ctx, sv.ID, "customer opted out (TD)")
	}
	if err := r.pace(ctx); err != nil {
		return err
	}
	err := r.send(ctx, sv, qn, now)
	switch {
	case err == nil:
		return nil
	case isUnreachable(err) || sv.Attempts >= maxSurveyAttempts:
		r.Log.Info("round invitation failed", slog.Int64("survey", sv.ID), slog.String("err", err.Error()))
		return r.Store.FailSurvey(ctx, sv.ID, err.Error())
	}
	backoff := time.Duration(1<<min(sv.Attempts-1, 6)) * time.Minute
	return r.Store.RetrySurvey(ctx, sv.ID, now.Add(backoff), err.Error())
}

// rest schedules the retries left, or finishes the round.
func (r *Rounds) rest(ctx context.Context, j bot.Job, round *Round, now time.Time) (string, []bot.Job, error) {
	next, err := r.RoundStore.NextRoundTry(ctx, round.ID, now)
	if err != nil {
		return "", nil, err
	}
	if next != nil {
		return bot.OutcomeSent, []bot.Job{sendJob(round.ID, afterJob(j), later(*next, now))}, nil
	}
	done, err := r.RoundStore.SetRoundStatus(ctx, round.ID, []string{RoundSending}, RoundSent, now, nil)
	if err != nil || !done {
		return bot.OutcomeSkipped, nil, err
	}
	r.report(ctx, round)
	return bot.OutcomeSent, nil, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// report tells the round's creator and quality staff that every invitation
// has gone out, with the failures and their reasons.
func (r *Rounds) report(ctx context.Context, round *Round) {
	p, err := r.RoundStore.RoundProgress(ctx, round.ID)
	if err != nil {
		r.Log.Error("round report", slog.Int64("round", round.ID), slog.String("err", err.Error()))
		return
	}
	text := fmt.Sprintf("📋 回访轮次 #%d 已发送完毕：邀请 %d 位，送达 %d，失败 %d。", round.ID, p.Selected, p.Delivered, p.Failed)
	if len(p.Errors) > 0 {
		text += "\n失败原因：" + strings.Join(p.Errors, "；")
	}
	text += fmt.Sprintf("\n/round status %d 查看答卷进度。", round.ID)
	chats := map[int64]bool{}
	if round.ReportChat != nil {
		chats[*round.ReportChat] = true
	}
	for _, s := range r.qualityStaff(ctx) {
		chats[*s.TelegramUserID] = true
	}
	for chat := range chats {
		msg := bot.StaffMessage{ChatID: chat, Text: text, Key: fmt.Sprintf("round_sent:%d:%d", round.ID, chat)}
		if err := r.Notify.Send(ctx, msg); err != nil {
			r.Log.Error("round report", slog.Int64("round", round.ID), slog.String("err", err.Error()))
		}
	}
}
