package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/bot/ticket"
	"github.com/hotline-desk/hotline/cmd/internal/calendarview"
	"github.com/hotline-desk/hotline/cmd/internal/yearsync"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

// A 2027 schedule as the State Council might publish it: every statutory
// holiday off, 元旦 bridged to Monday 4 January and Saturday 9 January
// worked, and the other holidays as such notices usually run.
const holidays2027 = `{"year":2027,"days":[
{"name":"元旦","date":"2027-01-01","isOffDay":true},
{"name":"元旦","date":"2027-01-02","isOffDay":true},
{"name":"元旦","date":"2027-01-03","isOffDay":true},
{"name":"元旦","date":"2027-01-04","isOffDay":true},
{"name":"元旦","date":"2027-01-09","isOffDay":false},
{"name":"春节","date":"2027-02-05","isOffDay":true},
{"name":"春节","date":"2027-02-06","isOffDay":true},
{"name":"春节","date":"2027-02-07","isOffDay":true},
{"name":"春节","date":"2027-02-08","isOffDay":true},
{"name":"春节","date":"2027-02-09","isOffDay":true},
{"name":"春节","date":"2027-02-10","isOffDay":true},
{"name":"春节","date":"2027-02-11","isOffDay":true},
{"name":"春节","date":"2027-02-20","isOffDay":false},
{"name":"清明节","date":"2027-04-03","isOffDay":true},
{"name":"清明节","date":"2027-04-04","isOffDay":true},
{"name":"清明节","date":"2027-04-05","isOffDay":true},
{"name":"劳动节","date":"2027-04-25","isOffDay":false},
{"name":"劳动节","date":"2027-05-01","isOffDay":true},
{"name":"劳动节","date":"2027-05-02","isOffDay":true},
{"name":"劳动节","date":"2027-05-03","isOffDay":true},
{"name":"劳动节","date":"2027-05-04","isOffDay":true},
{"name":"劳动节","date":"2027-05-05","isOffDay":true},
{"name":"劳动节","date":"2027-05-08","isOffDay":false},
{"name":"端午节","date":"2027-06-09","isOffDay":true},
{"name":"中秋节","date":"2027-09-15","isOffDay":true},
{"name":"国庆节","date":"2027-09-26","isOffDay":false},
{"name":"国庆节","date":"2027-10-01","isOffDay":true},
{"name":"国庆节","date":"2027-10-02","isOffDay":true},
{"name":"国庆节","date":"2027-10-03","isOffDay":true},
{"name":"国庆节","date":"2027-10-04","isOffDay":true},
{"name":"国庆节","date":"2027-10-05","isOffDay":true},
{"name":"国庆节","date":"2027-10-06","isOffDay":true},
{"name":"国庆节","date":"2027-10-07","isOffDay":true},
{"name":"国庆节","date":"2027-10-09","isOffDay":false}]}`

func TestCalendarShowAndImport(t *testing.T) {
	env := map[string]string{"HOTLINE_DATA_DIR": t.TempDir(), "HOTLINE_LOG_LEVEL": "error"}
	ctx := context.Background()
	run := func(args ...string) (int, string, string) { return runWith(ctx, env, args...) }
	show := func() calendarview.Year {
		t.Helper()
		code, out, errOut := run("calendar", "show", "2027", "--json")
		var v calendarview.Year
		if code != 0 || json.Unmarshal([]byte(out), &v) != nil {
			t.Fatalf("show: %d %q %q", code, out, errOut)
		}
		return v
	}
	// Reading creates nothing: no database before the first import.
	v := show()
	if v.Source != "statutory" || len(v.Months) != 12 || v.Months[0].Days[0] != (calendarview.Day{Date: "2027-01-01", Weekday: "周五", Name: "元旦", Source: "statutory"}) {
		t.Fatalf("before the import: %+v", v)
	}
	if _, err := os.Stat(filepath.Join(env["HOTLINE_DATA_DIR"], "hotline.db")); !os.IsNotExist(err) {
		t.Fatalf("calendar show created the database: %v", err)
	}
	// Monday 10-04 is off in the file, not by statute.
	slaAnswer := func() map[string]any {
		t.Helper()
		code, out, errOut := run("sla", "--plan", "5x9", "--severity", "2", "--at", "2027-10-04T08:00:00+08:00", "--json")
		var got map[string]any
		if code != 0 || json.Unmarshal([]byte(out), &got) != nil {
			t.Fatalf("sla: %d %q %q", code, out, errOut)
		}
		return got
	}
	if got := slaAnswer(); got["provisional"] != true || got["response_due"] != "2027-10-04T12:00:00+08:00" {
		t.Fatalf("sla before the import: %v", got)
	}
	file := writeFile(t, "2027.json", holidays2027)
	if code, out, errOut := run("calendar", "import", file); code != 0 || !strings.Contains(out, "imported 2027: 34 days") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	v = show()
	jan := v.Months[0]
	if v.Source != "official" || len(jan.Days) != 5 || jan.Days[4] != (calendarview.Day{Date: "2027-01-09", Weekday: "周六", Working: true, Name: "元旦", Source: "official"}) ||
		jan.WorkingDays != 20 {
		t.Fatalf("after the import: %+v", v)
	}
	if code, out, _ := run("calendar", "show", "2027"); code != 0 || !strings.Contains(out, "2027 on 5x9: the official schedule") {
		t.Fatalf("text: %d %q", code, out)
	}
	// hotline sla counts on the imported year too: 10-04 to 10-07 are days
	// off, so a report on the 4th is answered from Friday the 8th.
	if got := slaAnswer(); got["provisional"] != false || got["response_due"] != "2027-10-08T12:00:00+08:00" {
		t.Fatalf("sla after the import: %v", got)
	}

	// A corrected file replaces the year: 10-07 worked after all.
	corrected := strings.Replace(holidays2027, `"date":"2027-10-07","isOffDay":true`, `"date":"2027-10-07","isOffDay":false`, 1)
	if code, out, errOut := run("calendar", "import", writeFile(t, "2027-corrected.json", corrected)); code != 0 || !strings.Contains(out, "imported 2027 again") {
		t.Fatalf("import again: %d %q %q", code, out, errOut)
	}
	if oct := show().Months[9]; !slices.Contains(oct.Days, calendarview.Day{Date: "2027-10-07", Weekday: "周四", Working: true, Name: "国庆节", Source: "official"}) {
		t.Fatalf("the corrected file was not counted: %+v", oct)
	}

	// Refused, with one line each, and nothing stored: the commands still
	// work afterwards.
	partial := `{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`
	contradicting := strings.Replace(holidays2027, `{"name":"元旦","date":"2027-01-09","isOffDay":false}`,
		`{"name":"元旦","date":"2027-01-09","isOffDay":false},{"name":"元旦","date":"2027-01-09","isOffDay":true}`, 1)
	for _, c := range []struct{ name, data, want string }{
		{"partial", partial, "2027-02-05 (春节) is a statutory public holiday but not a day off here: not the year's complete schedule"},
		{"trailing", holidays2027 + "{{{", "more after the year's JSON object"},
		{"contradicting", contradicting, "listed both as a day off and as a make-up working day"},
		{"shipped year", strings.Replace(holidays2027, "2027", "2026", -1), "2026: the policy already has this year's official schedule"},
	} {
		code, out, errOut := run("calendar", "import", writeFile(t, c.name+".json", c.data))
		if code == 0 || out != "" || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("import %s: %d %q %q; want one line with %q", c.name, code, out, errOut, c.want)
		}
	}
	if oct := show().Months[9]; oct.WorkingDays != 18 {
		t.Errorf("after the refused imports, October 2027 has %d working days, want 18 (the corrected file's)", oct.WorkingDays)
	}
}

// Each special day says where it comes from, so an operator can check an
// edit of the policy file.
func TestCalendarShowSources(t *testing.T) {
	policyFile := writeFile(t, "policy.yaml", `
holidays:
  days:
    - {date: 2026-03-02, name: 公司假日, off: true}
    - {date: 2027-03-01, name: 公司假日, off: true}
`)
	env := map[string]string{"HOTLINE_DATA_DIR": t.TempDir(), "HOTLINE_LOG_LEVEL": "error", "HOTLINE_CONFIG": policyFile}
	source := map[string]string{}
	for _, year := range []string{"2026", "2027"} {
		code, out, errOut := runWith(context.Background(), env, "calendar", "show", year, "--json")
		var v calendarview.Year
		if code != 0 || json.Unmarshal([]byte(out), &v) != nil {
			t.Fatalf("show %s: %d %q %q", year, code, out, errOut)
		}
		for _, m := range v.Months {
			for _, d := range m.Days {
				source[d.Date] = d.Source
			}
		}
	}
	for date, want := range map[string]string{
		"2026-01-01": "official", "2026-02-14": "official", "2026-03-02": "policy",
		"2027-01-01": "statutory", "2027-03-01": "policy",
	} {
		if source[date] != want {
			t.Errorf("%s: source %q, want %q", date, source[date], want)
		}
	}
}

// A year imported before and since written into the policy file: the
// policy's counts, and the commands say nothing of the stored copy.
func TestImportedYearThePolicyGained(t *testing.T) {
	ctx := context.Background()
	file := writeFile(t, "2027.json", holidays2027)
	env := map[string]string{"HOTLINE_DATA_DIR": t.TempDir()} // the default log level
	if code, _, errOut := runWith(ctx, env, "calendar", "import", file); code != 0 {
		t.Fatalf("import: %d %q", code, errOut)
	}
	env["HOTLINE_CONFIG"] = writeFile(t, "policy.yaml", "holidays:\n  files: ["+file+"]\n")
	if code, _, errOut := runWith(ctx, env, "sla", "--plan", "5x9", "--severity", "2", "--at", "2027-10-04T08:00:00+08:00"); code != 0 || errOut != "" {
		t.Errorf("sla: %d, stderr %q", code, errOut)
	}
	code, _, errOut := runWith(ctx, env, "calendar", "import", file)
	if want := "2027: the policy already has this year's official schedule"; code == 0 || !strings.Contains(errOut, want) || strings.Count(errOut, "\n") != 1 {
		t.Errorf("import again: %d %q, want one line with %q", code, errOut, want)
	}
}

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestCalendarBadInput(t *testing.T) {
	// The default log level: the policy's start warnings (the built-in 5x9
	// has one) and the migrations' notes must not come before the error.
	env := map[string]string{"HOTLINE_DATA_DIR": t.TempDir()}
	bad := writeFile(t, "bad.json", `{"year":2027}`)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"calendar"}, 2, "a subcommand is required"},
		{[]string{"calendar", "show"}, 2, "the year (like 2027) is required"},
		{[]string{"calendar", "show", "twenty"}, 2, `year "twenty": want a year like 2027`},
		{[]string{"calendar", "show", "2027", "--calendar", "6x6"}, 2, `--calendar "6x6": no such calendar (have 5x9, 7x12, 7x24)`},
		{[]string{"calendar", "import"}, 2, "the holiday-cn JSON file is required"},
		{[]string{"calendar", "import", bad}, 1, "no days (schedule not published yet?)"},
		{[]string{"calendar", "file"}, 2, `unknown subcommand "file"`},
	} {
		code, _, errOut := runWith(context.Background(), env, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: %d %q; want %d and one line with %q", c.args, code, errOut, c.code, c.want)
		}
	}
}

// When a year's official schedule arrives, the reminders of an open ticket
// move onto it; the deadlines promised stay.
func TestRescheduleOnNewYear(t *testing.T) {
	ctx := context.Background()
	rec := storetest.Postgres(t)
	p, err := policy.Build(policy.File{Units: []policy.UnitFile{{Name: "市中心医院", Plan: "5x9"}}}, policy.Options{Location: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 31, 10, 0, 0, 0, shanghai)
	log := slog.New(slog.DiscardHandler)
	lc := ticket.New(ticket.Deps{Clock: func() time.Time { return now }, Policy: p, Tickets: rec.Tickets, Units: rec.Units, Log: log})
	open := func(key string) *bot.Ticket {
		o, err := lc.Open(ctx, ticket.Report{Channel: "wechat", OpenID: "o1", Key: key, Unit: "市中心医院", Name: "张三",
			Phone: "13800138000", Description: "打印机不能用", Severity: 3, At: now,
			Events: func(*bot.Ticket) []bot.Event { return nil }})
		if err != nil {
			t.Fatal(err)
		}
		return o.Ticket
	}
	// The first ticket's plan has left the policy since: its work stays
	// as it was, and the others' moves all the same.
	orphan := open("msg:o1:0")
	if _, err := rec.DB.ExecContext(ctx, `UPDATE tickets SET plan = 'gone' WHERE id = $1`, orphan.ID); err != nil {
		t.Fatal(err)
	}
	orphanBefore := pendingDue(t, rec, orphan.ID)
	o := struct{ Ticket *bot.Ticket }{open("msg:o1:1")}
	before := pendingDue(t, rec, o.Ticket.ID)
	if err := yearsync.RescheduleOnChange(ctx, rec, lc, nil, p, log, now); err != nil { // records the years: nothing moves
		t.Fatal(err)
	}
	if got := pendingDue(t, rec, o.Ticket.ID); !equalDue(got, before) {
		t.Fatalf("moved without a new year: %v → %v", before, got)
	}
	_, days, err := sla.ParseHolidayCN(strings.NewReader(holidays2027))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AddOfficialYear(2027, days); err != nil {
		t.Fatal(err)
	}
	if err := yearsync.RescheduleOnChange(ctx, rec, lc, nil, p, log, now); err != nil {
		t.Fatal(err)
	}
	// Severity 3 on 5x9 from Thursday 31 December 10:00: 24 business hours
	// to respond, promised for Tuesday 5 January 17:00 (元旦 off by statute).
	// Its 50% reminder fell after 12 of them, Monday 14:00; with Monday now
	// off by the notice the window holds 15 hours, and 7.5 of them end on
	// Tuesday at 08:30.
	key := bot.DeadlineKey(o.Ticket.ID, bot.JobRemind, bot.GoalResponse, "0.5", o.Ticket.ResponseDue)
	after := pendingDue(t, rec, o.Ticket.ID)
	if want := time.Date(2027, 1, 4, 14, 0, 0, 0, shanghai); !before[key].Equal(want) {
		t.Fatalf("reminder before %v, want %v (%v)", before[key], want, before)
	}
	if want := time.Date(2027, 1, 5, 8, 30, 0, 0, shanghai); !after[key].Equal(want) {
		t.Fatalf("reminder after %v, want %v", after[key], want)
	}
	tk, err := rec.Tickets.Ticket(ctx, o.Ticket.ID)
	if err != nil || !tk.ResponseDue.Equal(o.Ticket.ResponseDue) {
		t.Fatalf("the promise moved: %v, %v", tk.ResponseDue, err)
	}
	if got := pendingDue(t, rec, orphan.ID); len(got) == 0 || !equalDue(got, orphanBefore) {
		t.Fatalf("the orphaned ticket's work: %v → %v", orphanBefore, got)
	}
	// A corrected 2027 (Monday 4 January worked after all) keeps the list
	// of official years but not the days: a start moves the work back.
	years := yearsOf(p)
	corrected := slices.DeleteFunc(slices.Clone(days), func(d sla.Day) bool { return d.Date == sla.Date{Year: 2027, Month: time.January, Day: 4} })
	if err := p.AddOfficialYear(2027, corrected); err != nil {
		t.Fatal(err)
	}
	if yearsOf(p) != years {
		t.Fatalf("official years %s, then %s", years, yearsOf(p))
	}
	if err := yearsync.RescheduleOnChange(ctx, rec, lc, nil, p, log, now); err != nil {
		t.Fatal(err)
	}
	if got := pendingDue(t, rec, o.Ticket.ID)[key]; !got.Equal(before[key]) {
		t.Fatalf("reminder after the corrected year %v, want %v again", got, before[key])
	}
}

func yearsOf(p *policy.Policy) string { return fmt.Sprint(p.OfficialYears()) }

func pendingDue(t *testing.T, rec *store.Records, ticket int64) map[string]time.Time {
	t.Helper()
	var rows []struct {
		Key string    `db:"job_key"`
		Due time.Time `db:"due_at"`
	}
	if err := rec.DB.SelectContext(context.Background(), &rows, `SELECT job_key, due_at FROM jobs WHERE ticket_id = $1 AND done_at IS NULL`, ticket); err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, r := range rows {
		out[r.Key] = r.Due
	}
	return out
}

func equalDue(a, b map[string]time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !b[k].Equal(v) {
			return false
		}
	}
	return true
}

// A replica of serve takes a year imported by another process within a
// poll, moves the open tickets' work onto it, takes a corrected file in
// its place, and leaves a broken one out without stopping.
func TestServeTakesImportedYears(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, intakeOptions{})
	h.mu.Lock()
	h.now = time.Date(2026, 12, 31, 10, 0, 0, 0, shanghai)
	h.mu.Unlock()
	o, err := h.app.desk.Lifecycle.Open(ctx, ticket.Report{Channel: "wechat", OpenID: "o1", Key: "msg:o1:1", Unit: intakeUnit,
		Name: "张三", Phone: "13800138000", Description: "打印机不能用", Severity: 3, At: h.clock(),
		Events: func(*bot.Ticket) []bot.Event { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	key := bot.DeadlineKey(o.Ticket.ID, bot.JobRemind, bot.GoalResponse, "0.5", o.Ticket.ResponseDue)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	cal := h.app.policy.Calendars["5x9"]
	importYear := func(data string) {
		t.Helper()
		if err := h.rec.Holidays.ImportYear(ctx, store.HolidayYear{Year: 2027, Data: data, Source: "test", ImportedAt: h.clock()}); err != nil {
			t.Fatal(err)
		}
	}

	importYear(holidays2027)
	h.app.takeImportedYears(ctx, log)
	if cal.Year(2027) != sla.Official {
		t.Fatalf("2027 not taken: %v\n%s", cal.Year(2027), logs.String())
	}
	if got, want := pendingDue(t, h.rec, o.Ticket.ID)[key], time.Date(2027, 1, 5, 8, 30, 0, 0, shanghai); !got.Equal(want) {
		t.Fatalf("the 50%% response reminder is due %v, want %v (moved onto the new year)", got, want)
	}
	stored, _, err := h.rec.Settings.Get(ctx, yearsync.CalendarSetting)
	if err != nil || stored != h.app.policy.Fingerprint() {
		t.Fatalf("recorded calendars %q, %v; want %q", stored, err, h.app.policy.Fingerprint())
	}

	oct7 := sla.Date{Year: 2027, Month: time.October, Day: 7}
	importYear(strings.Replace(holidays2027, `"date":"2027-10-07","isOffDay":true`, `"date":"2027-10-07","isOffDay":false`, 1))
	h.app.takeImportedYears(ctx, log)
	if !cal.IsWorkingDay(oct7) {
		t.Fatal("the corrected 2027 was not taken")
	}

	// A reschedule that fails is tried again at the next poll.
	importYear(holidays2027)
	if _, err := h.rec.DB.ExecContext(ctx, `ALTER TABLE settings RENAME TO settings_away`); err != nil {
		t.Fatal(err)
	}
	h.app.takeImportedYears(ctx, log)
	if _, err := h.rec.DB.ExecContext(ctx, `ALTER TABLE settings_away RENAME TO settings`); err != nil {
		t.Fatal(err)
	}
	if cal.IsWorkingDay(oct7) || !strings.Contains(logs.String(), "reschedule onto imported holiday years") {
		t.Fatalf("the first 2027 again: 10-07 working %v\n%s", cal.IsWorkingDay(oct7), logs.String())
	}
	h.app.takeImportedYears(ctx, log)
	if stored, _, err := h.rec.Settings.Get(ctx, yearsync.CalendarSetting); err != nil || stored != h.app.policy.Fingerprint() {
		t.Fatalf("after the retry, recorded calendars %q, %v; want %q", stored, err, h.app.policy.Fingerprint())
	}

	logs.Reset()
	importYear(`{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`)
	h.app.takeImportedYears(ctx, log)
	h.app.takeImportedYears(ctx, log)
	if cal.IsWorkingDay(oct7) || cal.Year(2027) != sla.Official {
		t.Fatal("a broken stored year changed the calendar")
	}
	if n := strings.Count(logs.String(), "imported holiday year not counted"); n != 1 {
		t.Fatalf("%d warnings of the broken year, want 1:\n%s", n, logs.String())
	}
}
