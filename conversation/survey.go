package conversation

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A satisfaction survey asked in the chat: the questionnaire's model, how a
// customer's tap or typed answer is read, and what the dialogue says back.
// Where the survey stands (which question waits for an answer) is kept by
// the bot beside the session; recording an answer is the bot's, and what it
// came to (AnswerOutcome) decides the next step here.

// Questionnaire is one survey form.
type Questionnaire struct {
	Name      string
	Title     string
	Questions []Question
}

// Question kinds.
const (
	QuestionRating = "rating" // 满意 / 较满意 / 一般 / 不满意
	QuestionChoice = "choice" // one of Options
	QuestionYesNo  = "yesno"  // 是 / 否
	QuestionText   = "text"   // a free comment, optional
)

// OverallQuestion is the id of the rating question the statistics count.
const OverallQuestion = "overall"

// Question is one question of a questionnaire.
type Question struct {
	ID      string   `yaml:"id"`
	Kind    string   `yaml:"kind"`
	Text    string   `yaml:"text"`
	Options []string `yaml:"options"` // choice only
}

// RatingLabels are the four levels of a rating question, best first; a
// rating is stored as its position, 1 to 4. 满意 and 较满意 count as
// satisfied.
var RatingLabels = []string{"满意", "较满意", "一般", "不满意"}

// Choices are the answers a question offers, in order; nil for text.
func (q Question) Choices() []string {
	switch q.Kind {
	case QuestionRating:
		return RatingLabels
	case QuestionYesNo:
		return []string{"是", "否"}
	case QuestionChoice:
		return q.Options
	}
	return nil
}

// ChoiceValue is the stored value of the n-th choice (1-based).
func (q Question) ChoiceValue(n int) string {
	switch q.Kind {
	case QuestionRating:
		return strconv.Itoa(n)
	case QuestionYesNo:
		return map[int]string{1: "yes", 2: "no"}[n]
	}
	return q.Choices()[n-1]
}

// AnswerOutcome says what recording an answer did.
type AnswerOutcome int

// Outcomes of recording answers.
const (
	AnswerCounted  AnswerOutcome = iota // recorded
	AnswerRepeated                      // that question was answered before: kept as it was
	AnswerDone                          // the survey was already completed (on the page, or in the chat)
	AnswerTooLate                       // expired, closed or never delivered: thanked, not counted
)

// SurveyMoveKind says which survey path a customer's message may take.
type SurveyMoveKind int

// Survey paths.
const (
	NotSurvey        SurveyMoveKind = iota
	SurveyTapped                    // a tap on a survey question's menu (Tap says which)
	SurveyOptOut                    // TD (退订)
	SurveyOptIn                     // 恢复调查
	SurveyMaybeTyped                // plain text while the dialogue is idle: an answer if a question is pending
)

// SurveyMove is what a customer's message may be to a survey.
type SurveyMove struct {
	Kind SurveyMoveKind
	Tap  SurveyTap // SurveyTapped
}

// SurveyTap is a tap on a survey question's menu: sv:SURVEY:STEP:CHOICE.
type SurveyTap struct {
	Survey int64
	Step   int
	Choice int // 1-based
}

// ReadSurveyMove decides, without I/O, which survey path ev may take while
// the dialogue is in s. A tap carries its survey, so it counts whatever the
// dialogue is doing; typed text only while the dialogue is idle.
func ReadSurveyMove(s Session, ev Event) SurveyMove {
	if ev.Kind != EventText && ev.Kind != EventMenu {
		return SurveyMove{}
	}
	if tap, ok := parseSurveyTap(ev.MenuID); ok {
		return SurveyMove{Kind: SurveyTapped, Tap: tap}
	}
	switch {
	case ev.MenuID == "" && OptWord(ev.Text) < 0:
		return SurveyMove{Kind: SurveyOptOut}
	case ev.MenuID == "" && OptWord(ev.Text) > 0:
		return SurveyMove{Kind: SurveyOptIn}
	case ev.MenuID != "" || s.State != StateIdle:
		return SurveyMove{}
	}
	return SurveyMove{Kind: SurveyMaybeTyped}
}

func surveyMenuID(survey int64, step, choice int) string {
	return fmt.Sprintf("sv:%d:%d:%d", survey, step, choice)
}

func parseSurveyTap(id string) (SurveyTap, bool) {
	rest, ok := strings.CutPrefix(id, "sv:")
	parts := strings.Split(rest, ":")
	if !ok || len(parts) != 3 {
		return SurveyTap{}, false
	}
	var t SurveyTap
	var err1, err2, err3 error
	t.Survey, err1 = strconv.ParseInt(parts[0], 10, 64)
	t.Step, err2 = strconv.Atoi(parts[1])
	t.Choice, err3 = strconv.Atoi(parts[2])
	return t, err1 == nil && err2 == nil && err3 == nil && t.Step >= 0 && t.Choice >= 1
}

// OptWord is -1 for TD (退订), +1 for 恢复调查, 0 for anything else.
func OptWord(text string) int {
	switch strings.ToUpper(normalizeAnswer(text)) {
	case "TD", "退订", "退订调查", "不要调查":
		return -1
	case "恢复调查", "订阅调查":
		return 1
	}
	return 0
}

var (
	ratingWords = map[string]int{"满意": 1, "非常满意": 1, "很满意": 1, "较满意": 2, "比较满意": 2, "还可以": 2, "一般": 3, "还行": 3,
		"不满意": 4, "很不满意": 4, "非常不满意": 4, "不太满意": 4}
	surveyYes = []string{"是", "是的", "对", "已解决", "解决了", "已经解决", "彻底解决"}
	surveyNo  = []string{"否", "不是", "没有", "未解决", "没解决", "没有解决", "还没解决"}
	skipWords = []string{"无", "没有", "没了", "跳过", "不用了", "没有了", "暂无", "无意见"}
)

// ReadAnswer reads a typed answer to q; ok false when it is not one.
func ReadAnswer(q Question, text string) (string, bool) {
	t := normalizeAnswer(text)
	if t == "" {
		return "", false
	}
	if q.Kind == QuestionText {
		if slicesContain(skipWords, t) {
			return "", true
		}
		return strings.TrimSpace(text), true
	}
	choices := q.Choices()
	if n, err := strconv.Atoi(t); err == nil && n >= 1 && n <= len(choices) {
		return q.ChoiceValue(n), true
	}
	switch q.Kind {
	case QuestionRating:
		if r, ok := ratingWords[t]; ok {
			return strconv.Itoa(r), true
		}
	case QuestionYesNo:
		if slicesContain(surveyYes, t) {
			return "yes", true
		}
		if slicesContain(surveyNo, t) {
			return "no", true
		}
	case QuestionChoice:
		for i, c := range choices {
			if t == c {
				return q.ChoiceValue(i + 1), true
			}
		}
	}
	return "", false
}

func slicesContain(list []string, s string) bool {
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
	return strings.Map(FoldFullWidth, strings.Trim(strings.TrimSpace(s), "。！!.，,？? "))
}

// SurveyTurn is an answer given in the chat and what recording it came to.
type SurveyTurn struct {
	Survey        int64
	Questionnaire *Questionnaire
	Step          int // the question answered
	Value         string
	Outcome       AnswerOutcome
	Pending       int // the question pending in the chat before the answer; -1 for none
}

// SurveyAfter is the chat survey's step after an answer: the question to
// ask next, or done when the survey is over in the chat, and the reply.
func SurveyAfter(t SurveyTurn) (next int, done bool, reply Reply) {
	qn := t.Questionnaire
	q := qn.Questions[t.Step]
	switch t.Outcome {
	case AnswerTooLate:
		return 0, true, Reply{Text: surveyTooLateText}
	case AnswerDone:
		return 0, true, Reply{Text: surveyDoneText}
	}
	next = t.Step + 1
	if t.Outcome == AnswerRepeated && t.Pending > next {
		next = t.Pending // a tap on an earlier question: go on where the survey was
	}
	if next >= len(qn.Questions) {
		return 0, true, Reply{Text: closingText(q, t.Value)}
	}
	ack := ackText(q, t.Value)
	if t.Outcome == AnswerRepeated {
		ack = "这道题您已经回答过了。\n"
	}
	return next, false, SurveyQuestion(t.Survey, qn, next, ack+progress(qn, next)+qn.Questions[next].Text)
}

// SurveyInvitation is a survey's first message in the chat, or, with again,
// the reminder of the question due.
func SurveyInvitation(ticket, survey int64, round bool, qn *Questionnaire, step int, again bool) Reply {
	q := progress(qn, step) + qn.Questions[step].Text
	var head string
	switch {
	case again:
		head = fmt.Sprintf("您好，关于工单 #%d 的%s还在等您回复，只需几秒钟：\n%s", ticket, qn.Title, q)
	case round:
		head = fmt.Sprintf("您好，我们正在进行售后服务回访，想了解您对近期服务（工单 #%d）的感受，共 %d 个问题，约 1 分钟。\n%s", ticket, len(qn.Questions), q)
	default:
		head = fmt.Sprintf("您好，工单 #%d 已处理完毕。想请您花几秒钟评价本次服务：\n%s", ticket, q)
	}
	return SurveyQuestion(survey, qn, step, head)
}

// SurveyQuestion is a question as a chat message: tap-to-answer choices
// with the same choices numbered in the text; a comment is typed.
func SurveyQuestion(survey int64, qn *Questionnaire, step int, head string) Reply {
	q := qn.Questions[step]
	if q.Kind == QuestionText {
		return Reply{Text: head + "\n直接回复即可；没有请回复「无」。"}
	}
	items := make([]MenuItem, 0, len(q.Choices()))
	for i, c := range q.Choices() {
		items = append(items, MenuItem{ID: surveyMenuID(survey, step, i+1), Content: c})
	}
	return choice(head, items, "回复数字即可。"+surveyOptOutTail, "也可以回复数字。"+surveyOptOutTail)
}

// PendingTTL is how long a typed answer goes to the question at step:
// until the survey expires, but a comment only for the dialogue's idle
// time, so a customer who comes back later with a new fault is not taken
// for a comment.
func PendingTTL(qn *Questionnaire, step int, expires, now time.Time) time.Duration {
	ttl := expires.Sub(now)
	if step < len(qn.Questions) && qn.Questions[step].Kind == QuestionText {
		ttl = min(ttl, IdleTimeout)
	}
	return max(ttl, time.Second)
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

// OptReply answers TD (out) or 恢复调查.
func OptReply(out bool) Reply {
	if out {
		return Reply{Text: surveyOptOutText}
	}
	return Reply{Text: surveyOptInText}
}

// SurveyStaleReply answers a tap on a survey that is gone or not theirs.
func SurveyStaleReply() Reply { return Reply{Text: surveyStaleText} }
