package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

func TestSurveyPolicyDefaults(t *testing.T) {
	p, err := bot.ParsePolicy(nil, "", shanghai, quiet())
	if err != nil {
		t.Fatal(err)
	}
	s := p.Surveys
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
	p, err := bot.ParsePolicy([]byte(`
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
`), "", shanghai, quiet())
	if err != nil {
		t.Fatal(err)
	}
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
		_, err := bot.ParsePolicy([]byte(c.yaml), "", shanghai, quiet())
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: got %v, want one line with %q", c.yaml, err, c.want)
		}
	}
}

func TestRoundSpecParsing(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, shanghai)
	for in, want := range map[string][2]string{
		"2026-11":                 {"2026-11-01", "2026-12-01"},
		"2026-11-01~2026-11-15":   {"2026-11-01", "2026-11-16"},
		"2026-11-01 至 2026-11-30": {"2026-11-01", "2026-12-01"},
		"上月":                      {"2026-11-01", "2026-12-01"},
		"本月":                      {"2026-12-01", "2027-01-01"},
	} {
		from, to, err := bot.ParsePeriod(in, now, shanghai)
		if err != nil || from.Format(time.DateOnly) != want[0] || to.Format(time.DateOnly) != want[1] {
			t.Errorf("%q: %v – %v, %v; want %v", in, from, to, err, want)
		}
	}
	for _, bad := range []string{"November", "2026-11-30~2026-11-01", ""} {
		if _, _, err := bot.ParsePeriod(bad, now, shanghai); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	for in, want := range map[string]float64{"30%": 0.3, "0.5": 0.5, "全部": 1, "all": 1} {
		if got, err := bot.ParseSampleRate(in); err != nil || got != want {
			t.Errorf("sample %q: %v %v", in, got, err)
		}
	}
	if _, err := bot.ParseSampleRate("0%"); err == nil {
		t.Error("a 0% sample was accepted")
	}
	var spec bot.RoundSpec
	if err := bot.ParseRoundFilters("单位=市中心医院 工程师=007 级别=2,1", &spec); err != nil || spec.Unit != "市中心医院" || spec.Engineer != "007" || len(spec.Severities) != 2 || spec.Severities[0] != 1 {
		t.Fatalf("filters %+v, %v", spec, err)
	}
	if err := bot.ParseRoundFilters("部门=IT", &spec); err == nil {
		t.Fatal("an unknown filter was accepted")
	}
}

// The staff statistics table's ratings and the one-line summary.
func TestStaffRatingsAndSatisfaction(t *testing.T) {
	r := bot.StaffRatingPolicy{Good: 0.95, Fair: 0.85, MinAnswers: 5}
	cases := []struct {
		ratings [4]int
		want    string
	}{
		{[4]int{19, 1, 0, 0}, "好"},  // 100%
		{[4]int{15, 4, 1, 0}, "好"},  // 95%
		{[4]int{10, 7, 2, 1}, "较好"}, // 85%
		{[4]int{10, 6, 3, 1}, "一般"}, // 80%
		{[4]int{2, 1, 0, 1}, "—"},   // 4 answers: too few
	}
	for _, c := range cases {
		if got := r.Rate(bot.Tally{Delivered: 30, Ratings: c.ratings}); got != c.want {
			t.Errorf("%v: %s, want %s", c.ratings, got, c.want)
		}
	}
	if got := bot.SatisfactionLine(bot.Tally{Delivered: 40, Ratings: [4]int{8, 3, 1, 0}}); got != "满意率 91.7%（11/12），参与率 30%" {
		t.Errorf("line %q", got)
	}
	if got := bot.SatisfactionLine(bot.Tally{Delivered: 3}); got != "满意率 —（无答卷），参与率 0%" {
		t.Errorf("no answers: %q", got)
	}
}
