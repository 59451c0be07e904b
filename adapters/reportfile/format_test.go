package reportfile

import (
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot/report"
)

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		in   time.Duration
		want string
	}{
		{0, "0分"},
		{400 * time.Millisecond, "0分"},
		{45 * time.Second, "45秒"},
		{59*time.Second + 600*time.Millisecond, "1分"},
		{30 * time.Minute, "30分"},
		{2*time.Hour + 30*time.Minute, "2小时30分"},
		{2*time.Hour + 29*time.Minute + 31*time.Second, "2小时30分"},
		{5 * time.Hour, "5小时"},
		{49*time.Hour + 5*time.Minute, "49小时5分"},
		{-90 * time.Minute, "-1小时30分"},
	} {
		if got := duration(c.in); got != c.want {
			t.Errorf("duration(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestShares(t *testing.T) {
	if got := shareOf(5, 6); got != share(0.8333) {
		t.Errorf("shareOf(5, 6) = %v, want 0.8333", got)
	}
	if got := shareOf(1, 0); got != nil {
		t.Errorf("shareOf(1, 0) = %v, want nil", got)
	}
	if got := rate(report.OnTime{Met: 2, Missed: 1, Pending: 4}); got != share(0.6667) {
		t.Errorf("rate = %v, want 0.6667", got)
	}
	if got := rate(report.OnTime{Pending: 4}); got != nil {
		t.Errorf("rate with nothing decided = %v, want nil", got)
	}
	if got := sharePtr(nil); got != nil {
		t.Errorf("sharePtr(nil) = %v, want nil", got)
	}
}

func TestSeverityName(t *testing.T) {
	labels := severityLabels([]report.SeverityOnTime{{Severity: 1, Label: "致命"}, {Severity: 2}})
	for sev, want := range map[int]string{1: "致命", 2: "2级", 9: "9级"} {
		if got := severityName(labels, sev); got != want {
			t.Errorf("severityName(%d) = %q, want %q", sev, got, want)
		}
	}
}
