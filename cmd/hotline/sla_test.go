package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai on any machine

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/bot/sla"
)

// slaTestLookup finds the built-in plans in China Standard Time.
func slaTestLookup(t *testing.T) func(string) (*sla.Plan, error) {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return func(name string) (*sla.Plan, error) { return sla.BuiltinPlan(name, loc) }
}

// slaTestNow is Tuesday 2026-03-10 14:00 in China.
var slaTestNow = time.Date(2026, 3, 10, 6, 0, 0, 0, time.UTC)

func runSLAForTest(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := runSLA(args, &out, slaTestLookup(t), slaTestNow)
	return out.String(), err
}

func TestSLAText(t *testing.T) {
	out, err := runSLAForTest(t, "--plan", "5x9", "--severity", "2", "--at", "2026-02-13T17:00:00+08:00")
	if err != nil {
		t.Fatal(err)
	}
	want := `plan        5x9
severity    2
channel     wechat
reported    2026-02-13T17:00:00+08:00
response    2026-02-14T11:00:00+08:00  (4h, severity)
resolution  2026-02-24T18:00:00+08:00  (2d, severity)
reminders
  response     50%  2026-02-14T09:00:00+08:00
  response     80%  2026-02-14T10:12:00+08:00
  resolution   50%  2026-02-14T17:30:00+08:00
  resolution   80%  2026-02-24T14:12:00+08:00
commitment  我们将在 2月14日（周六）11:00 前响应，2月24日（周二）18:00 前解决（按 5×9 服务时间计算，节假日顺延）
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestSLAJSON(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want map[string]any
	}{
		{"default plan at now", []string{"--severity", "2", "--json"}, map[string]any{
			"plan": "7x12", "severity": 2.0, "channel": "wechat", "reported_at": "2026-03-10T14:00:00+08:00",
			"response_rule": "severity", "resolution_rule": "severity",
			"response_due": "2026-03-10T18:00:00+08:00", "resolution_due": "2026-03-12T20:00:00+08:00",
			"reminders": []any{
				map[string]any{"window": "response", "fraction": 0.5, "at": "2026-03-10T16:00:00+08:00"},
				map[string]any{"window": "response", "fraction": 0.8, "at": "2026-03-10T17:12:00+08:00"},
				map[string]any{"window": "resolution", "fraction": 0.5, "at": "2026-03-11T17:00:00+08:00"},
				map[string]any{"window": "resolution", "fraction": 0.8, "at": "2026-03-12T14:00:00+08:00"},
			},
			"commitment":  "我们将在 3月10日（周二）18:00 前响应，3月12日（周四）20:00 前解决（按 7×12 服务时间计算）",
			"provisional": false, "provisional_years": []any{},
		}},
		{"suggestion has no resolution", []string{"--plan", "7x24", "--severity=5", "--at", "2026-03-10T06:00:00Z", "--json"}, map[string]any{
			"plan": "7x24", "severity": 5.0, "channel": "wechat", "reported_at": "2026-03-10T14:00:00+08:00",
			"response_rule": "severity", "resolution_rule": "",
			"response_due": "2026-03-14T00:00:00+08:00", "resolution_due": nil,
			"reminders": []any{
				map[string]any{"window": "response", "fraction": 0.5, "at": "2026-03-12T07:00:00+08:00"},
				map[string]any{"window": "response", "fraction": 0.8, "at": "2026-03-13T07:36:00+08:00"},
			},
			"commitment":  "我们将在 3月14日（周六）00:00 前答复（功能建议将纳入后续版本评估）",
			"provisional": false, "provisional_years": []any{},
		}},
		// 2027's notice is not out yet: 元旦 is off by statute, and the
		// answer says the year is provisional.
		{"into a year without its notice", []string{"--plan", "5x9", "--severity", "2", "--at", "2026-12-31T17:00:00+08:00", "--json"}, map[string]any{
			"plan": "5x9", "severity": 2.0, "channel": "wechat", "reported_at": "2026-12-31T17:00:00+08:00",
			"response_rule": "severity", "resolution_rule": "severity",
			"response_due": "2027-01-04T11:00:00+08:00", "resolution_due": "2027-01-05T18:00:00+08:00",
			"reminders": []any{
				map[string]any{"window": "response", "fraction": 0.5, "at": "2027-01-04T09:00:00+08:00"},
				map[string]any{"window": "response", "fraction": 0.8, "at": "2027-01-04T10:12:00+08:00"},
				map[string]any{"window": "resolution", "fraction": 0.5, "at": "2027-01-04T17:30:00+08:00"},
				map[string]any{"window": "resolution", "fraction": 0.8, "at": "2027-01-05T14:12:00+08:00"},
			},
			"commitment":  "我们将在 2027年1月4日（周一）11:00 前响应，2027年1月5日（周二）18:00 前解决（按 5×9 服务时间计算，节假日顺延）",
			"provisional": true, "provisional_years": []any{2027.0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runSLAForTest(t, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("not one JSON object: %v\n%s", err, out)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("JSON (-want +got):\n%s", diff)
			}
		})
	}
}

// --channel counts the channel's commitments: a call on seed 001's plan
// is answered within 2 business hours, an urgent one at night within 4
// wall-clock hours, and each deadline names its rule.
func TestSLAChannel(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := sla.PresetCalendar("5x9", loc)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := sla.NewPlan(sla.PlanSpec{Name: "hotline", Calendar: cal, Targets: sla.DefaultTargets(),
		Channels:   map[string]sla.ChannelTargets{"phone": {Response: sla.Business(2 * time.Hour)}},
		OutOfHours: &sla.OutOfHours{Severities: []int{1, 2}, Response: sla.Wall(4 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(string) (*sla.Plan, error) { return plan, nil }
	for _, c := range []struct{ at, sev, due, text string }{
		{"2026-12-07T14:05:00+08:00", "3", "2026-12-07T16:05:00+08:00", "response    2026-12-07T16:05:00+08:00  (2h, channel)"},
		{"2026-12-07T21:00:00+08:00", "2", "2026-12-08T01:00:00+08:00", "response    2026-12-08T01:00:00+08:00  (wall 4h, out of hours)"},
	} {
		var out bytes.Buffer
		if err := runSLA([]string{"--channel", "phone", "--severity", c.sev, "--at", c.at}, &out, lookup, slaTestNow); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), c.text) {
			t.Errorf("at %s:\n%s\nwant the line %q", c.at, out.String(), c.text)
		}
	}
	var out bytes.Buffer
	if err := runSLA([]string{"--channel", "fax", "--severity", "2"}, &out, lookup, slaTestNow); err == nil || !strings.Contains(err.Error(), "--channel") {
		t.Errorf("--channel fax: %v", err)
	}
}

// A time without an offset is read in the plan's zone (the configured one).
func TestSLATimeInZone(t *testing.T) {
	out, err := runSLAForTest(t, "--plan", "5x9", "--severity", "2", "--at", "2026-02-13 17:00")
	if err != nil || !strings.Contains(out, "reported    2026-02-13T17:00:00+08:00") {
		t.Fatalf("%v\n%s", err, out)
	}
}

func TestSLABadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown plan", []string{"--plan", "gold", "--severity", "1"}, `--plan "gold": plan "gold": calendar "gold": no such built-in calendar`},
		{"no severity", []string{"--plan", "5x9"}, "--severity: required, 1 to 5"},
		{"severity 0", []string{"--severity", "0"}, "--severity: required, 1 to 5"},
		{"severity 6", []string{"--severity", "6"}, "--severity 6: want 1 to 5"},
		{"severity not a number", []string{"--severity", "high"}, `invalid value "high" for flag -severity`},
		{"unparsable time", []string{"--severity", "1", "--at", "13/02/2026 17:00"}, `--at "13/02/2026 17:00": want a time like 2026-12-07 14:05`},
		{"impossible date", []string{"--severity", "1", "--at", "2026-02-30 10:00"}, `--at "2026-02-30 10:00": no such date or time (day out of range)`},
		{"unknown flag", []string{"--colour"}, "flag provided but not defined: -colour"},
		{"extra argument", []string{"--severity", "1", "now"}, `unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runSLAForTest(t, tt.args...)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one starting %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			if out != "" {
				t.Errorf("printed %q on error", out)
			}
		})
	}
}

func TestSLAHelp(t *testing.T) {
	for _, arg := range []string{"-h", "--help"} {
		t.Run(arg, func(t *testing.T) {
			out, err := runSLAForTest(t, arg)
			if !errors.Is(err, flag.ErrHelp) {
				t.Errorf("error = %v, want flag.ErrHelp", err)
			}
			for _, want := range []string{"Usage: hotline sla --severity N", "-plan", "-severity", "-at", "-json", "功能建议"} {
				if !strings.Contains(out, want) {
					t.Errorf("usage lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
