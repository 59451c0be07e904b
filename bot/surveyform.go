package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The survey page's side of the desk: what a customer's link shows, and
// their submitted form. The page (adapters/surveypage) checks the link's
// signature; this checks the survey.

// FormState is what a survey's page shows.
type FormState int

// Form states.
const (
	FormOpen   FormState = iota // the questions
	FormDone                    // already answered: thanks, once more
	FormClosed                  // expired, closed or never delivered
)

// SurveyForm is a survey as its page shows it.
type SurveyForm struct {
	Survey        *Survey
	Questionnaire *Questionnaire
	State         FormState
}

// SurveyForm loads the survey behind a page link.
func (d *Desk) SurveyForm(ctx context.Context, id int64) (*SurveyForm, error) {
	sv, qn, err := d.loadSurvey(ctx, id)
	if err != nil {
		return nil, err
	}
	f := &SurveyForm{Survey: sv, Questionnaire: qn, State: FormOpen}
	switch {
	case sv.AnsweredAt != nil || sv.CompletedAt != nil:
		f.State = FormDone
	case !sv.Open(d.now()):
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
func (d *Desk) SubmitSurvey(ctx context.Context, id int64, values map[string]string, optOut bool) (AnswerOutcome, error) {
	sv, qn, err := d.loadSurvey(ctx, id)
	if err != nil {
		return 0, err
	}
	answers, rating, err := formAnswers(qn, values)
	if err != nil {
		return 0, err
	}
	now := d.now()
	in := AnswerInput{Answers: answers, Rating: &rating, Via: ViaPage, At: now, Complete: true}
	out, err := d.surveys.Store.AnswerSurvey(ctx, sv.ID, in)
	if err != nil {
		return 0, fmt.Errorf("record survey: %w", err)
	}
	if optOut {
		if err := d.surveys.Store.SetSurveyOptOut(ctx, sv.CustomerID, true, now); err != nil {
			d.log.Error("survey opt-out", slog.Int64("survey", sv.ID), slog.String("err", err.Error()))
		}
	}
	if out != AnswerCounted {
		return out, nil
	}
	if d.surveys.Chat != nil {
		if err := d.surveys.Chat.ClearPendingSurvey(ctx, sv.Channel, sv.OpenID, sv.ID); err != nil {
			d.log.Warn("survey: clear pending question", slog.Int64("survey", sv.ID), slog.String("err", err.Error()))
		}
	}
	for _, q := range qn.Questions {
		if v, ok := findAnswer(answers, q.ID); ok {
			d.afterAnswer(ctx, sv, q, v)
		}
	}
	d.log.Info("survey answered on the page", slog.Int64("survey", sv.ID))
	return out, nil
}

// formAnswers checks a form against its questionnaire.
func formAnswers(qn *Questionnaire, values map[string]string) ([]SurveyAnswer, int, error) {
	var answers []SurveyAnswer
	var missing []string
	rating := 0
	for _, q := range qn.Questions {
		raw := strings.TrimSpace(values[q.ID])
		if q.Kind == QuestionText {
			if raw != "" {
				answers = append(answers, SurveyAnswer{Question: q.ID, Value: truncate(raw, maxComment)})
			}
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > len(q.Choices()) {
			missing = append(missing, q.ID)
			continue
		}
		v := choiceValue(q, n)
		if q.ID == OverallQuestion {
			rating = n
		}
		answers = append(answers, SurveyAnswer{Question: q.ID, Value: v})
	}
	if len(missing) > 0 {
		return nil, 0, &FormError{Missing: missing}
	}
	return answers, rating, nil
}

func findAnswer(answers []SurveyAnswer, id string) (string, bool) {
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
