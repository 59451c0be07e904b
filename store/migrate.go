package store

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations
var migrations embed.FS

// Migrate applies every embedded migration not yet applied. On PostgreSQL a
// session advisory lock makes concurrent starters wait for each other, so
// two replicas starting together apply the schema once. SQLite is one file
// with one writer and needs no lock beyond its own.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	p, err := db.migrator()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", slog.String("file", r.Source.Path), slog.Duration("took", r.Duration))
	}
	return nil
}

// migrationLockID is the advisory lock migrators take: one per schema, so
// replicas on one schema wait for each other while deployments (and test
// runs) in other schemas of the same database do not.
func (db *DB) migrationLockID() (int64, error) {
	var schema string
	if err := db.Get(&schema, `SELECT current_schema()`); err != nil {
		return 0, fmt.Errorf("current schema: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("hotline migrations " + schema))
	return int64(h.Sum64() >> 1), nil
}

func (db *DB) migrator() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+string(db.Dialect))
	if err != nil {
		return nil, err
	}
	if db.Dialect == SQLite {
		return goose.NewProvider(goose.DialectSQLite3, db.DB.DB, fsys)
	}
	id, err := db.migrationLockID()
	if err != nil {
		return nil, err
	}
	// Retry every second: a replica waiting for another's migration starts
	// serving a few seconds sooner than with goose's 5-second default.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, db.DB.DB, fsys, goose.WithSessionLocker(locker))
}

// MigrationVersions are the schema's version (0 for none) and the newest
// this binary has: equal when the database is current. It only reads:
// goose's own GetVersions would create its version table in an empty
// schema, which hotline doctor must not do.
func (db *DB) MigrationVersions(ctx context.Context) (current, latest int64, err error) {
	p, err := db.migrator()
	if err != nil {
		return 0, 0, err
	}
	for _, s := range p.ListSources() {
		latest = max(latest, s.Version)
	}
	exists := `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'goose_db_version'`
	if db.Dialect == SQLite {
		exists = `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`
	}
	var n int
	if err := db.GetContext(ctx, &n, exists); err != nil || n == 0 {
		return 0, latest, mapError(err)
	}
	err = db.GetContext(ctx, &current, `SELECT COALESCE(max(version_id), 0) FROM goose_db_version WHERE is_applied`)
	return current, latest, mapError(err)
}
