package staffdialog_test

import (
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot/staffdialog"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func TestRoundSpecParsing(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, shanghai)
	for in, want := range map[string][2]string{
		"2026-11":                 {"2026-11-01", "2026-12-01"},
		"2026-11-01~2026-11-15":   {"2026-11-01", "2026-11-16"},
		"2026-11-01 至 2026-11-30": {"2026-11-01", "2026-12-01"},
		"上月":                      {"2026-11-01", "2026-12-01"},
		"本月":                      {"2026-12-01", "2027-01-01"},
	} {
		from, to, err := staffdialog.ParsePeriod(in, now, shanghai)
		if err != nil || from.Format(time.DateOnly) != want[0] || to.Format(time.DateOnly) != want[1] {
			t.Errorf("%q: %v – %v, %v; want %v", in, from, to, err, want)
		}
	}
	for _, bad := range []string{"November", "2026-11-30~2026-11-01", ""} {
		if _, _, err := staffdialog.ParsePeriod(bad, now, shanghai); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	for in, want := range map[string]float64{"30%": 0.3, "0.5": 0.5, "全部": 1, "all": 1} {
		if got, err := staffdialog.ParseSampleRate(in); err != nil || got != want {
			t.Errorf("sample %q: %v %v", in, got, err)
		}
	}
	if _, err := staffdialog.ParseSampleRate("0%"); err == nil {
		t.Error("a 0% sample was accepted")
	}
	spec, err := staffdialog.ParseFilters("单位=市中心医院 工程师=007 级别=2,1")
	if err != nil || spec.Unit != "市中心医院" || spec.Engineer != "007" || len(spec.Severities) != 2 || spec.Severities[0] != 1 {
		t.Fatalf("filters %+v, %v", spec, err)
	}
	if _, err := staffdialog.ParseFilters("部门=IT"); err == nil {
		t.Fatal("an unknown filter was accepted")
	}
}
