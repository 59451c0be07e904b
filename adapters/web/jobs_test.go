package web

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The satisfaction gauges ask at most every five minutes, read NaN when
// the computation fails, and try again at the next scrape.
func TestSatisfactionGauges(t *testing.T) {
	reg := prometheus.NewRegistry()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	calls, fail := 0, true
	RegisterSatisfaction(reg, 0.9, func() time.Time { return now }, func() (float64, float64, error) {
		calls++
		if fail {
			return 0, 0, errors.New("database down")
		}
		return 0.85, 20, nil
	})
	gauge := func(name string) float64 {
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == name {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatalf("no %s", name)
		return 0
	}
	if v := gauge("hotline_survey_satisfaction"); !math.IsNaN(v) {
		t.Errorf("on a failure: %v, want NaN", v)
	}
	fail = false
	if v := gauge("hotline_survey_satisfaction"); v != 0.85 || gauge("hotline_survey_answered") != 20 || gauge("hotline_survey_satisfaction_target") != 0.9 {
		t.Errorf("satisfaction %v", v)
	}
	before := calls
	now = now.Add(4 * time.Minute)
	gauge("hotline_survey_satisfaction")
	if calls != before {
		t.Errorf("computed again within five minutes")
	}
	now = now.Add(2 * time.Minute)
	gauge("hotline_survey_satisfaction")
	if calls != before+1 {
		t.Errorf("not computed again after five minutes")
	}
}
