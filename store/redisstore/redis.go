// Package redisstore keeps Hotline's fast state in Redis (or an embedded
// in-process Redis-compatible server): customers' sessions, what staff and
// customers are asked next, the shared survey pace and the WeChat access
// token. Nothing in it is the only copy of a record; the records are
// package store's. Every key is built by Keys, under one prefix.
package redisstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Redis is the fast store: customer sessions, dedupe marks, the access-token
// cache and timer indexes. Nothing in it is the only copy of a record.
type Redis struct {
	*redis.Client
	embedded *miniredis.Miniredis
	stopTTL  func() // stops the embedded server's clock
	pipe     *pipeliner
}

func init() {
	// go-redis prints pool errors on the standard logger; Hotline reports
	// connection failures itself, once, through its own errors.
	redis.SetLogger(quietLogger{})
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// Open connects to the Redis at rawURL (redis:// or rediss://).
func Open(ctx context.Context, rawURL string) (*Redis, error) {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("not a Redis URL: %w", err)
	}
	opt.DialTimeout = 3 * time.Second
	opt.ReadTimeout = 3 * time.Second
	opt.WriteTimeout = 3 * time.Second
	opt.PoolSize = 64
	rdb := redis.NewClient(opt)
	if err := pingRedis(ctx, rdb); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redis unreachable at %s: %w", opt.Addr, err)
	}
	return &Redis{Client: rdb, pipe: newPipeliner(rdb)}, nil
}

// OpenEmbedded starts an in-process Redis-compatible server on a
// loopback port and connects the same go-redis client to it. Its contents
// live in memory only: sessions in progress do not survive a restart.
func OpenEmbedded(ctx context.Context) (*Redis, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	if err := pingRedis(ctx, rdb); err != nil {
		m.Close()
		return nil, fmt.Errorf("embedded redis: %w", err)
	}
	return &Redis{Client: rdb, embedded: m, stopTTL: runTTLs(m), pipe: newPipeliner(rdb)}, nil
}

// ttlTick is how often the embedded server's keys age.
const ttlTick = 50 * time.Millisecond

// runTTLs makes the embedded server's TTLs run out in real time: miniredis
// ages keys only when told (FastForward), so without this no lock, claim,
// session or recorded reply would ever expire, and a long-running trial
// would keep every message's replies for good.
func runTTLs(m *miniredis.Miniredis) (stop func()) {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(ttlTick)
		defer t.Stop()
		last := time.Now()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				m.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); <-stopped }) }
}

func pingRedis(ctx context.Context, rdb *redis.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return rdb.Ping(ctx).Err()
}

// Ping reports whether Redis answers.
func (r *Redis) Ping(ctx context.Context) error {
	return r.Client.Ping(ctx).Err()
}

// Close closes the client and stops the embedded server, if any.
func (r *Redis) Close() error {
	r.pipe.close()
	err := r.Client.Close()
	if r.embedded != nil {
		r.stopTTL()
		r.embedded.Close()
	}
	return err
}
