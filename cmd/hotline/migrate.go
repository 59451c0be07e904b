package main

import (
	"context"
)

func runMigrate(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "migrate", "migrate\n\nApplies the embedded database migrations (PostgreSQL or the embedded\ndatabase, as HOTLINE_DATABASE_URL says) and exits. Safe to run from\nseveral replicas at once: an advisory lock serialises them.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := LoadConfig(env.getenv)
	if err != nil {
		return err
	}
	log := newLogger(env.stderr, cfg.LogLevel, cfg.Location)
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Migrate(ctx, log)
}
