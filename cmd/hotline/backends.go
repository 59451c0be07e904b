package main

import (
	"context"
	"log/slog"

	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/redisstore"
)

// backends are the two stores, real or embedded: the database's records
// (rec.DB is the connection) and Redis.
type backends struct {
	rec   *store.Records
	redis *redisstore.Redis
}

func (b *backends) Close() {
	if b.redis != nil {
		b.redis.Close()
	}
	if b.rec != nil {
		b.rec.DB.Close()
	}
}

// openDB opens PostgreSQL when HOTLINE_DATABASE_URL is set, else the
// embedded file.
func openDB(ctx context.Context, cfg *Config) (*store.DB, error) {
	if cfg.DatabaseURL == "" {
		db, err := store.OpenEmbedded(ctx, cfg.DataDir)
		if err != nil {
			return nil, &envError{"HOTLINE_DATA_DIR", err.Error()}
		}
		return db, nil
	}
	db, err := store.OpenPostgres(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, &envError{"HOTLINE_DATABASE_URL", err.Error()}
	}
	return db, nil
}

// openBackends opens both stores and says once which ones are in use.
func openBackends(ctx context.Context, cfg *Config, log *slog.Logger) (*backends, error) {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	b := &backends{rec: store.NewRecords(db)}
	if cfg.RedisURL == "" {
		b.redis, err = redisstore.OpenEmbedded(ctx)
	} else {
		b.redis, err = redisstore.Open(ctx, cfg.RedisURL)
	}
	if err != nil {
		b.Close()
		return nil, &envError{"HOTLINE_REDIS_URL", err.Error()}
	}
	logBackends(log, cfg)
	return b, nil
}

func logBackends(log *slog.Logger, cfg *Config) {
	dbKind, redisKind := "postgresql", "redis"
	if cfg.DatabaseURL == "" {
		dbKind = "embedded sqlite (" + cfg.DataDir + "/hotline.db)"
	}
	if cfg.RedisURL == "" {
		redisKind = "embedded in-process redis"
	}
	msg := "backends"
	if cfg.DatabaseURL == "" || cfg.RedisURL == "" {
		msg = "backends: embedded stores are meant for trying Hotline and for small single-node installs; set HOTLINE_DATABASE_URL and HOTLINE_REDIS_URL for production"
	}
	log.Info(msg, slog.String("database", dbKind), slog.String("redis", redisKind))
}
