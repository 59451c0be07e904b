package policyfile_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/sla"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// parse reads a policy file's content and returns its policy.
func parse(t *testing.T, data []byte, base string) *policy.Policy {
	t.Helper()
	s, err := policyfile.Parse(data, base, shanghai, quiet())
	if err != nil {
		t.Fatal(err)
	}
	return s.Policy
}

func TestPolicyDefaults(t *testing.T) {
	p := parse(t, nil, "")
	for _, name := range []string{"7x24", "7x12", "5x9"} {
		if _, err := p.Plan(name); err != nil {
			t.Errorf("plan %s: %v", name, err)
		}
	}
	if _, err := p.Plan("gold"); err == nil || !strings.Contains(err.Error(), "5x9, 7x12, 7x24") {
		t.Errorf("unknown plan error = %v", err)
	}
}

// A unit is found by name as the database finds it: spaces, case and
// full-width letters aside.
func TestPolicyUnit(t *testing.T) {
	p := parse(t, []byte("units:\n  - name: ACME Ltd\n    plan: 7x24\n  - name: 市中心医院\n"), "")
	for name, plan := range map[string]string{"ａｃｍｅ ltd": "7x24", " 市中心 医院": "7x12", "nobody": ""} {
		u, ok := p.Unit(name)
		if ok != (plan != "") || u.Plan != plan {
			t.Errorf("Unit(%q) = %+v, %v; want plan %q", name, u, ok, plan)
		}
	}
}

func TestPolicyExampleFile(t *testing.T) {
	data, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	settings, err := policyfile.Parse(data, "../../config.example.yaml", shanghai, quiet())
	if err != nil {
		t.Fatal(err)
	}
	p := settings.Policy
	gold, err := p.Plan("gold")
	if err != nil {
		t.Fatal(err)
	}
	// A fatal fault on gold runs on 7×24: reported Saturday night, due one hour later.
	sat := time.Date(2026, 3, 7, 22, 0, 0, 0, shanghai)
	sev1, err := gold.Targets(1)
	if err != nil {
		t.Fatal(err)
	}
	if got := sev1.Calendar.AddBusiness(sat, time.Hour); !got.Equal(sat.Add(time.Hour)) {
		t.Errorf("fatal response due %v, want %v", got, sat.Add(time.Hour))
	}
	if len(p.Units) != 1 || p.Units[0].Plan != "gold" || p.Units[0].ServiceEnd.String() != "2026-12-31" {
		t.Errorf("units = %+v", p.Units)
	}
	if len(p.Staff) != 2 || p.Staff[0].Number != "007" || p.Staff[1].TelegramUserID != 100001 {
		t.Errorf("staff = %+v", p.Staff)
	}
	if settings.WeChatTemplates["ticket"].Fields["status"] != "phrase2" {
		t.Errorf("templates = %+v", settings.WeChatTemplates)
	}
	if p.Calendars["weekdays-long"] == nil {
		t.Error("custom calendar missing")
	}
	// gold answers calls within 2 business hours, and urgent requests at
	// night within 4 wall-clock hours.
	if phone, ok := gold.Channel("phone"); !ok || phone.Response.String() != "2h" {
		t.Errorf("gold's phone targets = %+v, %v", phone, ok)
	}
	if o, ok := gold.OutOfHoursFor(2, time.Date(2026, 3, 9, 21, 0, 0, 0, shanghai)); !ok || o.Response.String() != "wall 4h" {
		t.Errorf("gold's out-of-hours rule = %+v, %v", o, ok)
	}
}

func TestPolicyErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"unknown top key", "escalate: []", "field escalate is not a known key"},
		{"unknown unit key", "units:\n  - name: A\n    plna: 5x9", "field plna is not a known key"},
		{"unknown plan", "units:\n  - name: A\n    plan: gold", "units[0].plan: no plan \"gold\""},
		{"bad date", "units:\n  - name: A\n    service_end: 2026-13-01", "units[0].service_end"},
		{"bad target", "plans:\n  - name: p\n    calendar: 5x9\n    targets:\n      2: {response: 4x}", "plans[0].targets.2.response"},
		{"severity 6", "plans:\n  - name: p\n    calendar: 5x9\n    targets:\n      6: {response: 4h}", "plans[0].targets.6: severity must be 1 to 5"},
		{"unknown calendar", "plans:\n  - name: p\n    calendar: 6x6", "plans[0].calendar: no calendar \"6x6\""},
		{"bad role", "staff:\n  - {number: \"1\", name: A, roles: [boss]}", "staff[0].roles[0]: \"boss\" is not a role"},
		{"duplicate staff", "staff:\n  - {number: \"1\", name: A, roles: [lead]}\n  - {number: \"1\", name: B, roles: [lead]}", "staff[1].number"},
		{"bad hours", "calendars:\n  - name: c\n    hours: {mon: [\"18:00-08:00\"]}", "calendars[0].hours.mon"},
		{"bad day", "calendars:\n  - name: c\n    hours: {moon: [\"08:00-12:00\"]}", "hours.moon"},
		{"bad zone", "timezone: Mars/Base", "timezone: unknown zone"},
		{"missing off", "holidays:\n  days:\n    - {date: 2027-01-01}", "holidays.days[0].off: required"},
		{"wrong type", "units: 5", "wrong type"},
		{"unquoted staff number", "staff:\n  - {number: 007, name: A, roles: [lead]}", `line 2: staff[0].number: quote it, like number: "007"`},
		{"unquoted staff number in a block", "staff:\n  - name: A\n    number: 12\n    roles: [lead]", `line 3: staff[0].number: quote it`},
		{"syntax error", "units:\n  - name: A\n   plan: 5x9", "HOTLINE_CONFIG: line "},
		{"tab", "units:\n\t- name: A", "line 2"},
		{"unknown channel", "plans:\n  - name: p\n    calendar: 5x9\n    channels:\n      fax: {response: 2h}", `plans[0].channels.fax: "fax" is not a channel`},
		{"bad channel target", "plans:\n  - name: p\n    calendar: 5x9\n    channels:\n      phone: {response: 2x}", "plans[0].channels.phone.response"},
		{"empty channel", "plans:\n  - name: p\n    calendar: 5x9\n    channels:\n      phone: {}", "plans[0].channels.phone: give a response or a resolution target"},
		{"out of hours without severities", "plans:\n  - name: p\n    calendar: 5x9\n    out_of_hours: {response: wall 4h}", "plans[0].out_of_hours.severities"},
		{"out of hours severity 7", "plans:\n  - name: p\n    calendar: 5x9\n    out_of_hours: {severities: [7], response: wall 4h}", "plans[0].out_of_hours.severities[0]"},
		{"out of hours bad target", "plans:\n  - name: p\n    calendar: 5x9\n    out_of_hours: {severities: [1], response: soon}", "plans[0].out_of_hours.response"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := policyfile.Parse([]byte(c.yaml), "", shanghai, quiet())
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "HOTLINE_CONFIG: ") {
				t.Fatalf("error %q, want one line containing %q", msg, c.want)
			}
		})
	}
}

// Holiday files are read relative to the policy file, and their days count
// on the built-in 5x9 calendar.
func TestPolicyHolidayFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "holidays"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The statutory days of 2027 and a make-up Saturday: the smallest
	// complete year.
	var entries []string
	for _, d := range sla.StatutoryDays(2027) {
		entries = append(entries, fmt.Sprintf(`{"name":%q,"date":"%s","isOffDay":true}`, d.Name, d.Date))
	}
	data := `{"year":2027,"days":[` + strings.Join(entries, ",") + `,{"name":"春节","date":"2027-02-20","isOffDay":false}]}`
	if err := os.WriteFile(filepath.Join(dir, "holidays", "2027.json"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(path, []byte("holidays:\n  files: [holidays/2027.json]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := policyfile.Load(path, shanghai, quiet())
	if err != nil {
		t.Fatal(err)
	}
	cal := s.Policy.Calendars["5x9"]
	newYear, makeUp := sla.Date{Year: 2027, Month: 1, Day: 1}, sla.Date{Year: 2027, Month: 2, Day: 20} // a Friday, a Saturday
	if cal.IsWorkingDay(newYear) || !cal.IsWorkingDay(makeUp) || cal.Year(2027) != sla.Official {
		t.Fatalf("2027-01-01 working %v, 2027-02-20 working %v, 2027 %v", cal.IsWorkingDay(newYear), cal.IsWorkingDay(makeUp), cal.Year(2027))
	}
	// A file without every statutory holiday is part of a year, not one.
	part := `{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`
	if err := os.WriteFile(filepath.Join(dir, "holidays", "2027.json"), []byte(part), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := policyfile.Load(path, shanghai, quiet()); err == nil ||
		!strings.Contains(err.Error(), "HOTLINE_CONFIG: holidays.files[0]: 2027: 2027-02-05 (春节) is a statutory public holiday but not a day off here") {
		t.Fatalf("a partial holiday file: %v", err)
	}
	if err := os.WriteFile(path, []byte("holidays:\n  files: [holidays/2028.json]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := policyfile.Load(path, shanghai, quiet()); err == nil || !strings.Contains(err.Error(), "HOTLINE_CONFIG: holidays.files[0]: open "+dir+"/holidays/2028.json") {
		t.Fatalf("a missing holiday file: %v", err)
	}
}

// A year is official only from a complete source: a years entry that says
// so. Single days add to a year (here a day off) and leave it provisional.
func TestPolicyHolidayYears(t *testing.T) {
	p := parse(t, []byte(`
holidays:
  days:
    - {date: 2027-03-01, name: 公司假日, off: true}
  years:
    - year: 2028
      complete: true
      days:
        - {date: 2028-01-01, name: 元旦, off: true}
        - {date: 2028-01-25, name: 春节, off: true}
        - {date: 2028-01-26, name: 春节, off: true}
        - {date: 2028-01-27, name: 春节, off: true}
        - {date: 2028-01-28, name: 春节, off: true}
        - {date: 2028-01-29, name: 春节, off: false}
        - {date: 2028-04-04, name: 清明节, off: true}
        - {date: 2028-05-01, name: 劳动节, off: true}
        - {date: 2028-05-02, name: 劳动节, off: true}
        - {date: 2028-05-28, name: 端午节, off: true}
        - {date: 2028-10-01, name: 国庆节, off: true}
        - {date: 2028-10-02, name: 国庆节, off: true}
        - {date: 2028-10-03, name: 国庆节、中秋节, off: true}
`), "")
	cal := p.Calendars["5x9"]
	if cal.Year(2027) != sla.Statutory || cal.Year(2028) != sla.Official || p.OfficialThrough() != 2028 {
		t.Fatalf("2027 %v, 2028 %v, official through %d", cal.Year(2027), cal.Year(2028), p.OfficialThrough())
	}
	if cal.IsWorkingDay(sla.Date{Year: 2027, Month: time.March, Day: 1}) || cal.IsWorkingDay(sla.Date{Year: 2027, Month: time.January, Day: 1}) {
		t.Error("2027: the stray day off or 元旦 is a working day")
	}
	// 2028's listing is complete: the Monday before 除夕, which only a
	// notice could make a day off, works, and so does the listed Saturday.
	if !cal.IsWorkingDay(sla.Date{Year: 2028, Month: time.January, Day: 24}) || !cal.IsWorkingDay(sla.Date{Year: 2028, Month: time.January, Day: 29}) ||
		cal.IsWorkingDay(sla.Date{Year: 2028, Month: time.January, Day: 25}) {
		t.Error("2028: not counted as its complete listing says")
	}
	for yaml, want := range map[string]string{
		"holidays:\n  years:\n    - {year: 27}":                                                                    "holidays.years[0].year: 27",
		"holidays:\n  years:\n    - year: 2027\n      days: [{date: 2029-01-01, off: true}]":                       "holidays.years[0].days[0].date: 2029-01-01 is not in or next to 2027",
		"holidays:\n  years:\n    - year: 2027\n      complete: yes\n      days: [{date: 2027-01-01}]":             "holidays.years[0].days[0].off: required",
		"holidays:\n  years:\n    - year: 2028\n      complete: true\n      days: [{date: 2028-01-01, off: true}]": "holidays.years[0]: complete: 2028: 2028-01-25 (春节) is a statutory public holiday but not a day off here",
	} {
		if _, err := policyfile.Parse([]byte(yaml), "", shanghai, quiet()); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", yaml, err, want)
		}
	}
}

// The built-in 5x9 promises a minor fault's response within 48 business
// hours and its resolution within 5 working days: reported late in a day,
// the response would fall after the resolution. The start says so, naming
// the plan and severity, and the promise caps the response.
func TestPolicyWarnsOfCappedResponse(t *testing.T) {
	var logs bytes.Buffer
	if _, err := policyfile.Parse(nil, "", shanghai, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatal(err)
	}
	warned := strings.Count(logs.String(), "a response target can fall after the resolution target")
	if warned != 1 || !strings.Contains(logs.String(), "plan=5x9 severity=4 response=48h resolution=5d") {
		t.Fatalf("%d warnings:\n%s", warned, logs.String())
	}
}

// The fingerprint of the calendars is the same for the same data in any
// process (serve's replicas compare it through the database), and changes
// with the data.
func TestPolicyFingerprint(t *testing.T) {
	a, b := parse(t, nil, ""), parse(t, nil, "")
	if a.Fingerprint() != b.Fingerprint() || !strings.HasPrefix(a.Fingerprint(), "2025,2026 ") {
		t.Fatalf("fingerprints %q and %q", a.Fingerprint(), b.Fingerprint())
	}
	year := sla.StatutoryDays(2027)
	if err := a.AddOfficialYear(2027, year); err != nil {
		t.Fatal(err)
	}
	if a.Fingerprint() == b.Fingerprint() || !strings.HasPrefix(a.Fingerprint(), "2025,2026,2027 ") {
		t.Fatalf("after a year: %q (before %q)", a.Fingerprint(), b.Fingerprint())
	}
	if err := b.AddOfficialYear(2027, year); err != nil {
		t.Fatal(err)
	}
	if a.Fingerprint() != b.Fingerprint() {
		t.Fatalf("the same year added: %q and %q", a.Fingerprint(), b.Fingerprint())
	}
}
