package survey

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/conversation"
)

// Chat takes a customer's message when it belongs to a survey: a tap on a
// survey question's menu, TD (退订) or 恢复调查, or a typed answer to the
// question asked in the chat while the dialogue is idle. It is an
// intake.Taker: the desk asks it before the dialogue.
type Chat struct{ *core }

// claim is what Claim found.
type claim struct {
	move conversation.SurveyMove
}

// Claim decides whether in may belong to a survey. Typed text counts only
// when the customer has a question pending (one Redis read); a failed read
// counts, so that Take reads again and logs it. Most messages are typed text
// with no question pending: they cost this one read and go to the dialogue.
func (c *Chat) Claim(ctx context.Context, in bot.Inbound, s conversation.Session) any {
	if in.Kind != bot.InboundText {
		return nil
	}
	m := conversation.ReadSurveyMove(s, in.Event())
	switch m.Kind {
	case conversation.NotSurvey:
		return nil
	case conversation.SurveyMaybeTyped:
		_, found, err := c.Pending.PendingSurvey(ctx, in.Channel, in.From)
		if err == nil && !found {
			return nil
		}
	}
	return &claim{move: m}
}

// Take takes a claimed message. ok false: the dialogue takes it.
func (c *Chat) Take(ctx context.Context, cl any, in bot.Inbound, s conversation.Session, now time.Time) (conversation.Session, []bot.Reply, bool, error) {
	k := cl.(*claim)
	var replies []bot.Reply
	var err error
	switch k.move.Kind {
	case conversation.SurveyTapped:
		replies, err = c.tapped(ctx, in, k.move.Tap, now)
	case conversation.SurveyOptOut, conversation.SurveyOptIn:
		replies, err = c.opt(ctx, in, k.move.Kind == conversation.SurveyOptOut, now)
	case conversation.SurveyMaybeTyped:
		var ok bool
		if replies, ok, err = c.typed(ctx, in, s, now); !ok {
			return s, nil, false, nil
		}
	}
	s.UpdatedAt = now // the customer wrote: their 48-hour window opens again
	return s, replies, true, err
}

func (c *Chat) opt(ctx context.Context, in bot.Inbound, out bool, now time.Time) ([]bot.Reply, error) {
	cu, err := c.Customers.Customer(ctx, in.Channel, in.From)
	if errors.Is(err, bot.ErrNotFound) {
		cu = &bot.Customer{Channel: in.Channel, OpenID: in.From, Subscribed: true, UpdatedAt: now}
		err = c.Customers.SaveCustomer(ctx, cu)
	}
	if err != nil {
		return nil, fmt.Errorf("load customer: %w", err)
	}
	if err := c.Store.SetSurveyOptOut(ctx, cu.ID, out, now); err != nil {
		return nil, fmt.Errorf("survey opt-out: %w", err)
	}
	if out {
		if err := c.Pending.ClearPendingSurvey(ctx, in.Channel, in.From, 0); err != nil {
			c.Log.Warn("survey: clear pending question", slog.String("err", err.Error()))
		}
		c.Log.Info("customer opted out of surveys", slog.Int64("customer", cu.ID))
	}
	return []bot.Reply{bot.ReplyOf(conversation.OptReply(out))}, nil
}

// tapped records a tapped answer. A tap carries its survey, so it counts
// whatever the dialogue is doing, but only for the survey's own customer.
func (c *Chat) tapped(ctx context.Context, in bot.Inbound, tap conversation.SurveyTap, now time.Time) ([]bot.Reply, error) {
	sv, qn, err := c.load(ctx, tap.Survey)
	if errors.Is(err, bot.ErrNotFound) || errors.Is(err, errNoQuestionnaire) || (err == nil && (sv.OpenID != in.From || tap.Step >= len(qn.Questions))) {
		return []bot.Reply{bot.ReplyOf(conversation.SurveyStaleReply())}, nil
	}
	if err != nil {
		return nil, err
	}
	q := qn.Questions[tap.Step]
	if tap.Choice > len(q.Choices()) {
		return []bot.Reply{bot.ReplyOf(conversation.SurveyStaleReply())}, nil
	}
	return c.record(ctx, sv, qn, tap.Step, q.ChoiceValue(tap.Choice), now)
}

// typed takes a typed answer to the pending question. Text that is not an
// answer goes to the dialogue and ends the chat survey: the customer has
// moved on (a tap on the menu still counts). The question is read again
// here, under the customer's lock: the claim only said one was pending, and
// an expiry or the survey page may have ended it since.
func (c *Chat) typed(ctx context.Context, in bot.Inbound, s conversation.Session, now time.Time) ([]bot.Reply, bool, error) {
	p, found, err := c.Pending.PendingSurvey(ctx, in.Channel, in.From)
	if err != nil || !found {
		if err != nil {
			c.Log.Warn("survey: read pending question", slog.String("err", err.Error()))
		}
		return nil, false, nil
	}
	sv, qn, err := c.load(ctx, p.Survey)
	if errors.Is(err, bot.ErrNotFound) || errors.Is(err, errNoQuestionnaire) || (err == nil && (sv.OpenID != in.From || p.Step >= len(qn.Questions))) {
		c.forget(ctx, in, p.Survey)
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	value, ok := conversation.ReadAnswer(qn.Questions[p.Step], in.Text)
	if ok && c.awaitsConfirmation(ctx, s, sv) {
		return nil, false, nil // 1 or 2 confirms the resolved ticket first
	}
	if !ok {
		c.forget(ctx, in, p.Survey)
		return nil, false, nil
	}
	replies, err := c.record(ctx, sv, qn, p.Step, value, now)
	return replies, true, err
}

// forget ends the chat survey of a customer who moved on; a failure only
// means their next plain answer is read once more.
func (c *Chat) forget(ctx context.Context, in bot.Inbound, survey int64) {
	if err := c.Pending.ClearPendingSurvey(ctx, in.Channel, in.From, survey); err != nil {
		c.Log.Warn("survey: clear pending question", slog.String("err", err.Error()))
	}
}

// awaitsConfirmation reports whether the customer's active ticket, another
// one than the survey's, waits for their 已解决 / 未解决.
func (c *Chat) awaitsConfirmation(ctx context.Context, s conversation.Session, sv *Survey) bool {
	if s.ActiveTicket == 0 || s.ActiveTicket == sv.TicketID {
		return false
	}
	t, err := c.Tickets.Ticket(ctx, s.ActiveTicket)
	return err == nil && t.Status == bot.StatusResolved
}

// record stores one answer and asks the next question, or thanks.
func (c *Chat) record(ctx context.Context, sv *Survey, qn *conversation.Questionnaire, step int, value string, now time.Time) ([]bot.Reply, error) {
	q := qn.Questions[step]
	in := AnswerInput{Answers: []Answer{{Question: q.ID, Value: value}}, Via: ViaChat, At: now, Complete: step == len(qn.Questions)-1}
	if q.ID == conversation.OverallQuestion {
		r, _ := strconv.Atoi(value)
		in.Rating = &r
	}
	out, err := c.Store.AnswerSurvey(ctx, sv.ID, in)
	if err != nil {
		return nil, fmt.Errorf("record survey answer: %w", err)
	}
	if out == conversation.AnswerCounted {
		c.afterAnswer(ctx, sv, q, value)
	}
	turn := conversation.SurveyTurn{Survey: sv.ID, Questionnaire: qn, Step: step, Value: value, Outcome: out, Pending: -1}
	if out == conversation.AnswerRepeated {
		if p, found, err := c.Pending.PendingSurvey(ctx, sv.Channel, sv.OpenID); err == nil && found && p.Survey == sv.ID {
			turn.Pending = p.Step
		}
	}
	next, done, reply := conversation.SurveyAfter(turn)
	if done {
		if err := c.Pending.ClearPendingSurvey(ctx, sv.Channel, sv.OpenID, sv.ID); err != nil {
			c.Log.Warn("survey: clear pending question", slog.Int64("survey", sv.ID), slog.String("err", err.Error()))
		}
		return []bot.Reply{bot.ReplyOf(reply)}, nil
	}
	expires := now.Add(time.Hour)
	if sv.ExpiresAt != nil {
		expires = *sv.ExpiresAt
	}
	p := PendingQuestion{Survey: sv.ID, Step: next}
	if err := c.Pending.SetPendingSurvey(ctx, sv.Channel, sv.OpenID, p, conversation.PendingTTL(qn, next, expires, now)); err != nil {
		return nil, fmt.Errorf("survey: next question: %w", err)
	}
	return []bot.Reply{bot.ReplyOf(reply)}, nil
}
