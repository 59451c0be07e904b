// Package storetest gives tests real stores: a fresh PostgreSQL schema, a
// fresh embedded database, and a Redis key prefix of their own, all removed
// when the test ends. PostgreSQL and Redis must be running (.ci/run starts
// them); a test fails, not skips, when they are not.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/redisstore"
)

// PostgresURL is the server tests use: HOTLINE_TEST_DATABASE_URL, or the
// local one of README's quick start.
func PostgresURL() string {
	if u := os.Getenv("HOTLINE_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// RedisURL is the server tests use: HOTLINE_TEST_REDIS_URL or the local one.
func RedisURL() string {
	if u := os.Getenv("HOTLINE_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// Name returns a random name for a schema or key prefix.
func Name(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// PostgresSchemaURL creates an empty schema and returns a URL whose
// connections use it; the schema is dropped after the test.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	admin, err := store.OpenPostgres(ctx, PostgresURL())
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	schema := Name("t_")
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, _ := url.Parse(PostgresURL())
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres opens a migrated database in a fresh schema and returns its
// records (the connection is rec.DB).
func Postgres(t testing.TB) *store.Records {
	t.Helper()
	db, err := store.OpenPostgres(context.Background(), PostgresSchemaURL(t))
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	migrate(t, db)
	return store.NewRecords(db)
}

// SQLite opens a migrated embedded database in a temporary directory and
// returns its records.
func SQLite(t testing.TB) *store.Records {
	t.Helper()
	db, err := store.OpenEmbedded(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	migrate(t, db)
	return store.NewRecords(db)
}

// Each runs f once per dialect, as subtests named postgres and sqlite.
func Each(t *testing.T, f func(t *testing.T, rec *store.Records)) {
	t.Run("postgres", func(t *testing.T) { f(t, Postgres(t)) })
	t.Run("sqlite", func(t *testing.T) { f(t, SQLite(t)) })
}

func migrate(t testing.TB, db *store.DB) {
	t.Helper()
	if err := db.Migrate(context.Background(), slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("migrate: %v", err)
	}
}

// Redis connects to the real Redis and returns key builders under a prefix
// of the test's own; every key under it is deleted after the test.
func Redis(t testing.TB) (*redisstore.Redis, redisstore.Keys) {
	t.Helper()
	ctx := context.Background()
	r, err := redisstore.Open(ctx, RedisURL())
	if err != nil {
		t.Fatalf("redis: %v", err)
	}
	keys := redisstore.Keys{Prefix: redisstore.KeyPrefix + Name("test") + ":"}
	t.Cleanup(func() {
		iter := r.Scan(context.Background(), 0, keys.Prefix+"*", 1000).Iterator()
		for iter.Next(context.Background()) {
			r.Del(context.Background(), iter.Val())
		}
		r.Close()
	})
	return r, keys
}

// CloseTicket resolves ticket id at at and closes it at the same time, as
// a customer's confirmation does: a served ticket to count or survey.
func CloseTicket(t testing.TB, tickets *store.Tickets, id int64, at time.Time) *bot.Ticket {
	t.Helper()
	moves := []bot.Transition{
		{Action: bot.Resolve, From: []bot.Status{bot.StatusOpen, bot.StatusAcknowledged}, To: bot.StatusResolved, At: at},
		{Action: bot.Confirm, From: []bot.Status{bot.StatusResolved}, To: bot.StatusClosed, At: at},
	}
	var tk *bot.Ticket
	for _, tr := range moves {
		var err error
		if tk, _, err = tickets.Move(context.Background(), id, tr, nil, nil); err != nil {
			t.Fatalf("%s ticket %d: %v", tr.Action, id, err)
		}
	}
	return tk
}
