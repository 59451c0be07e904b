package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

func addStaff(t *testing.T, rec *store.Records, number string) *bot.Staff {
	t.Helper()
	s := &bot.Staff{Number: number, Name: "工" + number, RolesText: bot.RoleEngineer, Active: true, CreatedAt: t0, UpdatedAt: t0}
	if err := rec.Staff.AddStaff(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// A ticket opened with its customer, assignee, events and jobs writes them
// all; a retry of its opening message writes none of them again.
func TestOpenTicketWithEverything(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		who := addStaff(t, rec, "007")
		open := func(key, name string) (*bot.Ticket, bool) {
			t.Helper()
			c := &bot.Customer{Channel: "wechat", OpenID: "o4", UnitName: "市中心医院", Name: name, Subscribed: true, LastSeenAt: &t0, UpdatedAt: t0}
			tk := newTicket(0, key)
			tk.AssigneeID, tk.StaffName, tk.StaffNumber = &who.ID, who.Name, who.Number
			events := []bot.Event{
				{At: t0, ActorKind: bot.ActorCustomer, Actor: "o4", Kind: bot.EventOpened, Body: "打印机不能用"},
				{At: t0, ActorKind: bot.ActorSystem, Kind: "assigned", Body: "派单给 " + who.Label()},
			}
			jobs := func(tk *bot.Ticket) ([]bot.Job, error) {
				return []bot.Job{{Key: fmt.Sprintf("remind:%d", tk.ID), Kind: bot.JobRemind, TicketID: &tk.ID, DueAt: t0.Add(time.Hour)},
					{Key: fmt.Sprintf("breach:%d", tk.ID), Kind: bot.JobBreach, TicketID: &tk.ID, DueAt: t0.Add(2 * time.Hour)}}, nil
			}
			created, err := rec.Tickets.OpenTicket(ctx, bot.Opening{Customer: c, Ticket: tk, Events: events, Jobs: jobs})
			if err != nil {
				t.Fatal(err)
			}
			if tk.CustomerID != c.ID || c.ID == 0 {
				t.Fatalf("ticket's customer %d, customer %d", tk.CustomerID, c.ID)
			}
			return tk, created
		}
		tk, created := open("msg:o4:1", "张三")
		if !created {
			t.Fatal("not created")
		}
		if again, created := open("msg:o4:1", "李四"); created || again.ID != tk.ID {
			t.Fatalf("retry: created=%v id=%d, want %d", created, again.ID, tk.ID)
		}
		c, err := rec.Customers.Customer(ctx, "wechat", "o4")
		if err != nil || c.ID != tk.CustomerID || c.Name != "张三" || c.UnitName != "市中心医院" {
			t.Fatalf("customer = %+v, %v", c, err)
		}
		got, err := rec.Tickets.Ticket(ctx, tk.ID)
		if err != nil || got.AssigneeID == nil || *got.AssigneeID != who.ID || got.StaffNumber != "007" {
			t.Fatalf("ticket = %+v, %v", got, err)
		}
		events, err := rec.Tickets.Events(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, e.Kind)
		}
		if d := cmp.Diff([]string{bot.EventOpened, "assigned"}, kinds); d != "" {
			t.Fatalf("events (-want +got):\n%s", d)
		}
		pending, err := rec.Jobs.PendingJobs(ctx, 10)
		if err != nil || len(pending) != 2 {
			t.Fatalf("jobs = %+v, %v", pending, err)
		}
		load, err := rec.Staff.OpenLoad(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if l := load[who.ID]; l.Open != 1 || l.LastAssignedAt == nil || !l.LastAssignedAt.Equal(t0) {
			t.Fatalf("load = %+v", l)
		}
	})
}

// The roster is kept in memory, but a change through the same Staff shows at
// once.
func TestRosterFollowsChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		numbers := func() []string {
			t.Helper()
			roster, err := rec.Staff.ListStaff(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, s := range roster {
				if s.Active {
					out = append(out, s.Number+" "+s.Name)
				}
			}
			return out
		}
		if got := numbers(); len(got) != 0 {
			t.Fatalf("roster %v, want none", got)
		}
		addStaff(t, rec, "001")
		addStaff(t, rec, "002")
		if d := cmp.Diff([]string{"001 工001", "002 工002"}, numbers()); d != "" {
			t.Fatalf("after add (-want +got):\n%s", d)
		}
		roster, _ := rec.Staff.ListStaff(ctx)
		roster[0].Name = "changed by a caller"
		if err := rec.Staff.SetStaffActive(ctx, "001", false, t0); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"002 工002"}, numbers()); d != "" {
			t.Fatalf("after disable (-want +got):\n%s", d)
		}
		if err := rec.Staff.SyncStaff(ctx, []bot.Staff{{Number: "002", Name: "王工", RolesText: bot.RoleEngineer, UpdatedAt: t0}}); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"002 王工"}, numbers()); d != "" {
			t.Fatalf("after sync (-want +got):\n%s", d)
		}
	})
}
