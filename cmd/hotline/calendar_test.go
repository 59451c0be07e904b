package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/bot/ticket"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

// A 2027 schedule as the State Council might publish it: 元旦 bridged to
// Monday, and the Saturday after worked.
const holidays2027 = `{"year":2027,"days":[
{"name":"元旦","date":"2027-01-01","isOffDay":true},{"name":"元旦","date":"2027-01-04","isOffDay":true},
{"name":"元旦","date":"2027-01-09","isOffDay":false}]}`

func TestCalendarShowAndImport(t *testing.T) {
	env := map[string]string{"HOTLINE_DATA_DIR": t.TempDir(), "HOTLINE_LOG_LEVEL": "error"}
	ctx := context.Background()
	run := func(args ...string) (int, string, string) { return runWith(ctx, env, args...) }
	show := func() yearView {
		t.Helper()
		code, out, errOut := run("calendar", "show", "2027", "--json")
		var v yearView
		if code != 0 || json.Unmarshal([]byte(out), &v) != nil {
			t.Fatalf("show: %d %q %q", code, out, errOut)
		}
		return v
	}
	v := show()
	if v.Source != "statutory" || len(v.Months) != 12 || v.Months[0].Days[0] != (dayView{Date: "2027-01-01", Weekday: "周五", Name: "元旦", Source: "statutory"}) {
		t.Fatalf("before the import: %+v", v)
	}
	file := filepath.Join(t.TempDir(), "2027.json")
	if err := os.WriteFile(file, []byte(holidays2027), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run("calendar", "import", file); code != 0 || !strings.Contains(out, "imported 2027: 3 days") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	v = show()
	jan := v.Months[0]
	if v.Source != "official" || len(jan.Days) != 3 || jan.Days[2] != (dayView{Date: "2027-01-09", Weekday: "周六", Working: true, Name: "元旦", Source: "official"}) ||
		jan.WorkingDays != 20 {
		t.Fatalf("after the import: %+v", v)
	}
	if code, out, _ := run("calendar", "show", "2027"); code != 0 || !strings.Contains(out, "2027 on 5x9: the official schedule") {
		t.Fatalf("text: %d %q", code, out)
	}
}

func TestCalendarBadInput(t *testing.T) {
	// The default log level: the policy's start warnings (the built-in 5x9
	// has one) and the migrations' notes must not come before the error.
	env := map[string]string{"HOTLINE_DATA_DIR": t.TempDir()}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"year":2027}`), 0o644); err != nil {
		t.Fatal(err)
	}
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
	lc := ticket.New(ticket.Deps{Clock: func() time.Time { return now }, Policy: p, Tickets: rec.Tickets, Units: rec.Units})
	o, err := lc.Open(ctx, ticket.Report{Channel: "wechat", OpenID: "o1", Key: "msg:o1:1", Unit: "市中心医院", Name: "张三",
		Phone: "13800138000", Description: "打印机不能用", Severity: 3, At: now,
		Events: func(*bot.Ticket) []bot.Event { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	before := pendingDue(t, rec, o.Ticket.ID)
	log := slog.New(slog.DiscardHandler)
	if err := rescheduleOnNewYears(ctx, rec, lc, nil, p, log, now); err != nil { // records the years: nothing moves
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
	if err := rescheduleOnNewYears(ctx, rec, lc, nil, p, log, now); err != nil {
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
}

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
