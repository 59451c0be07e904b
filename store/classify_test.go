package store_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

// A ticket opens as a fault without a category; Classify writes the kind,
// the category and one event per change, and nothing for a change to what
// is there already.
func TestClassifyTicket(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		tk := openTicket(t, rec, "msg:o5:1", "")
		if tk.Kind != bot.KindFault || tk.Category != "" {
			t.Fatalf("a new ticket is %q, %q; want a fault without a category", tk.Kind, tk.Category)
		}
		staff := &bot.Staff{Number: "007"}
		for i, c := range []struct {
			kind, category string
			changed        bool
			events         int
		}{
			{bot.KindConsult, "", true, 1},
			{bot.KindConsult, "登录", true, 2},
			{bot.KindConsult, "登录", false, 2}, // a double press
			{bot.KindUpgrade, "报表", true, 3},
		} {
			at := t0.Add(time.Duration(i+1) * time.Minute)
			e := bot.StaffEvent(staff, at, bot.EventClassified, c.kind+" "+c.category)
			got, changed, err := rec.Tickets.Classify(ctx, tk.ID, c.kind, c.category, e)
			if err != nil || changed != c.changed || got.Kind != c.kind || got.Category != c.category {
				t.Fatalf("Classify #%d = %q, %q, changed %v, %v; want %q, %q, %v", i, got.Kind, got.Category, changed, err, c.kind, c.category, c.changed)
			}
			if c.changed && !got.UpdatedAt.Equal(at) {
				t.Errorf("Classify #%d: updated at %v, want %v", i, got.UpdatedAt, at)
			}
			if n := classifiedEvents(t, rec, tk.ID); len(n) != c.events {
				t.Fatalf("after #%d: %d classified events %v, want %d", i, len(n), n, c.events)
			}
		}
		listed, err := rec.Tickets.ListTickets(ctx, store.TicketFilter{})
		if err != nil || len(listed) != 1 || listed[0].Kind != bot.KindUpgrade || listed[0].Category != "报表" {
			t.Fatalf("listed %+v, %v", listed, err)
		}
		e := bot.StaffEvent(staff, t0, bot.EventClassified, "")
		if _, _, err := rec.Tickets.Classify(ctx, tk.ID+100, bot.KindFault, "", e); !errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("a ticket there is not: %v, want ErrNotFound", err)
		}
	})
}

// A ticket opened with a kind keeps it; two presses of the same change at
// once write it and its event once.
func TestClassifyTicketOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		tk := openTicket(t, rec, "msg:o6:1", bot.KindMaintenance)
		if tk.Kind != bot.KindMaintenance {
			t.Fatalf("opened as %q", tk.Kind)
		}
		var wg sync.WaitGroup
		changes := make([]bool, 4)
		for i := range changes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e := bot.StaffEvent(&bot.Staff{Number: "001"}, t0, bot.EventClassified, "类型 咨询，分类 数据")
				_, changed, err := rec.Tickets.Classify(context.Background(), tk.ID, bot.KindConsult, "数据", e)
				if err != nil {
					t.Errorf("press #%d: %v", i, err)
				}
				changes[i] = changed
			}()
		}
		wg.Wait()
		n := 0
		for _, c := range changes {
			if c {
				n++
			}
		}
		if events := classifiedEvents(t, rec, tk.ID); n != 1 || len(events) != 1 {
			t.Fatalf("%d presses changed the ticket, %d events; want 1 and 1", n, len(events))
		}
	})
}

// Migration 00010 goes down and up again on both dialects.
func TestTicketKindMigrationDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		data, err := os.ReadFile("migrations/" + string(rec.DB.Dialect) + "/00010_ticket_kind.sql")
		if err != nil {
			t.Fatal(err)
		}
		up, down, ok := strings.Cut(string(data), "-- +goose Down")
		if !ok {
			t.Fatal("no Down section")
		}
		exec := func(part string) {
			t.Helper()
			for _, stmt := range strings.Split(part, ";") {
				if strings.Contains(stmt, "TABLE") || strings.Contains(stmt, "INDEX") {
					if _, err := rec.DB.ExecContext(ctx, stmt); err != nil {
						t.Fatalf("%s: %v", strings.TrimSpace(stmt), err)
					}
				}
			}
		}
		exec(down)
		if _, err := rec.DB.ExecContext(ctx, `SELECT kind FROM tickets`); err == nil {
			t.Fatal("kind is still there after Down")
		}
		exec(up[strings.Index(up, "-- +goose Up"):])
		openTicket(t, rec, "msg:o7:1", "")
	})
}

func openTicket(t *testing.T, rec *store.Records, key, kind string) *bot.Ticket {
	t.Helper()
	ctx := context.Background()
	c := &bot.Customer{Channel: "wechat", OpenID: key, Subscribed: true, UpdatedAt: t0}
	if err := rec.Customers.SaveCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
	tk := newTicket(c.ID, key)
	tk.Kind = kind
	if _, err := rec.Tickets.OpenTicket(ctx, bot.Opening{Ticket: tk}); err != nil {
		t.Fatal(err)
	}
	got, err := rec.Tickets.Ticket(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func classifiedEvents(t *testing.T, rec *store.Records, ticket int64) []string {
	t.Helper()
	events, err := rec.Tickets.Events(context.Background(), ticket)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		if e.Kind == bot.EventClassified {
			out = append(out, e.Body)
		}
	}
	return out
}
