package reportpage

import (
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot/report"
)

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "不足1分钟"},
		{20 * time.Second, "不足1分钟"},
		{45 * time.Minute, "45分钟"},
		{150 * time.Minute, "2小时30分"},
		{3 * time.Hour, "3小时"},
		{23*time.Hour + 59*time.Minute + 40*time.Second, "1天"},
		{27*time.Hour + 10*time.Minute, "1天3小时"},
		{48 * time.Hour, "2天"},
	} {
		if got := duration(c.d); got != c.want {
			t.Errorf("duration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{0, "0%"}, {1, "100%"}, {0.925, "92.5%"}, {2.0 / 3, "66.7%"}, {0.9, "90%"}} {
		if got := percent(c.v); got != c.want {
			t.Errorf("percent(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	if percentOf(nil) != "—" || onTimeRate(report.OnTime{Pending: 3}) != "—" || share(1, 0) != "—" {
		t.Error("a percentage of nothing is not a dash")
	}
}

func TestCountScale(t *testing.T) {
	for _, c := range []struct{ top, max, step float64 }{
		{0, 1, 1}, {1, 1, 1}, {4, 4, 1}, {5, 5, 1}, {6, 6, 2}, {9, 10, 2}, {23, 25, 5}, {30, 30, 10}, {51, 60, 20}, {480, 500, 100},
	} {
		s := countScale(c.top)
		if s.max != c.max || s.step != c.step {
			t.Errorf("countScale(%v) = %v by %v, want %v by %v", c.top, s.max, s.step, c.max, c.step)
		}
	}
}
