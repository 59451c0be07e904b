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

func addStaff(t *testing.T, db *store.DB, number string) *bot.Staff {
	t.Helper()
	s := &bot.Staff{Number: number, Name: "工" + number, RolesText: bot.RoleEngineer, Active: true, CreatedAt: t0, UpdatedAt: t0}
	if err := db.AddStaff(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// A ticket opened with its customer, assignee, events and jobs writes them
// all; a retry of its opening message writes none of them again.
func TestOpenTicketWithEverything(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		who := addStaff(t, db, "007")
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
			created, err := db.OpenTicket(ctx, bot.Opening{Customer: c, Ticket: tk, Events: events, Jobs: jobs})
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
		c, err := db.Customer(ctx, "wechat", "o4")
		if err != nil || c.ID != tk.CustomerID || c.Name != "张三" || c.UnitName != "市中心医院" {
			t.Fatalf("customer = %+v, %v", c, err)
		}
		got, err := db.Ticket(ctx, tk.ID)
		if err != nil || got.AssigneeID == nil || *got.AssigneeID != who.ID || got.StaffNumber != "007" {
			t.Fatalf("ticket = %+v, %v", got, err)
		}
		events, err := db.Events(ctx, tk.ID)
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
		pending, err := db.PendingJobs(ctx, 10)
		if err != nil || len(pending) != 2 {
			t.Fatalf("jobs = %+v, %v", pending, err)
		}
		load, err := db.OpenLoad(ctx)
		if err != nil || load[who.ID] != 1 {
			t.Fatalf("load = %v, %v", load, err)
		}
		staff, err := db.StaffByID(ctx, who.ID)
		if err != nil || staff.LastAssignedAt == nil || !staff.LastAssignedAt.Equal(t0) {
			t.Fatalf("staff = %+v, %v", staff, err)
		}
	})
}
