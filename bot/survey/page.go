package survey

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hotline-desk/hotline/conversation"
)

// Page is the survey page's side of the desk: what a customer's link
// shows, and their submitted form. The page (adapters/surveypage) checks
// the link's signature; this checks the survey.
type Page struct{ *core }

// FormState is what a survey's page shows.
type FormState int

// Form states.
const (
	FormOpen   FormState = iota // the questions
	FormDone                    // already answered: thanks, once more
	FormClosed                  // expired, closed or never delivered
)

// Form is a survey as its page shows it.
type Form struct {
	Survey        *Survey
	Questionnaire *conversation.Questionnaire
	State         FormState
}

// SurveyForm loads the survey behind a page link.
func (p *Page) SurveyForm(ctx context.Context, id int64) (*Form, error) {
	sv, qn, err := p.load(ctx, id)
	if err != nil {
		return nil, err
	}
	f := &Form{Survey: sv, Questionnaire: qn, State: FormOpen}
	switch {
	case sv.AnsweredAt != nil || sv.CompletedAt != nil:
		f.State = FormDone
	case !sv.Open(p.now()):
		f.State = FormClosed
	}
	return f, nil
}

// FormError lists the questions a submitted form left unanswered or
// answered with something not offered.
type FormError struct {
	Missing []string // question ids
}

func (e *FormError) Error() string {
	return "survey form: unanswered " + strings.Join(e.Missing, ", ")
}

// maxComment bounds a comment typed on the page, in characters.
const maxComment = 1000

// SubmitSurvey records a page's answers: every question but comments is
// required. values maps question ids to the form's values (rating 1-4,
// yesno yes/no, choice 1-n, text as typed). optOut stops future surveys.
// A second submission, or one after the chat answered, is AnswerDone.
func (p *Page) SubmitSurvey(ctx context.Context, id int64, values map[string]string, optOut bool) (conversation.AnswerOutcome, error) {
	sv, qn, err := p.load(ctx, id)
	if err != nil {
		return 0, err
	}
	answers, rating, err := formAnswers(qn, values)
	if err != nil {
		return 0, err
	}
	now := p.now()
	in := AnswerInput{Answers: answers, Rating: &rating, Via: ViaPage, At: now, Complete: true}
	out, err := p.Store.AnswerSurvey(ctx, sv.ID, in)
	if err != nil {
		return 0, fmt.Errorf("record survey: %w", err)
	}
	if optOut {
		if err := p.Store.SetSurveyOptOut(ctx, sv.CustomerID, true, now); err != nil {
			p.Log.Error("survey opt-out", slog.Int64("survey", sv.ID), slog.String("err", err.Error()))
		}
	}
	if out != conversation.AnswerCounted {
		return out, nil
	}
	if p.Pending != nil {
		if err := p.Pending.ClearPendingSurvey(ctx, sv.Channel, sv.OpenID, sv.ID); err != nil {
			p.Log.Warn("survey: clear pending question", slog.Int64("survey", sv.ID), slog.String("err", err.Error()))
		}
	}
	for _, q := range qn.Questions {
		if v, ok := findAnswer(answers, q.ID); ok {
			p.afterAnswer(ctx, sv, q, v)
		}
	}
	p.Log.Info("survey answered on the page", slog.Int64("survey", sv.ID))
	return out, nil
}

// formAnswers checks a form against its questionnaire.
func formAnswers(qn *conversation.Questionnaire, values map[string]string) ([]Answer, int, error) {
	var answers []Answer
	var missing []string
	rating := 0
	for _, q := range qn.Questions {
		raw := strings.TrimSpace(values[q.ID])
		if q.Kind == conversation.QuestionText {
			if raw != "" {
				answers = append(answers, Answer{Question: q.ID, Value: truncate(raw, maxComment)})
			}
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > len(q.Choices()) {
			missing = append(missing, q.ID)
			continue
		}
		if q.ID == conversation.OverallQuestion {
			rating = n
		}
		answers = append(answers, Answer{Question: q.ID, Value: q.ChoiceValue(n)})
	}
	if len(missing) > 0 {
		return nil, 0, &FormError{Missing: missing}
	}
	return answers, rating, nil
}

func findAnswer(answers []Answer, id string) (string, bool) {
	for _, a := range answers {
		if a.Question == id {
			return a.Value, true
		}
	}
	return "", false
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
