package sla

import (
	"testing"
	"time"
)

// Benchmarks of the hot paths: every ticket opened, every reminder and every
// breach check computes deadlines. Results and the command are in
// docs/BENCHMARKS.md.

var sinkTime time.Time

func BenchmarkAddBusiness4hOn5x9(b *testing.B) {
	c := preset(b, "5x9", shanghai)
	start := cst(b, "2026-03-06 17:30") // Friday evening: over the weekend
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = c.AddBusiness(start, 4*time.Hour)
	}
}

func BenchmarkAddWorkingDays5AcrossSpringFestival(b *testing.B) {
	c := preset(b, "5x9", shanghai)
	start := cst(b, "2026-02-12 10:00") // due 2026-02-26 18:00
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = c.AddWorkingDays(start, 5)
	}
}

func BenchmarkAddBusiness48hAcrossSpringFestival(b *testing.B) {
	c := preset(b, "5x9", shanghai)
	start := cst(b, "2026-02-12 10:00")
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = c.AddBusiness(start, 48*time.Hour)
	}
}

func BenchmarkAddBusiness24hOn7x24BerlinDST(b *testing.B) {
	c := preset(b, "7x24", berlin)
	start := at(b, berlin, "2026-03-28 12:00")
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = c.AddBusiness(start, 24*time.Hour)
	}
}

func BenchmarkBusinessBetweenMonthOn5x9(b *testing.B) {
	c := preset(b, "5x9", shanghai)
	from, to := cst(b, "2026-02-01 00:00"), cst(b, "2026-03-01 00:00")
	b.ReportAllocs()
	var sink time.Duration
	for b.Loop() {
		sink += c.BusinessBetween(from, to)
	}
	_ = sink
}

func BenchmarkClockDeadlinesSevere5x9(b *testing.B) {
	c, err := NewClock(builtin(b, "5x9", shanghai), 2, cst(b, "2026-02-13 17:00"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		d, _ := c.Deadlines(c.ReportedAt)
		sinkTime = d.Resolution
	}
}

// A severe call at 21:00 on a plan with channel targets and the
// out-of-hours rule: three rules weighed per goal.
func BenchmarkClockDeadlinesPhoneOutOfHours5x9(b *testing.B) {
	cal, err := PresetCalendar("5x9", shanghai)
	if err != nil {
		b.Fatal(err)
	}
	p, err := NewPlan(PlanSpec{Name: "seed001", Calendar: cal, Targets: DefaultTargets(),
		Channels:   map[string]ChannelTargets{"phone": {Response: Business(2 * time.Hour)}},
		OutOfHours: &OutOfHours{Severities: []int{1, 2}, Response: Wall(4 * time.Hour)}})
	if err != nil {
		b.Fatal(err)
	}
	c, err := NewClock(p, 2, cst(b, "2026-03-09 21:00"))
	if err != nil {
		b.Fatal(err)
	}
	c.Channel = "phone"
	b.ReportAllocs()
	for b.Loop() {
		d, _ := c.Deadlines(c.ReportedAt)
		sinkTime = d.Response
	}
}

// The same across the Spring Festival of 2028, a provisional year: its
// statutory days come from the provisional table, built on first use.
func BenchmarkAddWorkingDays5AcrossProvisionalSpringFestival(b *testing.B) {
	c := preset(b, "5x9", shanghai)
	start := cst(b, "2028-01-20 10:00")
	c.AddWorkingDays(start, 5) // the year's table is built once, outside the loop
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = c.AddWorkingDays(start, 5)
	}
}

func BenchmarkAddBusiness4hOn5x9Provisional(b *testing.B) {
	c := preset(b, "5x9", shanghai)
	start := cst(b, "2028-03-03 17:30") // Friday evening: over the weekend
	c.AddBusiness(start, 4*time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = c.AddBusiness(start, 4*time.Hour)
	}
}
