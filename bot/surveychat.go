package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/conversation"
)

// Texts of the survey in the chat.
const (
	surveyOptOutText  = "好的，已为您退订满意度调查消息，今后不再发送。工单通知不受影响；如需恢复，回复「恢复调查」。"
	surveyOptInText   = "好的，已为您恢复满意度调查消息。感谢您帮助我们改进服务！"
	surveyTooLateText = "感谢您的回复！这次调查已经结束，您的回答不再计入统计。如有问题需要处理，直接描述即可。"
	surveyDoneText    = "您已经完成了这次调查，感谢您的参与！"
	surveyThanksText  = "感谢您参与调查，祝您工作顺利！"
	surveyStaleText   = "抱歉，这个选项已失效。如需帮助，直接描述您的问题即可。"
	surveyOptOutTail  = "回复 TD 不再接收调查。"
)

// surveyRoute is the survey path a customer's message may take.
type surveyRoute int

const (
	notSurvey   surveyRoute = iota
	surveyTaps              // a tap on a survey question's menu
	surveyOpt               // TD (退订) or 恢复调查
	surveyTyped             // plain text while the dialogue is idle: an answer if a question is pending
)

// surveyRouteOf says which survey path in may take, if any.
func (d *Desk) surveyRouteOf(in Inbound, s conversation.Session) surveyRoute {
	if !d.surveysOn() || in.Kind != InboundText {
		return notSurvey
	}
	switch _, isTap := parseSurveyTap(in.MenuID); {
	case isTap:
		return surveyTaps
	case in.MenuID == "" && optWord(in.Text) != 0:
		return surveyOpt
	case in.MenuID != "" || s.State != conversation.StateIdle:
		return notSurvey
	}
	return surveyTyped
}

// surveyMayTake reports whether in may belong to a survey, for surveyInbound
// to decide under the customer's lock. Typed text counts only when the
// customer has a question pending (one Redis read); a failed read counts,
// so that surveyInbound reads again and logs it.
func (d *Desk) surveyMayTake(ctx context.Context, in Inbound, s conversation.Session) bool {
	switch d.surveyRouteOf(in, s) {
	case notSurvey:
		return false
	case surveyTyped:
		_, found, err := d.surveys.Chat.PendingSurvey(ctx, in.Channel, in.From)
		return found || err != nil
	}
	return true
}

// surveyInbound takes a customer's message when it belongs to a survey: a
// tap on a survey menu, TD (退订), or a typed answer to the question asked
// in the chat while the dialogue is idle. ok false: the dialogue takes the
// message. Only a customer with a pending question costs a database read.
func (d *Desk) surveyInbound(ctx context.Context, in Inbound, s conversation.Session, now time.Time) (conversation.Session, []Reply, bool, error) {
	var replies []Reply
	var err error
	switch d.surveyRouteOf(in, s) {
	case notSurvey:
		return s, nil, false, nil
	case surveyTaps:
		tap, _ := parseSurveyTap(in.MenuID)
		replies, err = d.surveyTapped(ctx, in, tap, now)
	case surveyOpt:
		replies, err = d.optOutChat(ctx, in, optWord(in.Text) < 0, now)
	case surveyTyped:
		var ok bool
		if replies, ok, err = d.typedAnswer(ctx, in, s, now); !ok {
			return s, nil, false, nil
		}
	}
	s.UpdatedAt = now // the customer wrote: their 48-hour window opens again
	return s, replies, true, err
}

// surveyTap is a tap on a survey question's menu: sv:SURVEY:STEP:CHOICE.
type surveyTap struct {
	survey int64
	step   int
	choice int // 1-based
}

func surveyMenuID(survey int64, step, choice int) string {
	return fmt.Sprintf("sv:%d:%d:%d", survey, step, choice)
}

func parseSurveyTap(id string) (surveyTap, bool) {
	rest, ok := strings.CutPrefix(id, "sv:")
	parts := strings.Split(rest, ":")
	if !ok || len(parts) != 3 {
		return surveyTap{}, false
	}
	var t surveyTap
	var err1, err2, err3 error
	t.survey, err1 = strconv.ParseInt(parts[0], 10, 64)
	t.step, err2 = strconv.Atoi(parts[1])
	t.choice, err3 = strconv.Atoi(parts[2])
	return t, err1 == nil && err2 == nil && err3 == nil && t.step >= 0 && t.choice >= 1
}

// optWord: -1 for TD (退订), +1 for 恢复调查, 0 for anything else.
func optWord(text string) int {
	switch strings.ToUpper(normalizeAnswer(text)) {
	case "TD", "退订", "退订调查", "不要调查":
		return -1
	case "恢复调查", "订阅调查":
		return 1
	}
	return 0
}

func (d *Desk) optOutChat(ctx context.Context, in Inbound, out bool, now time.Time) ([]Reply, error) {
	c, err := d.customers.Customer(ctx, in.Channel, in.From)
	if errors.Is(err, ErrNotFound) {
		c = &Customer{Channel: in.Channel, OpenID: in.From, Subscribed: true, UpdatedAt: now}
		err = d.customers.SaveCustomer(ctx, c)
	}
	if err != nil {
		return nil, fmt.Errorf("load customer: %w", err)
	}
	if err := d.surveys.Store.SetSurveyOptOut(ctx, c.ID, out, now); err != nil {
		return nil, fmt.Errorf("survey opt-out: %w", err)
	}
	if !out {
		return []Reply{{Text: surveyOptInText}}, nil
	}
	if err := d.surveys.Chat.ClearPendingSurvey(ctx, in.Channel, in.From, 0); err != nil {
		d.log.Warn("survey: clear pending question", slog.String("err", err.Error()))
	}
	d.log.Info("customer opted out of surveys", slog.Int64("customer", c.ID))
	return []Reply{{Text: surveyOptOutText}}, nil
}

// surveyTapped records a tapped answer. A tap carries its survey, so it
// counts whatever the dialogue is doing, but only for the survey's own
// customer.
func (d *Desk) surveyTapped(ctx context.Context, in Inbound, tap surveyTap, now time.Time) ([]Reply, error) {
	sv, qn, err := d.loadSurvey(ctx, tap.survey)
	if errors.Is(err, ErrNotFound) || errors.Is(err, errNoQuestionnaire) || (err == nil && (sv.OpenID != in.From || tap.step >= len(qn.Questions))) {
		return []Reply{{Text: surveyStaleText}}, nil
	}
	if err != nil {
		return nil, err
	}
	q := qn.Questions[tap.step]
	if tap.choice > len(q.Choices()) {
		return []Reply{{Text: surveyStaleText}}, nil
	}
	return d.recordChatAnswer(ctx, sv, qn, tap.step, choiceValue(q, tap.choice), now)
}

func (d *Desk) loadSurvey(ctx context.Context, id int64) (*Survey, *Questionnaire, error) {
	sv, err := d.surveys.Store.Survey(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	qn, err := d.questionnaireOf(sv)
	if err != nil {
		return nil, nil, fmt.Errorf("survey %d: %w", id, err)
	}
	return sv, qn, nil
}

// typedAnswer takes a typed answer to the pending question. Text that is
// not an answer goes to the dialogue and ends the chat survey: the
// customer has moved on (a tap on the menu still counts).
func (d *Desk) typedAnswer(ctx context.Context, in Inbound, s conversation.Session, now time.Time) ([]Reply, bool, error) {
	p, found, err := d.surveys.Chat.PendingSurvey(ctx, in.Channel, in.From)
	if err != nil {
		d.log.Warn("survey: read pending question", slog.String("err", err.Error()))
		return nil, false, nil
	}
	if !found {
		return nil, false, nil
	}
	sv, qn, err := d.loadSurvey(ctx, p.Survey)
	if errors.Is(err, ErrNotFound) || errors.Is(err, errNoQuestionnaire) || (err == nil && (sv.OpenID != in.From || p.Step >= len(qn.Questions))) {
		d.forgetPending(ctx, in, p.Survey)
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	value, ok := parseAnswer(qn.Questions[p.Step], in.Text)
	if ok && d.awaitsConfirmation(ctx, s, sv) {
		return nil, false, nil // 1 or 2 confirms the resolved ticket first
	}
	if !ok {
		d.forgetPending(ctx, in, p.Survey)
		return nil, false, nil
	}
	replies, err := d.recordChatAnswer(ctx, sv, qn, p.Step, value, now)
	return replies, true, err
}

// forgetPending ends the chat survey of a customer who moved on; a failure
// only means their next plain answer is read once more.
func (d *Desk) forgetPending(ctx context.Context, in Inbound, survey int64) {
	if err := d.surveys.Chat.ClearPendingSurvey(ctx, in.Channel, in.From, survey); err != nil {
		d.log.Warn("survey: clear pending question", slog.String("err", err.Error()))
	}
}

// awaitsConfirmation reports whether the customer's active ticket, another
// one than the survey's, waits for their 已解决 / 未解决.
func (d *Desk) awaitsConfirmation(ctx context.Context, s conversation.Session, sv *Survey) bool {
	if s.ActiveTicket == 0 || s.ActiveTicket == sv.TicketID {
		return false
	}
	t, err := d.tickets.Ticket(ctx, s.ActiveTicket)
	return err == nil && t.Status == StatusResolved
}

// recordChatAnswer stores one answer and asks the next question, or thanks.
func (d *Desk) recordChatAnswer(ctx context.Context, sv *Survey, qn *Questionnaire, step int, value string, now time.Time) ([]Reply, error) {
	q := qn.Questions[step]
	in := AnswerInput{Answers: []SurveyAnswer{{Question: q.ID, Value: value}}, Via: ViaChat, At: now, Complete: step == len(qn.Questions)-1}
	if q.ID == OverallQuestion {
		r, _ := strconv.Atoi(value)
		in.Rating = &r
	}
	out, err := d.surveys.Store.AnswerSurvey(ctx, sv.ID, in)
	if err != nil {
		return nil, fmt.Errorf("record survey answer: %w", err)
	}
	switch out {
	case AnswerTooLate:
		return d.endChatSurvey(ctx, sv, surveyTooLateText)
	case AnswerDone:
		return d.endChatSurvey(ctx, sv, surveyDoneText)
	case AnswerCounted:
		d.afterAnswer(ctx, sv, q, value)
	}
	next := d.nextQuestion(ctx, sv, step, out)
	if next >= len(qn.Questions) {
		return d.endChatSurvey(ctx, sv, closingText(q, value))
	}
	expires := now.Add(time.Hour)
	if sv.ExpiresAt != nil {
		expires = *sv.ExpiresAt
	}
	p := PendingSurvey{Survey: sv.ID, Step: next}
	if err := d.surveys.Chat.SetPendingSurvey(ctx, sv.Channel, sv.OpenID, p, pendingTTL(qn, next, expires, now)); err != nil {
		return nil, fmt.Errorf("survey: next question: %w", err)
	}
	ack := ackText(q, value)
	if out == AnswerRepeated {
		ack = "这道题您已经回答过了。\n"
	}
	return []Reply{surveyQuestion(sv, qn, next, ack+progress(qn, next)+qn.Questions[next].Text)}, nil
}

// nextQuestion is the question to ask after one at step: the next, or, for a
// tap on an earlier question answered before, the one still pending.
func (d *Desk) nextQuestion(ctx context.Context, sv *Survey, step int, out AnswerOutcome) int {
	next := step + 1
	if out != AnswerRepeated {
		return next
	}
	if p, found, err := d.surveys.Chat.PendingSurvey(ctx, sv.Channel, sv.OpenID); err == nil && found && p.Survey == sv.ID && p.Step > next {
		return p.Step
	}
	return next
}

func (d *Desk) endChatSurvey(ctx context.Context, sv *Survey, text string) ([]Reply, error) {
	if err := d.surveys.Chat.ClearPendingSurvey(ctx, sv.Channel, sv.OpenID, sv.ID); err != nil {
		d.log.Warn("survey: clear pending question", slog.Int64("survey", sv.ID), slog.String("err", err.Error()))
	}
	return []Reply{{Text: text}}, nil
}

// afterAnswer acts on what the customer said: an unhappy rating goes to
// quality management with a revisit task; a comment joins the ticket's
// service log (and the revisit task, if any).
func (d *Desk) afterAnswer(ctx context.Context, sv *Survey, q Question, value string) {
	switch {
	case q.ID == OverallQuestion:
		if r, _ := strconv.Atoi(value); r >= 3 {
			d.revisitAlert(ctx, sv, r)
		}
	case q.Kind == QuestionText && value != "":
		d.surveyComment(ctx, sv, value)
	}
}

func ackText(q Question, value string) string {
	if q.ID != OverallQuestion {
		return ""
	}
	if r, _ := strconv.Atoi(value); r >= 3 {
		return "很抱歉这次没有让您满意，我们的质量管理部会尽快与您联系。\n"
	}
	return "感谢您的评价！\n"
}

func closingText(q Question, value string) string {
	switch {
	case q.Kind == QuestionText && value != "":
		return "已收到您的意见，" + surveyThanksText
	case q.ID == OverallQuestion:
		return strings.TrimSpace(ackText(q, value)) + surveyThanksText
	}
	return surveyThanksText
}

func progress(qn *Questionnaire, step int) string {
	if len(qn.Questions) <= 2 {
		return ""
	}
	return fmt.Sprintf("（%d/%d）", step+1, len(qn.Questions))
}

// surveyIntro is the first message's head: what the survey is about, and
// the question.
func surveyIntro(s *Survey, qn *Questionnaire, step int, again bool) string {
	q := progress(qn, step) + qn.Questions[step].Text
	switch {
	case again:
		return fmt.Sprintf("您好，关于工单 #%d 的%s还在等您回复，只需几秒钟：\n%s", s.TicketID, qn.Title, q)
	case s.RoundID != nil:
		return fmt.Sprintf("您好，我们正在进行售后服务回访，想了解您对近期服务（工单 #%d）的感受，共 %d 个问题，约 1 分钟。\n%s", s.TicketID, len(qn.Questions), q)
	}
	return fmt.Sprintf("您好，工单 #%d 已处理完毕。想请您花几秒钟评价本次服务：\n%s", s.TicketID, q)
}

// surveyQuestion is a question as a chat message: tap-to-answer choices
// with the same choices numbered in the text; a comment is typed.
func surveyQuestion(s *Survey, qn *Questionnaire, step int, head string) Reply {
	q := qn.Questions[step]
	if q.Kind == QuestionText {
		return Reply{Text: head + "\n直接回复即可；没有请回复「无」。"}
	}
	var b strings.Builder
	b.WriteString(head)
	var items []MenuItem
	for i, c := range q.Choices() {
		items = append(items, MenuItem{ID: surveyMenuID(s.ID, step, i+1), Content: c})
		fmt.Fprintf(&b, "\n%d %s", i+1, c)
	}
	b.WriteString("\n回复数字即可。" + surveyOptOutTail)
	return Reply{Text: b.String(), Menu: &Menu{Head: head, Items: items, Tail: "也可以回复数字。" + surveyOptOutTail}}
}

// choiceValue is the stored value of the n-th choice (1-based).
func choiceValue(q Question, n int) string {
	switch q.Kind {
	case QuestionRating:
		return strconv.Itoa(n)
	case QuestionYesNo:
		return map[int]string{1: "yes", 2: "no"}[n]
	}
	return q.Choices()[n-1]
}

var (
	ratingWords = map[string]int{"满意": 1, "非常满意": 1, "很满意": 1, "较满意": 2, "比较满意": 2, "还可以": 2, "一般": 3, "还行": 3,
		"不满意": 4, "很不满意": 4, "非常不满意": 4, "不太满意": 4}
	yesWords  = []string{"是", "是的", "对", "已解决", "解决了", "已经解决", "彻底解决"}
	noWords   = []string{"否", "不是", "没有", "未解决", "没解决", "没有解决", "还没解决"}
	skipWords = []string{"无", "没有", "没了", "跳过", "不用了", "没有了", "暂无", "无意见"}
)

// parseAnswer reads a typed answer to q; ok false when it is not one.
func parseAnswer(q Question, text string) (string, bool) {
	t := normalizeAnswer(text)
	if t == "" {
		return "", false
	}
	if q.Kind == QuestionText {
		for _, w := range skipWords {
			if t == w {
				return "", true
			}
		}
		return strings.TrimSpace(text), true
	}
	choices := q.Choices()
	if n, err := strconv.Atoi(t); err == nil && n >= 1 && n <= len(choices) {
		return choiceValue(q, n), true
	}
	switch q.Kind {
	case QuestionRating:
		if r, ok := ratingWords[t]; ok {
			return strconv.Itoa(r), true
		}
	case QuestionYesNo:
		if contains(yesWords, t) {
			return "yes", true
		}
		if contains(noWords, t) {
			return "no", true
		}
	case QuestionChoice:
		for i, c := range choices {
			if t == c {
				return choiceValue(q, i+1), true
			}
		}
	}
	return "", false
}

func contains(list []string, s string) bool {
	for _, w := range list {
		if w == s {
			return true
		}
	}
	return false
}

// normalizeAnswer trims spaces and end punctuation and folds full-width
// digits and letters, as customers type them on a phone.
func normalizeAnswer(s string) string {
	s = strings.Trim(strings.TrimSpace(s), "。！!.，,？? ")
	var b strings.Builder
	for _, r := range s {
		if r >= '！' && r <= '～' {
			r -= 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isUnreachable(err error) bool { return errors.Is(err, ErrUnreachable) }
