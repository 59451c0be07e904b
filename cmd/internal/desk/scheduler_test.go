package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// jobRow is a job as the test reads it back.
type jobRow struct {
	Kind    string     `db:"kind"`
	Payload string     `db:"payload"`
	Step    int        `db:"step"`
	DueAt   time.Time  `db:"due_at"`
	Outcome string     `db:"outcome"`
	DoneAt  *time.Time `db:"done_at"`
}

func (f *fixture) jobs() []jobRow {
	f.t.Helper()
	var rows []jobRow
	if err := f.rec.DB.SelectContext(context.Background(), &rows, `SELECT kind, payload, step, due_at, outcome, done_at FROM jobs ORDER BY due_at, id`); err != nil {
		f.t.Fatal(err)
	}
	return rows
}

// advance moves the clock to at and runs whatever is due.
func (f *fixture) advance(at time.Time) {
	f.t.Helper()
	f.now = at
	for {
		n, err := f.desk.Engine.RunDue(context.Background())
		if err != nil {
			f.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func (f *fixture) events(kind string) []string {
	f.t.Helper()
	var bodies []string
	if err := f.rec.DB.SelectContext(context.Background(), &bodies, `SELECT body FROM ticket_events WHERE kind = $1 ORDER BY id`, kind); err != nil {
		f.t.Fatal(err)
	}
	return bodies
}

// A severe ticket on 7×12, never acknowledged: reminders at 2 h and
// 3 h 12 min, breach at 4 h told to the lead, then the manager.
func TestSevereTicketEscalates(t *testing.T) {
	f := newFixture(t)
	f.now = time.Date(2026, 3, 2, 8, 0, 0, 0, shanghai)
	f.addStaff("001", "engineer", "", "")
	f.addStaff("008", "lead", "", "")
	f.addStaff("009", "manager", "", "")
	for _, text := range []string{"服务器宕机", "2", "某单位", "张三", "13800138000", "302", "确认"} {
		f.say(text)
	}
	start := f.now
	var reminders []time.Duration
	for _, j := range f.jobs() {
		if j.Kind == "remind" && strings.HasPrefix(j.Payload, "response") {
			reminders = append(reminders, j.DueAt.Sub(start))
		}
	}
	if len(reminders) != 2 || reminders[0] != 2*time.Hour || reminders[1] != 3*time.Hour+12*time.Minute {
		t.Fatalf("response reminders at %v, want [2h 3h12m]", reminders)
	}
	f.advance(start.Add(3*time.Hour + 59*time.Minute))
	if got := f.events("escalated"); len(got) != 0 {
		t.Fatalf("escalated before the breach: %v", got)
	}
	f.advance(start.Add(4 * time.Hour))
	got := f.events("escalated")
	if len(got) != 1 || !strings.Contains(got[0], "响应超时") || !strings.Contains(got[0], "工008") {
		t.Fatalf("at the breach: %v", got)
	}
	f.advance(start.Add(5 * time.Hour))
	got = f.events("escalated")
	if len(got) != 2 || !strings.Contains(got[1], "工009") || !strings.Contains(got[1], "1小时0分") {
		t.Fatalf("one step later: %v", got)
	}
	for _, j := range f.jobs() {
		if j.Kind == "remind" && strings.HasPrefix(j.Payload, "response") && j.Outcome != "sent" {
			t.Errorf("reminder %+v not sent", j)
		}
	}
}

// An acknowledged ticket gets no response reminders.
func TestAcknowledgedTicketGetsNoResponseReminders(t *testing.T) {
	f := newFixture(t)
	f.now = time.Date(2026, 3, 2, 8, 0, 0, 0, shanghai)
	f.addStaff("001", "engineer", "", "")
	for _, text := range []string{"服务器宕机", "2", "某单位", "张三", "13800138000", "302", "确认"} {
		f.say(text)
	}
	f.now = f.now.Add(30 * time.Minute)
	if _, err := f.rec.DB.ExecContext(context.Background(), `UPDATE tickets SET status = 'acknowledged', responded_at = $1`, f.now.UTC()); err != nil {
		t.Fatal(err)
	}
	f.advance(f.now.Add(5 * time.Hour))
	for _, j := range f.jobs() {
		if strings.HasPrefix(j.Payload, "response") && j.DoneAt != nil && j.Outcome != "skipped" {
			t.Errorf("response job %+v was not skipped", j)
		}
	}
	if got := f.events("escalated"); len(got) != 0 {
		t.Fatalf("escalated: %v", got)
	}
}

// On a 5×9 plan a reminder that falls at night is delivered at 08:00: a
// severe ticket reported Monday 16:00 has 4 business hours, Mon 16–18 and
// Tue 08–10; its 50% point is Monday 18:00, the close of business.
func TestNightReminderWaitsForMorning(t *testing.T) {
	f := newFixture(t)
	f.now = time.Date(2026, 3, 2, 16, 0, 0, 0, shanghai)
	f.addStaff("001", "engineer", "", "")
	for _, text := range []string{"系统很慢", "2", "市中心医院", "张三", "13800138000", "302", "确认"} {
		f.say(text)
	}
	var due []time.Time
	for _, j := range f.jobs() {
		if j.Kind == "remind" && strings.HasPrefix(j.Payload, "response") {
			due = append(due, j.DueAt.In(shanghai))
		}
	}
	morning := time.Date(2026, 3, 3, 8, 0, 0, 0, shanghai)
	if len(due) != 2 || !due[0].Equal(morning) || !due[1].Equal(morning.Add(72*time.Minute)) {
		t.Fatalf("reminders due %v, want Tue 08:00 and 09:12", due)
	}
	f.advance(time.Date(2026, 3, 2, 23, 0, 0, 0, shanghai))
	if j := f.jobs()[0]; j.DoneAt != nil {
		t.Fatalf("the 18:00 reminder went out at night: %+v", j)
	}
	f.advance(morning)
	if j := f.jobs()[0]; j.Outcome != "sent" {
		t.Fatalf("the reminder was not sent at 08:00: %+v", j)
	}
}

// One month before a unit's free service period ends, the notice is due,
// scheduled once however often the service starts.
func TestRenewalNotice(t *testing.T) {
	f := newFixture(t) // 市中心医院's period ends 2025-12-31
	if err := f.desk.Renewals.Schedule(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := f.desk.Renewals.Schedule(context.Background()); err != nil { // a restart schedules nothing new
		t.Fatal(err)
	}
	var jobs []jobRow
	for _, j := range f.jobs() {
		if j.Kind == "renewal" {
			jobs = append(jobs, j)
		}
	}
	want := time.Date(2025, 12, 1, 9, 0, 0, 0, shanghai) // a Monday: 09:00 on the 5x9 calendar
	if len(jobs) != 1 || !jobs[0].DueAt.Equal(want) {
		t.Fatalf("renewal jobs %+v, want one due %v", jobs, want)
	}
	f.advance(time.Date(2025, 12, 1, 9, 0, 0, 0, shanghai))
	if j := f.jobs()[0]; j.Kind != "renewal" || j.Outcome != "sent" {
		t.Fatalf("renewal job after its day: %+v", j)
	}
}
