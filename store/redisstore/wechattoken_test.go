package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/store/redisstore"
	"github.com/hotline-desk/hotline/store/storetest"
)

func TestTokenCacheKeepsALocalCopy(t *testing.T) {
	rdb, keys := storetest.Redis(t)
	ctx := context.Background()
	a, b := redisstore.NewTokenCache(rdb, keys), redisstore.NewTokenCache(rdb, keys) // two replicas
	if a.Get("token") != nil || a.IsExist("token") {
		t.Fatal("empty cache answered")
	}
	if err := a.Set("token", "T1", time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := b.Get("token"); got != "T1" {
		t.Fatalf("replica b read %v", got)
	}

	// Redis loses the token: both replicas go on with their copies.
	rdb.Del(ctx, keys.WeChatToken("token"))
	if a.Get("token") != "T1" || b.Get("token") != "T1" || !b.IsExist("token") {
		t.Fatal("local copies not used")
	}

	// Another replica stored a new token; b's copy is refused by WeChat
	// (40001), so the messenger deletes it, and b reads Redis again.
	if err := a.Set("token", "T2", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete("token"); err != nil {
		t.Fatal(err)
	}
	if b.Get("token") != nil {
		t.Fatal("deleted token still served")
	}
	a.Set("token", "T3", time.Hour)
	if got := b.Get("token"); got != "T3" {
		t.Fatalf("after delete, replica b read %v", got)
	}
}

func TestTokenCacheCopyExpires(t *testing.T) {
	rdb, keys := storetest.Redis(t)
	ctx := context.Background()
	c := redisstore.NewTokenCache(rdb, keys)
	now := time.Now()
	c.Now = func() time.Time { return now }
	if err := c.Set("token", "T1", time.Hour); err != nil {
		t.Fatal(err)
	}
	rdb.Set(ctx, keys.WeChatToken("token"), "T2", time.Hour) // another replica
	if got := c.Get("token"); got != "T1" {
		t.Fatalf("within LocalTTL: %v", got)
	}
	now = now.Add(c.LocalTTL)
	if got := c.Get("token"); got != "T2" {
		t.Fatalf("after LocalTTL: %v", got)
	}
}
