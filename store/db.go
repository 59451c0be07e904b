// Package store keeps Hotline's records in PostgreSQL (or, for trials and
// small single-node installs, an embedded SQLite file): DB is the
// connection, and NewRecords builds one type per noun on it (Tickets,
// Staff, Jobs, Outbox, ...), each implementing what the bot declares it
// needs. The fast state in Redis is store/redisstore's.
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // PostgreSQL driver
	_ "modernc.org/sqlite" // embedded SQLite driver, pure Go
)

// Dialect names the SQL engine behind a DB.
type Dialect string

// The two engines the same store code runs on.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DB is the relational store. The same queries run on both dialects: they
// use $n parameters (SQLite accepts them), RETURNING and ON CONFLICT, and
// bind every time in UTC so SQLite's text timestamps compare correctly.
//
// DB is the connection only; the records live in the nouns NewRecords
// builds on it (Tickets, Staff, Jobs, ...).
type DB struct {
	*sqlx.DB
	Dialect Dialect

	stmts statements // prepared statements of the hottest writes
}

// OpenPostgres connects to PostgreSQL. The URL must be postgres:// or
// postgresql://; a missing sslmode is an error, because lib/pq's default
// (require) fails against a local server with a confusing message.
func OpenPostgres(ctx context.Context, rawURL string) (*DB, error) {
	if err := checkPostgresURL(rawURL); err != nil {
		return nil, err
	}
	db, err := sqlx.Open("postgres", withBinaryParameters(rawURL))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := pingWithin(ctx, db, 5*time.Second); err != nil {
		db.Close()
		return nil, fmt.Errorf("database unreachable: %w", err)
	}
	return &DB{DB: db, Dialect: Postgres}, nil
}

func checkPostgresURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("not a URL: %v", strings.TrimPrefix(err.Error(), "parse "))
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("scheme must be postgres://, got %q", u.Scheme)
	}
	if u.Host == "" {
		return errors.New("no host in the URL")
	}
	if u.Query().Get("sslmode") == "" {
		return errors.New("sslmode missing: add ?sslmode=disable (local) or ?sslmode=verify-full")
	}
	return nil
}

// withBinaryParameters adds binary_parameters=yes unless the URL sets it.
// lib/pq then sends a statement with its parameters in one round trip
// instead of preparing it first (two); []byte arguments go in binary
// format, so the stores pass text as string, never as []byte.
func withBinaryParameters(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL // checkPostgresURL has refused it already
	}
	q := u.Query()
	if q.Get("binary_parameters") != "" {
		return rawURL
	}
	q.Set("binary_parameters", "yes")
	u.RawQuery = q.Encode()
	return u.String()
}

// EmbeddedPath is the SQLite file OpenEmbedded opens under dir.
func EmbeddedPath(dir string) string { return filepath.Join(dir, "hotline.db") }

// OpenEmbedded opens (creating when needed) the SQLite file under dir.
func OpenEmbedded(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := EmbeddedPath(dir)
	// WAL lets readers run beside the one writer; busy_timeout makes
	// concurrent writers wait for each other instead of failing.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate"
	db, err := sqlx.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open embedded database: %w", err)
	}
	// One connection: SQLite has one writer, and a single connection turns
	// lock contention into plain queueing.
	db.SetMaxOpenConns(1)
	if err := pingWithin(ctx, db, 5*time.Second); err != nil {
		db.Close()
		return nil, fmt.Errorf("embedded database %s: %w", path, err)
	}
	return &DB{DB: db, Dialect: SQLite}, nil
}

func pingWithin(ctx context.Context, db *sqlx.DB, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return db.PingContext(ctx)
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.PingContext(ctx)
}

// inTx runs fn in a transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
