package sla

import (
	"testing"
	"time"
)

func TestCommitment(t *testing.T) {
	// The example of the issue: response 1h and resolution 3 working days,
	// reported on the last Saturday of the Spring Festival break.
	exampleTargets := DefaultTargets()
	exampleTargets[1] = SeverityTargets{Response: Business(time.Hour), Resolution: WorkingDays(3)}
	example, err := NewPlan(PlanSpec{Name: "5x9", Calendar: preset(t, "5x9", shanghai), Targets: exampleTargets})
	if err != nil {
		t.Fatal(err)
	}
	fatal724 := DefaultTargets()
	fatal724[0].Calendar = preset(t, "7x24", shanghai)
	mixed, err := NewPlan(PlanSpec{Name: "gold", Calendar: preset(t, "5x9", shanghai), Targets: fatal724})
	if err != nil {
		t.Fatal(err)
	}
	onlyResolution := DefaultTargets()
	onlyResolution[2].Response = Target{}
	onlyResolution[3] = SeverityTargets{}
	partial, err := NewPlan(PlanSpec{Name: "partial", Calendar: preset(t, "7x12", shanghai), Targets: onlyResolution})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		plan     *Plan
		sev      int
		reported string
		want     string
	}{
		// Saturday in the Spring Festival: the clock starts at Tuesday's
		// opening, and Tuesday does not count.
		{"issue example", example, 2, "2026-02-21 10:00",
			"我们将在 2月24日（周二）09:00 前响应，2月27日（周五）18:00 前解决（按 5×9 服务时间计算，节假日顺延）"},
		{"5x9 severe into make-up Saturday", builtin(t, "5x9", shanghai), 2, "2026-02-13 17:00",
			"我们将在 2月14日（周六）11:00 前响应，2月24日（周二）18:00 前解决（按 5×9 服务时间计算，节假日顺延）"},
		{"7x24 midnight reads 00:00 of its day", builtin(t, "7x24", shanghai), 2, "2026-03-10 20:00",
			"我们将在 3月11日（周三）00:00 前响应，3月13日（周五）00:00 前解决（按 7×24 服务时间计算）"},
		{"7x12", builtin(t, "7x12", shanghai), 1, "2026-03-10 22:00",
			"我们将在 3月11日（周三）09:00 前响应，3月12日（周四）20:00 前解决（按 7×12 服务时间计算）"},
		{"suggestion", builtin(t, "5x9", shanghai), 5, "2026-03-06 17:30",
			"我们将在 3月11日（周三）18:00 前答复（功能建议将纳入后续版本评估）"},
		// 2027's notice is not out: 元旦 (Friday 1 January) is off by statute.
		{"into the next year", builtin(t, "5x9", shanghai), 3, "2026-12-30 10:00",
			"我们将在 2027年1月4日（周一）17:00 前响应，2027年1月5日（周二）18:00 前解决（按 5×9 服务时间计算，节假日顺延）"},
		{"fatal on 7x24 names that calendar", mixed, 1, "2026-03-06 17:30",
			"我们将在 3月6日（周五）18:30 前响应，3月7日（周六）17:30 前解决（按 7×24 服务时间计算）"},
		{"no response target", partial, 3, "2026-03-10 10:00",
			"我们将尽快响应，并在 3月13日（周五）20:00 前解决（按 7×12 服务时间计算）"},
		{"no target at all", partial, 4, "2026-03-10 10:00", "我们已收到您的反馈，将尽快处理"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustClock(t, tt.plan, tt.sev, cst(t, tt.reported))
			got, err := c.Commitment(c.ReportedAt)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Commitment =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestCalendarTitle(t *testing.T) {
	for in, want := range map[string]string{"5x9": "5×9", "7x24": "7×24", "gold-hours": "gold-hours", "x9": "x9", "box": "box"} {
		if got := calendarTitle(in); got != want {
			t.Errorf("calendarTitle(%q) = %q, want %q", in, got, want)
		}
	}
}
