package survey_test

import (
	"testing"

	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/survey"
)

// The staff statistics table's ratings and the one-line summary.
func TestStaffRatingsAndSatisfaction(t *testing.T) {
	r := policy.StaffRatingPolicy{Good: 0.95, Fair: 0.85, MinAnswers: 5}
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
		if got := survey.Rate(r, survey.Tally{Delivered: 30, Ratings: c.ratings}); got != c.want {
			t.Errorf("%v: %s, want %s", c.ratings, got, c.want)
		}
	}
	if got := survey.SatisfactionLine(survey.Tally{Delivered: 40, Ratings: [4]int{8, 3, 1, 0}}); got != "满意率 91.7%（11/12），参与率 30%" {
		t.Errorf("line %q", got)
	}
	if got := survey.SatisfactionLine(survey.Tally{Delivered: 3}); got != "满意率 —（无答卷），参与率 0%" {
		t.Errorf("no answers: %q", got)
	}
}
