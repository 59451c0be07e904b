package store

import (
	"context"
	"encoding/json"
	"time"
)

// TokenCache adapts Redis to the cache interface of silenceper/wechat
// (Get/Set/IsExist/Delete), so every replica shares one access token
// instead of each fetching its own from a daily quota of 2,000. The
// library's own Redis cache is built on go-redis v8; this one is v9. Its
// methods take no context, so each call gets its own short timeout.
type TokenCache struct {
	rdb     *Redis
	keys    Keys
	timeout time.Duration
}

// NewTokenCache builds the cache under keys' prefix.
func NewTokenCache(rdb *Redis, keys Keys) *TokenCache {
	return &TokenCache{rdb: rdb, keys: keys, timeout: 2 * time.Second}
}

func (c *TokenCache) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.timeout)
}

// Get returns the cached value as a string, or nil when absent (the
// library type-asserts it to string).
func (c *TokenCache) Get(key string) any {
	ctx, cancel := c.ctx()
	defer cancel()
	v, err := c.rdb.Get(ctx, c.keys.WeChatToken(key)).Result()
	if err != nil {
		return nil
	}
	return v
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
	return c.rdb.Set(ctx, c.keys.WeChatToken(key), s, timeout).Err()
}

// IsExist reports whether key is cached.
func (c *TokenCache) IsExist(key string) bool {
	ctx, cancel := c.ctx()
	defer cancel()
	n, err := c.rdb.Exists(ctx, c.keys.WeChatToken(key)).Result()
	return err == nil && n > 0
}

// Delete drops key.
func (c *TokenCache) Delete(key string) error {
	ctx, cancel := c.ctx()
	defer cancel()
	return c.rdb.Del(ctx, c.keys.WeChatToken(key)).Err()
}
