package desk_test

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// staffFixture adds staff to the fixture's roster, linked to Telegram.
func (f *fixture) addStaff(number, roles, units, hours string) int64 {
	f.t.Helper()
	tg := int64(1000 + len(number)*100 + int(number[len(number)-1]))
	s := bot.Staff{Number: number, Name: "工" + number, RolesText: roles, UnitsText: units, Hours: hours,
		TelegramUserID: &tg, Active: true, CreatedAt: f.now, UpdatedAt: f.now}
	if err := f.rec.Staff.AddStaff(context.Background(), &s); err != nil {
		f.t.Fatal(err)
	}
	return s.ID
}

func (f *fixture) assigneeOfLatest() int64 {
	f.t.Helper()
	var id *int64
	if err := f.rec.DB.GetContext(context.Background(), &id, `SELECT assignee_id FROM tickets ORDER BY id DESC LIMIT 1`); err != nil {
		f.t.Fatal(err)
	}
	if id == nil {
		return 0
	}
	return *id
}

func TestAssignment(t *testing.T) {
	t.Run("on duty only", func(t *testing.T) {
		f := newFixture(t)
		f.now = time.Date(2026, 3, 7, 10, 0, 0, 0, shanghai) // a Saturday: 5x9 is closed
		f.addStaff("001", "engineer", "", "5x9")
		always := f.addStaff("002", "engineer", "", "")
		f.report("网络断了", "某单位")
		if got := f.assigneeOfLatest(); got != always {
			t.Fatalf("assignee %d, want the engineer on duty %d", got, always)
		}
	})
	t.Run("serves the unit", func(t *testing.T) {
		f := newFixture(t)
		f.addStaff("001", "engineer", "别的单位", "")
		ours := f.addStaff("002", "engineer", "市中心医院", "")
		f.report("网络断了", "市中心医院")
		if got := f.assigneeOfLatest(); got != ours {
			t.Fatalf("assignee %d, want %d", got, ours)
		}
	})
	t.Run("least loaded then round robin", func(t *testing.T) {
		f := newFixture(t)
		a := f.addStaff("001", "engineer", "", "")
		b := f.addStaff("002", "engineer", "", "")
		f.report("网络断了", "某单位")
		got := []int64{f.assigneeOfLatest()}
		for range 3 {
			f.now = f.now.Add(time.Minute)
			for _, text := range []string{"报修", "又断了", "3", "是", "确认"} { // a returning customer confirms their details
				f.say(text)
			}
			got = append(got, f.assigneeOfLatest())
		}
		want := []int64{a, b, a, b}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("assignees %v, want %v", got, want)
			}
		}
	})
	t.Run("lead when no engineer", func(t *testing.T) {
		f := newFixture(t)
		f.addStaff("001", "engineer", "", "5x9")
		lead := f.addStaff("009", "lead", "", "")
		f.now = time.Date(2026, 3, 7, 10, 0, 0, 0, shanghai)
		f.report("网络断了", "某单位")
		if got := f.assigneeOfLatest(); got != lead {
			t.Fatalf("assignee %d, want the lead %d", got, lead)
		}
	})
	t.Run("nobody on duty queues", func(t *testing.T) {
		f := newFixture(t)
		f.addStaff("001", "engineer", "", "5x9")
		f.addStaff("009", "lead", "", "5x9")
		f.now = time.Date(2026, 3, 7, 10, 0, 0, 0, shanghai)
		f.report("网络断了", "某单位")
		if got := f.assigneeOfLatest(); got != 0 {
			t.Fatalf("assignee %d, want none", got)
		}
		if n := f.count(`SELECT count(*) FROM ticket_events WHERE kind = 'queued'`); n != 1 {
			t.Fatalf("queued events = %d", n)
		}
	})
}
