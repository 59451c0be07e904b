package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		if err := rec.DB.Migrate(context.Background(), discard()); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
	})
}

// Two replicas starting together on an empty database: both succeed, the
// schema is applied once.
func TestConcurrentMigratePostgres(t *testing.T) {
	u := storetest.PostgresSchemaURL(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := store.OpenPostgres(ctx, u)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = db.Migrate(ctx, discard())
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("migrator %d: %v", i, err)
		}
	}
	db, err := store.OpenPostgres(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var applied int
	if err := db.GetContext(ctx, &applied, `SELECT count(*) FROM goose_db_version WHERE version_id = 1 AND is_applied`); err != nil {
		t.Fatal(err)
	}
	if applied != 1 {
		t.Fatalf("migration 1 recorded %d times, want 1", applied)
	}
}

func TestOpenPostgresRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"postgres://127.0.0.1/test", "mysql://x/y?sslmode=disable", "postgres://%zz"} {
		if _, err := store.OpenPostgres(context.Background(), u); err == nil {
			t.Errorf("%s: no error", u)
		}
	}
}

func TestCustomers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		if _, err := rec.Customers.Customer(ctx, "wechat", "o1"); !errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("missing customer: %v, want ErrNotFound", err)
		}
		c := &bot.Customer{Channel: "wechat", OpenID: "o1", UnitName: "市中心医院", Name: "张三", Phone: "13800138000", Subscribed: true, UpdatedAt: t0}
		if err := rec.Customers.SaveCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.Room = "302"
		c.UpdatedAt = t0.Add(time.Hour)
		id := c.ID
		if err := rec.Customers.SaveCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		if c.ID != id {
			t.Fatalf("upsert changed id %d → %d", id, c.ID)
		}
		got, err := rec.Customers.Customer(ctx, "wechat", "o1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Room != "302" || got.Name != "张三" || !got.Subscribed || !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("customer = %+v", got)
		}
		if err := rec.Customers.SetSubscribed(ctx, "wechat", "o1", false, t0); err != nil {
			t.Fatal(err)
		}
		if got, _ = rec.Customers.Customer(ctx, "wechat", "o1"); got.Subscribed {
			t.Fatal("still subscribed after unfollow")
		}
	})
}

func TestUnits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		start, end := sla.Date{Year: 2026, Month: 1, Day: 1}, sla.Date{Year: 2026, Month: 12, Day: 31}
		units := []bot.Unit{{Name: "大庆市住房公积金管理中心", Plan: "5x9", ServiceStart: &start, ServiceEnd: &end}, {Name: "ACME Ltd", Plan: "7x24"}}
		for range 2 { // a second sync updates in place
			if err := rec.Units.SyncUnits(ctx, units, t0); err != nil {
				t.Fatal(err)
			}
		}
		got, err := rec.Units.Unit(ctx, " 大庆市 住房公积金管理中心 ")
		if err != nil {
			t.Fatal(err)
		}
		want := &bot.Unit{ID: got.ID, Name: "大庆市住房公积金管理中心", Plan: "5x9", ServiceStart: &start, ServiceEnd: &end}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("unit (-want +got):\n%s", d)
		}
		if got, err = rec.Units.Unit(ctx, "ａｃｍｅ ltd"); err != nil || got.ServiceEnd != nil {
			t.Fatalf("full-width lookup: %+v, %v", got, err)
		}
		if _, err := rec.Units.Unit(ctx, "nobody"); !errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("unknown unit: %v", err)
		}
	})
}

func newTicket(customerID int64, key string) *bot.Ticket {
	due := t0.Add(48 * time.Hour)
	return &bot.Ticket{
		OpenedBy: key, CustomerID: customerID, Channel: "wechat", UnitName: "市中心医院", ContactName: "张三",
		Phone: "13800138000", Room: "302", Description: "打印机不能用", Severity: 3, Status: bot.StatusOpen,
		Plan: "7x12", ReportedAt: t0, ResponseDue: t0.Add(24 * time.Hour), ResolutionDue: &due, CreatedAt: t0,
	}
}

func TestTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		c := &bot.Customer{Channel: "wechat", OpenID: "o2", Subscribed: true, UpdatedAt: t0}
		if err := rec.Customers.SaveCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		tk := newTicket(c.ID, "msg:o2:1")
		opened := bot.Event{At: t0, ActorKind: bot.ActorCustomer, Actor: "o2", Kind: bot.EventOpened, Body: "打印机不能用"}
		created, err := rec.Tickets.OpenTicket(ctx, bot.Opening{Ticket: tk, Events: []bot.Event{opened}})
		if err != nil || !created || tk.ID == 0 {
			t.Fatalf("open: created=%v id=%d err=%v", created, tk.ID, err)
		}
		again := newTicket(c.ID, "msg:o2:1")
		again.Description = "a retry"
		created, err = rec.Tickets.OpenTicket(ctx, bot.Opening{Ticket: again, Events: []bot.Event{opened}})
		if err != nil || created || again.ID != tk.ID || again.Description != "打印机不能用" {
			t.Fatalf("retry: created=%v id=%d desc=%q err=%v", created, again.ID, again.Description, err)
		}
		got, err := rec.Tickets.Ticket(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.ReportedAt.Equal(t0) || !got.ResolutionDue.Equal(*tk.ResolutionDue) || got.Status != bot.StatusOpen {
			t.Fatalf("ticket = %+v", got)
		}
		key := "msg:o2:2"
		msg := bot.Event{TicketID: tk.ID, At: t0.Add(time.Minute), ActorKind: bot.ActorCustomer, Kind: bot.EventMessage, Body: "还是不行", MsgKey: &key}
		for i, want := range []bool{true, false} {
			added, err := rec.Tickets.AddEvent(ctx, msg)
			if err != nil || added != want {
				t.Fatalf("add event #%d: added=%v err=%v", i, added, err)
			}
		}
		events, err := rec.Tickets.Events(ctx, tk.ID)
		if err != nil || len(events) != 2 || events[1].Body != "还是不行" {
			t.Fatalf("events = %+v, %v", events, err)
		}
		open, err := rec.Tickets.OpenTicketsOf(ctx, c.ID)
		if err != nil || len(open) != 1 {
			t.Fatalf("open tickets = %d, %v", len(open), err)
		}
		latest, err := rec.Tickets.LatestTicketOf(ctx, c.ID)
		if err != nil || latest.ID != tk.ID {
			t.Fatalf("latest = %+v, %v", latest, err)
		}
	})
}

// Three copies of one opening message at once make one ticket.
func TestOpenTicketRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		c := &bot.Customer{Channel: "wechat", OpenID: "o3", Subscribed: true, UpdatedAt: t0}
		if err := rec.Customers.SaveCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, 3)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tk := newTicket(c.ID, "msg:o3:9")
				if _, err := rec.Tickets.OpenTicket(ctx, bot.Opening{Ticket: tk}); err != nil {
					t.Errorf("open #%d: %v", i, err)
				}
				ids[i] = tk.ID
			}()
		}
		wg.Wait()
		if ids[0] == 0 || ids[0] != ids[1] || ids[1] != ids[2] {
			t.Fatalf("ids = %v, want one ticket", ids)
		}
	})
}

func TestSettingIsDecidedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		first, err := rec.Settings.Setting(ctx, "survey_secret", "aaa", t0)
		if err != nil || first != "aaa" {
			t.Fatalf("first: %q, %v", first, err)
		}
		if again, err := rec.Settings.Setting(ctx, "survey_secret", "bbb", t0); err != nil || again != "aaa" {
			t.Fatalf("second replica read %q, %v", again, err)
		}
	})
}

// Kept says whether the imported years' table is there: not before the
// migrations, yes after, in both dialects.
func TestHolidaysKept(t *testing.T) {
	ctx := context.Background()
	open := map[string]func() (*store.DB, error){
		"postgres": func() (*store.DB, error) { return store.OpenPostgres(ctx, storetest.PostgresSchemaURL(t)) },
		"sqlite":   func() (*store.DB, error) { return store.OpenEmbedded(ctx, t.TempDir()) },
	}
	for name, open := range open {
		t.Run(name, func(t *testing.T) {
			db, err := open()
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			h := store.NewRecords(db).Holidays
			if kept, err := h.Kept(ctx); err != nil || kept {
				t.Fatalf("before the migrations: %v, %v", kept, err)
			}
			if err := db.Migrate(ctx, discard()); err != nil {
				t.Fatal(err)
			}
			if kept, err := h.Kept(ctx); err != nil || !kept {
				t.Fatalf("after the migrations: %v, %v", kept, err)
			}
		})
	}
}
