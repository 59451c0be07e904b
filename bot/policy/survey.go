package policy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/conversation"
)

// SurveyPolicy is what the operator decides about satisfaction surveys and
// revisit rounds (回访): the questionnaires, how long a survey stays open,
// the pace of sending, and the target (seed 001: 90%).
type SurveyPolicy struct {
	Target         float64       // satisfaction target, 0..1
	Expiry         time.Duration // a survey may be answered this long after it was sent
	Reminder       time.Duration // one reminder this long after sending; 0: none
	SendRate       float64       // survey messages per second, all replicas together
	MonthlyCap     int           // rounds a customer may be asked in one calendar month
	AfterTicket    string        // questionnaire sent when a ticket closes; "": none
	StaffRating    StaffRatingPolicy
	Questionnaires map[string]*conversation.Questionnaire
}

// StaffRatingPolicy turns an engineer's satisfaction into the rating of the
// staff statistics table (《人员情况统计表》): 好 at or above Good, 较好 at
// or above Fair, 一般 below; with fewer than MinAnswers answers no rating.
type StaffRatingPolicy struct {
	Good, Fair float64
	MinAnswers int
}

// DefaultSurveyPolicy is the policy with no surveys key in the file.
func DefaultSurveyPolicy() SurveyPolicy {
	return SurveyPolicy{Target: 0.9, Expiry: 7 * 24 * time.Hour, Reminder: 24 * time.Hour, SendRate: 20,
		MonthlyCap: 1, AfterTicket: "ticket", StaffRating: StaffRatingPolicy{Good: 0.95, Fair: 0.85, MinAnswers: 5},
		Questionnaires: builtinQuestionnaires()}
}

func builtinQuestionnaires() map[string]*conversation.Questionnaire {
	const rating, choice, yesno, text = conversation.QuestionRating, conversation.QuestionChoice, conversation.QuestionYesNo, conversation.QuestionText
	return map[string]*conversation.Questionnaire{
		"ticket": {Name: "ticket", Title: "服务满意度调查", Questions: []conversation.Question{
			{ID: conversation.OverallQuestion, Kind: rating, Text: "您对本次服务满意吗？"},
			{ID: "comment", Kind: text, Text: "还有什么意见或建议吗？（选填）"},
		}},
		"revisit": {Name: "revisit", Title: "售后服务回访", Questions: []conversation.Question{
			{ID: conversation.OverallQuestion, Kind: rating, Text: "您对我们的服务总体满意吗？"},
			{ID: "speed", Kind: choice, Text: "您觉得我们的响应速度如何？", Options: []string{"很快", "及时", "较慢", "太慢"}},
			{ID: "attitude", Kind: rating, Text: "您对工程师的服务态度满意吗？"},
			{ID: "solved", Kind: yesno, Text: "您的问题是否已经彻底解决？"},
			{ID: "comment", Kind: text, Text: "您还有什么意见或建议？（选填）"},
		}},
	}
}

// Questionnaire returns the named questionnaire, or an error naming those
// there are.
func (p SurveyPolicy) Questionnaire(name string) (*conversation.Questionnaire, error) {
	if q, ok := p.Questionnaires[name]; ok {
		return q, nil
	}
	return nil, fmt.Errorf("no questionnaire %q (have %s)", name, strings.Join(p.QuestionnaireNames(), ", "))
}

// QuestionnaireNames lists the questionnaires, sorted.
func (p SurveyPolicy) QuestionnaireNames() []string {
	names := make([]string, 0, len(p.Questionnaires))
	for n := range p.Questionnaires {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (b *builder) surveys() error {
	b.p.Surveys = DefaultSurveyPolicy()
	if err := b.file.Surveys.apply(&b.p.Surveys); err != nil {
		return at("surveys", err)
	}
	return nil
}

func (y SurveysFile) apply(p *SurveyPolicy) error {
	var err error
	if p.Target, err = fractionOr("target", y.Target, p.Target); err != nil {
		return err
	}
	if p.Expiry, err = spanOr("expiry", y.Expiry, p.Expiry, false); err != nil {
		return err
	}
	if p.Reminder, err = spanOr("reminder", y.Reminder, p.Reminder, true); err != nil {
		return err
	}
	if p.Reminder >= p.Expiry {
		return fmt.Errorf("reminder: %s is not before the expiry (%s)", y.Reminder, spanText(p.Expiry))
	}
	if err := y.limits(p); err != nil {
		return err
	}
	if err := y.StaffRating.apply(&p.StaffRating); err != nil {
		return at("staff_rating", err)
	}
	if err := y.questionnaires(p); err != nil {
		return err
	}
	return y.afterTicket(p)
}

func (y SurveysFile) limits(p *SurveyPolicy) error {
	if y.SendRate != nil {
		if *y.SendRate <= 0 || *y.SendRate > 1000 {
			return fmt.Errorf("send_rate: %v is not between 0 and 1000 messages per second", *y.SendRate)
		}
		p.SendRate = *y.SendRate
	}
	if y.MonthlyCap != nil {
		if *y.MonthlyCap < 1 {
			return fmt.Errorf("monthly_cap: %d; at least 1 round a month (leave customers out with TD instead)", *y.MonthlyCap)
		}
		p.MonthlyCap = *y.MonthlyCap
	}
	return nil
}

func (y StaffRatingFile) apply(r *StaffRatingPolicy) error {
	var err error
	if r.Good, err = fractionOr("good", y.Good, r.Good); err != nil {
		return err
	}
	if r.Fair, err = fractionOr("fair", y.Fair, r.Fair); err != nil {
		return err
	}
	if r.Fair > r.Good {
		return errors.New("fair: above good (good is the higher threshold)")
	}
	if y.MinAnswers != nil {
		if *y.MinAnswers < 1 {
			return errors.New("min_answers: at least 1")
		}
		r.MinAnswers = *y.MinAnswers
	}
	return nil
}

func (y SurveysFile) questionnaires(p *SurveyPolicy) error {
	seen := map[string]bool{}
	for i, q := range y.Questionnaires {
		qn, err := q.build()
		if err != nil {
			return at(fmt.Sprintf("questionnaires[%d]", i), err)
		}
		if seen[qn.Name] {
			return fmt.Errorf("questionnaires[%d].name: %q is defined twice", i, qn.Name)
		}
		seen[qn.Name] = true
		p.Questionnaires[qn.Name] = qn // replaces a built-in of that name
	}
	return nil
}

func (y SurveysFile) afterTicket(p *SurveyPolicy) error {
	switch y.AfterTicket {
	case "":
	case "none":
		p.AfterTicket = ""
	default:
		if _, err := p.Questionnaire(y.AfterTicket); err != nil {
			return fmt.Errorf("after_ticket: %w", err)
		}
		p.AfterTicket = y.AfterTicket
	}
	return nil
}

var questionIDRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func (q QuestionnaireFile) build() (*conversation.Questionnaire, error) {
	name := strings.TrimSpace(q.Name)
	if name == "" || strings.ContainsAny(name, " :") {
		return nil, errors.New("name: required, one word (no spaces or colons)")
	}
	if len(q.Questions) == 0 || len(q.Questions) > 10 {
		return nil, errors.New("questions: 1 to 10 questions")
	}
	out := &conversation.Questionnaire{Name: name, Title: strings.TrimSpace(q.Title)}
	if out.Title == "" {
		out.Title = "服务满意度调查"
	}
	ids := map[string]bool{}
	for i, qu := range q.Questions {
		if err := checkQuestion(qu, ids); err != nil {
			return nil, at(fmt.Sprintf("questions[%d]", i), err)
		}
		out.Questions = append(out.Questions, qu)
	}
	if i := slices.IndexFunc(out.Questions, func(x conversation.Question) bool { return x.ID == conversation.OverallQuestion }); i != 0 {
		return nil, errors.New("questions: the first question must be {id: overall, kind: rating}, the satisfaction the statistics count")
	}
	return out, nil
}

func checkQuestion(q conversation.Question, ids map[string]bool) error {
	if !questionIDRe.MatchString(q.ID) || len(q.ID) > 20 {
		return errors.New("id: required, like speed or solved (a-z, 0-9, _; at most 20)")
	}
	if ids[q.ID] {
		return fmt.Errorf("id: %q is used twice", q.ID)
	}
	ids[q.ID] = true
	if strings.TrimSpace(q.Text) == "" {
		return errors.New("text: required (the question as the customer reads it)")
	}
	return checkKind(q)
}

func checkKind(q conversation.Question) error {
	switch q.Kind {
	case conversation.QuestionRating, conversation.QuestionYesNo, conversation.QuestionText:
		if len(q.Options) > 0 {
			return fmt.Errorf("options: only for kind choice, not %s", q.Kind)
		}
	case conversation.QuestionChoice:
		if len(q.Options) < 2 || len(q.Options) > 6 {
			return errors.New("options: 2 to 6 options for kind choice")
		}
	default:
		return fmt.Errorf("kind: %q is not rating, choice, yesno or text", q.Kind)
	}
	if q.ID == conversation.OverallQuestion && q.Kind != conversation.QuestionRating {
		return errors.New("kind: the overall question must be a rating")
	}
	return nil
}

// fractionOr reads "90%" or "0.9"; empty keeps def.
func fractionOr(field, s string, def float64) (float64, error) {
	if strings.TrimSpace(s) == "" {
		return def, nil
	}
	return bot.ParseShare(field, s)
}

// spanOr reads "7d", "24h" or "90m"; "none" is 0 where allowed; empty keeps def.
func spanOr(field, s string, def time.Duration, noneOK bool) (time.Duration, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return def, nil
	case s == "none" && noneOK:
		return 0, nil
	}
	d, err := parseSpan(s)
	if err != nil || d < time.Minute {
		return 0, fmt.Errorf("%s: %q; want a duration like 7d, 24h or 90m", field, s)
	}
	return d, nil
}

func parseSpan(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return 0, errors.New("bad days")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

func spanText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
