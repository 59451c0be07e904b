package policyfile_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/bot"
)

// A plan's on_site target and a unit's maintenance list are read; a bad
// entry stops the start with one line naming the field.
func TestVisitsAndMaintenance(t *testing.T) {
	good := `
plans:
  - name: gold
    calendar: 7x24
    on_site: 24h
units:
  - name: 甲单位
    plan: gold
    maintenance:
      - {kind: 巡检, every: month, on_site: true}
      - {kind: 电话回访, every: quarter}
`
	s, err := policyfile.Parse([]byte(good), "policy.yaml", shanghai, quiet())
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := s.Policy.Plan("gold")
	from := time.Date(2026, 12, 8, 10, 0, 0, 0, shanghai)
	if due, ok := plan.VisitDue(3, from); !ok || !due.Equal(from.Add(24*time.Hour)) {
		t.Fatalf("visit due %v, %v", due, ok)
	}
	want := []bot.Obligation{{Kind: "巡检", Every: "month", OnSite: true}, {Kind: "电话回访", Every: "quarter"}}
	if got := s.Policy.Units[0].Maintenance; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("maintenance %+v", got)
	}
	for _, c := range []struct{ yaml, want string }{
		{"plans: [{name: gold, calendar: 7x24, on_site: -24h}]", "plans[0].on_site"},
		{"plans: [{name: gold, calendar: 7x24, on_site: soon}]", "plans[0].on_site"},
		{"units: [{name: 甲, maintenance: [{kind: 打扫, every: month}]}]", `units[0].maintenance[0].kind: "打扫" is not a kind of maintenance`},
		{"units: [{name: 甲, maintenance: [{kind: 巡检, every: fortnight}]}]", `units[0].maintenance[0].every: "fortnight": want month, quarter or year`},
		{"units: [{name: 甲, maintenance: [{every: month}]}]", "units[0].maintenance[0].kind: required"},
		{"units: [{name: 甲, maintenance: [{kind: 巡检, every: month}, {kind: 巡检, every: year}]}]", "units[0].maintenance[1].kind: 巡检 is listed twice"},
	} {
		_, err := policyfile.Parse([]byte(c.yaml), "policy.yaml", shanghai, quiet())
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line with %q", c.yaml, err, c.want)
		}
	}
}
