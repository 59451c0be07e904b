package survey

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/conversation"
)

// inWindow reports whether the customer wrote within WeChat's 48 hours, so
// customer-service messages may reach them: the last message the dialogue
// took (the session) or the last report (customers.last_seen_at).
func (c *core) inWindow(ctx context.Context, cu *bot.Customer, now time.Time) bool {
	last := time.Time{}
	if cu.LastSeenAt != nil {
		last = *cu.LastSeenAt
	}
	if s, found, err := c.Sessions.Session(ctx, cu.Channel, cu.OpenID); err == nil && found && s.UpdatedAt.After(last) {
		last = s.UpdatedAt
	}
	return now.Sub(last) < 47*time.Hour // an hour's margin for the answers to come
}

// template is the invitation as a template message: four short fields and
// the survey page's link.
func (c *core) template(s *Survey, qn *conversation.Questionnaire, expires time.Time, key string) *bot.TemplateMessage {
	tpl := &bot.TemplateMessage{Kind: "survey", ClientMsgID: key, Fields: map[string]string{
		"title":  qn.Title,
		"ticket": fmt.Sprintf("#%d", s.TicketID),
		"time":   expires.In(c.Policy.Location).Format("2006-01-02 15:04"),
		"note":   "点击填写，约1分钟",
	}}
	if c.Links != nil {
		tpl.URL = c.Links.SurveyLink(s.ID, expires)
	}
	return tpl
}

// deliver sends the first question (or, with again, a reminder of the
// question due): in the chat when the window is open, as a template with
// the page's link otherwise. It returns how it went.
func (c *core) deliver(ctx context.Context, s *Survey, qn *conversation.Questionnaire, expires time.Time, key string, again bool) (string, error) {
	m := c.Notify.Customers()
	if m == nil {
		return "", fmt.Errorf("no customer channel configured: %w", bot.ErrUnreachable)
	}
	cu, err := c.Customers.CustomerByID(ctx, s.CustomerID)
	if err != nil {
		return "", fmt.Errorf("load customer: %w", err)
	}
	if !cu.Messageable() {
		return "", fmt.Errorf("customer %d is known by phone only (a revisit call reaches them): %w", cu.ID, bot.ErrUnreachable)
	}
	now := c.now()
	if c.inWindow(ctx, cu, now) {
		step := c.firstUnanswered(ctx, s, again)
		q := conversation.SurveyInvitation(s.TicketID, s.ID, s.RoundID != nil, qn, step, again)
		err := m.Notify(ctx, cu.OpenID, bot.Notice{Reply: bot.ReplyOf(q)})
		if err == nil {
			p := PendingQuestion{Survey: s.ID, Step: step}
			if err := c.Pending.SetPendingSurvey(ctx, cu.Channel, cu.OpenID, p, conversation.PendingTTL(qn, step, expires, now)); err != nil {
				// Sent all the same: taps carry their survey; only typed answers miss it.
				c.Log.Warn("survey: remember the pending question", slog.Int64("survey", s.ID), slog.String("err", err.Error()))
			}
			return ViaChat, nil
		}
		if !isUnreachable(err) {
			return "", err
		}
		c.Log.Info("survey: chat window closed; sending the link", slog.Int64("survey", s.ID))
	}
	if c.Links == nil {
		return "", fmt.Errorf("no survey page (set HOTLINE_PUBLIC_URL): %w", bot.ErrUnreachable)
	}
	return ViaTemplate, m.Notify(ctx, cu.OpenID, bot.Notice{Template: c.template(s, qn, expires, key)})
}

// firstUnanswered is the question to ask: the first, or for a reminder the
// first one without an answer.
func (c *core) firstUnanswered(ctx context.Context, s *Survey, again bool) int {
	if !again {
		return 0
	}
	answers, err := c.Store.SurveyAnswers(ctx, s.ID)
	if err != nil {
		return 0
	}
	return len(answers)
}

// send delivers a survey's first question or link and records it, with its
// reminder and expiry, in one transaction.
func (c *core) send(ctx context.Context, sv *Survey, qn *conversation.Questionnaire, now time.Time) error {
	expires := now.Add(c.Policy.Surveys.Expiry)
	via, err := c.deliver(ctx, sv, qn, expires, "survey:"+strconv.FormatInt(sv.ID, 10), false)
	if err != nil {
		return err
	}
	return c.Store.MarkSurveySent(ctx, sv.ID, via, now, expires, c.followUpJobs(sv, now, expires))
}

// followUpJobs are a sent survey's reminder and expiry.
func (c *core) followUpJobs(sv *Survey, sent, expires time.Time) []bot.Job {
	ref := strconv.FormatInt(sv.ID, 10)
	jobs := []bot.Job{{Kind: JobExpire, TicketID: bot.Ptr(sv.TicketID), Ref: ref, DueAt: expires, Key: "survey_expire:" + ref}}
	if r := c.Policy.Surveys.Reminder; r > 0 {
		jobs = append(jobs, bot.Job{Kind: JobRemind, TicketID: bot.Ptr(sv.TicketID), Ref: ref, DueAt: sent.Add(r), Key: "survey_remind:" + ref})
	}
	return jobs
}
