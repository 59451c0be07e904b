package policyfile_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/policyfile"
)

func TestSurveyPolicyDefaults(t *testing.T) {
	s := parse(t, nil, "").Surveys
	if s.Target != 0.9 || s.Expiry != 7*24*time.Hour || s.Reminder != 24*time.Hour || s.MonthlyCap != 1 || s.AfterTicket != "ticket" {
		t.Fatalf("defaults %+v", s)
	}
	if r := s.StaffRating; r.Good != 0.95 || r.Fair != 0.85 || r.MinAnswers != 5 {
		t.Fatalf("staff rating %+v", r)
	}
	revisit, err := s.Questionnaire("revisit")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, q := range revisit.Questions {
		kinds = append(kinds, q.Kind)
	}
	if strings.Join(kinds, ",") != "rating,choice,rating,yesno,text" {
		t.Fatalf("the revisit questionnaire asks %v", kinds)
	}
}

func TestSurveyPolicyFile(t *testing.T) {
	p := parse(t, []byte(`
surveys:
  target: 0.92
  expiry: 3d
  reminder: none
  send_rate: 5
  monthly_cap: 2
  after_ticket: short
  staff_rating: {good: 98%, fair: 90%, min_answers: 3}
  questionnaires:
    - name: short
      questions:
        - {id: overall, kind: rating, text: 满意吗？}
`), "")
	s := p.Surveys
	if s.Target != 0.92 || s.Expiry != 72*time.Hour || s.Reminder != 0 || s.SendRate != 5 || s.MonthlyCap != 2 || s.AfterTicket != "short" {
		t.Fatalf("surveys %+v", s)
	}
	if q, _ := s.Questionnaire("short"); q.Title != "服务满意度调查" || len(s.Questionnaires) != 3 {
		t.Fatalf("questionnaires %v", s.QuestionnaireNames())
	}
}

func TestSurveyPolicyErrorsAreOneLine(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"surveys:\n  colour: red\n", "field colour is not a known key"},
		{"surveys:\n  target: 190%\n", "surveys.target: \"190%\"; want a share like 90% or 0.9"},
		{"surveys:\n  expiry: soon\n", "surveys.expiry: \"soon\"; want a duration like 7d, 24h or 90m"},
		{"surveys:\n  expiry: 1d\n  reminder: 2d\n", "surveys.reminder: 2d is not before the expiry (1d)"},
		{"surveys:\n  send_rate: 0\n", "surveys.send_rate: 0 is not between 0 and 1000"},
		{"surveys:\n  monthly_cap: 0\n", "surveys.monthly_cap: 0"},
		{"surveys:\n  after_ticket: nope\n", "surveys.after_ticket: no questionnaire \"nope\" (have revisit, ticket)"},
		{"surveys:\n  staff_rating: {good: 80%, fair: 90%}\n", "surveys.staff_rating.fair: above good"},
		{"surveys:\n  questionnaires:\n    - name: q\n      questions:\n        - {id: speed, kind: choice, text: 快吗, options: [快, 慢]}\n",
			"surveys.questionnaires[0].questions: the first question must be {id: overall, kind: rating}"},
		{"surveys:\n  questionnaires:\n    - name: q\n      questions:\n        - {id: overall, kind: rating, text: 满意吗}\n        - {id: speed, kind: choice, text: 快吗, options: [快]}\n",
			"surveys.questionnaires[0].questions[1].options: 2 to 6 options for kind choice"},
		{"surveys:\n  questionnaires:\n    - name: q\n      questions:\n        - {id: overall, kind: rating, text: 满意吗}\n        - {id: overall, kind: text, text: 还有吗}\n",
			"surveys.questionnaires[0].questions[1].id: \"overall\" is used twice"},
		{"surveys:\n  questionnaires:\n    - name: q\n      questions:\n        - {id: overall, kind: stars, text: 满意吗}\n",
			"surveys.questionnaires[0].questions[0].kind: \"stars\" is not rating, choice, yesno or text"},
		{"surveys:\n  questionnaires:\n    - name: q\n      questions:\n        - {id: overall, kind: rating}\n",
			"surveys.questionnaires[0].questions[0].text: required"},
	}
	for _, c := range cases {
		_, err := policyfile.Parse([]byte(c.yaml), "", shanghai, quiet())
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: got %v, want one line with %q", c.yaml, err, c.want)
		}
	}
}
