package redisstore

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// TokenCache adapts Redis to the cache interface of silenceper/wechat
// (Get/Set/IsExist/Delete), so every replica shares one access token
// instead of each fetching its own from a daily quota of 2,000. The
// library's own Redis cache is built on go-redis v8; this one is v9. Its
// methods take no context, so each call gets its own short timeout.
//
// A value read is also kept in this process for up to LocalTTL, so that a
// busy replica does not ask Redis for the token before every message. A
// token another replica has meanwhile replaced is refused by WeChat with
// 40001; the messenger then deletes it here, which drops the local copy.
type TokenCache struct {
	rdb     *Redis
	keys    Keys
	timeout time.Duration
	// LocalTTL bounds how long a value is served from this process.
	LocalTTL time.Duration
	// Now tells the time of the local copies.
	Now func() time.Time

	mu    sync.Mutex
	local map[string]localValue
}

type localValue struct {
	val   string
	until time.Time
}

// NewTokenCache builds the cache under keys' prefix.
func NewTokenCache(rdb *Redis, keys Keys) *TokenCache {
	return &TokenCache{rdb: rdb, keys: keys, timeout: 2 * time.Second, LocalTTL: 30 * time.Second,
		Now: time.Now, local: make(map[string]localValue)}
}

// remember keeps val for the shorter of ttl and LocalTTL; ttl <= 0 means
// the value does not expire in Redis.
func (c *TokenCache) remember(key, val string, ttl time.Duration) {
	if ttl <= 0 || ttl > c.LocalTTL {
		ttl = c.LocalTTL
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.local[key] = localValue{val: val, until: c.Now().Add(ttl)}
}

func (c *TokenCache) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.local, key)
}

func (c *TokenCache) recall(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.local[key]
	if ok && c.Now().Before(v.until) {
		return v.val, true
	}
	return "", false
}

func (c *TokenCache) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.timeout)
}

// Get returns the cached value as a string, or nil when absent (the
// library type-asserts it to string).
func (c *TokenCache) Get(key string) any {
	if v, ok := c.recall(key); ok {
		return v
	}
	ctx, cancel := c.ctx()
	defer cancel()
	rkey := c.keys.WeChatToken(key)
	pipe := c.rdb.Pipeline()
	get, ttl := pipe.Get(ctx, rkey), pipe.PTTL(ctx, rkey)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil
	}
	c.remember(key, get.Val(), ttl.Val())
	return get.Val()
}

// Set stores a string as it is and anything else as JSON.
func (c *TokenCache) Set(key string, val any, timeout time.Duration) error {
	ctx, cancel := c.ctx()
	defer cancel()
	s, ok := val.(string)
	if !ok {
		b, err := json.Marshal(val)
		if err != nil {
			return err
		}
		s = string(b)
	}
	if err := c.rdb.Set(ctx, c.keys.WeChatToken(key), s, timeout).Err(); err != nil {
		return err
	}
	c.remember(key, s, timeout)
	return nil
}

// IsExist reports whether key is cached.
func (c *TokenCache) IsExist(key string) bool {
	if _, ok := c.recall(key); ok {
		return true
	}
	ctx, cancel := c.ctx()
	defer cancel()
	n, err := c.rdb.Exists(ctx, c.keys.WeChatToken(key)).Result()
	return err == nil && n > 0
}

// Delete drops key.
func (c *TokenCache) Delete(key string) error {
	c.forget(key)
	ctx, cancel := c.ctx()
	defer cancel()
	return c.rdb.Del(ctx, c.keys.WeChatToken(key)).Err()
}
