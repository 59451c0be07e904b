package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/conversation"
)

// Sessions keeps dialogue state, customer locks and the inbound log in
// Redis. It implements bot.SessionStore and bot.InboundLog.
type Sessions struct {
	rdb  *Redis
	keys Keys
	// SessionTTL is how long an idle session is kept; after it the next
	// message rebuilds the session from the database. The dialogue's own
	// 30-minute idle rule is conversation.IdleTimeout.
	SessionTTL time.Duration
	// ClaimTTL bounds how long a claimed message may take before a retry
	// may handle it again (a replica that died mid-way).
	ClaimTTL time.Duration
	// RepliesTTL is how long a handled message's replies are kept for
	// retries; WeChat retries within about 15 seconds.
	RepliesTTL time.Duration
	// LockTTL bounds how long a customer's lock outlives a dead holder.
	LockTTL time.Duration
	// Poll is how often a waiter looks again.
	Poll time.Duration
}

// NewSessions uses rdb with keys built by keys.
func NewSessions(rdb *Redis, keys Keys) *Sessions {
	return &Sessions{rdb: rdb, keys: keys, SessionTTL: 7 * 24 * time.Hour, ClaimTTL: 30 * time.Second,
		RepliesTTL: time.Hour, LockTTL: 15 * time.Second, Poll: 10 * time.Millisecond}
}

// Session implements bot.SessionStore.
func (s *Sessions) Session(ctx context.Context, channel, openID string) (conversation.Session, bool, error) {
	var sess conversation.Session
	data, err := s.rdb.Get(ctx, s.keys.Session(channel, openID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return sess, false, nil
	}
	if err != nil {
		return sess, false, err
	}
	if err := json.Unmarshal(data, &sess); err != nil {
		return sess, false, fmt.Errorf("decode session: %w", err)
	}
	return sess, true, nil
}

// SaveSession implements bot.SessionStore.
func (s *Sessions) SaveSession(ctx context.Context, channel, openID string, sess conversation.Session) error {
	data, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	return s.rdb.Set(ctx, s.keys.Session(channel, openID), data, s.SessionTTL).Err()
}

// unlockScript deletes a lock only if it still holds our token, so a
// holder that outlived its TTL cannot release someone else's lock.
var unlockScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// LockCustomer implements bot.SessionStore.
func (s *Sessions) LockCustomer(ctx context.Context, channel, openID string) (func(), error) {
	key := s.keys.Lock(channel, openID)
	token := randomToken()
	for {
		ok, err := s.rdb.SetNX(ctx, key, token, s.LockTTL).Result()
		if err != nil {
			return nil, err
		}
		if ok {
			return func() { unlockScript.Run(context.WithoutCancel(ctx), s.rdb, []string{key}, token) }, nil
		}
		if err := s.wait(ctx); err != nil {
			return nil, fmt.Errorf("customer busy: %w", err)
		}
	}
}

func (s *Sessions) wait(ctx context.Context) error {
	t := time.NewTimer(s.Poll)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func randomToken() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// claimed is the value of an inbound key while its message is handled.
const claimed = "…"

// Claim implements bot.InboundLog.
func (s *Sessions) Claim(ctx context.Context, key string) (bool, error) {
	return s.rdb.SetNX(ctx, s.keys.Inbound(key), claimed, s.ClaimTTL).Result()
}

// Finish implements bot.InboundLog.
func (s *Sessions) Finish(ctx context.Context, key string, replies []bot.Reply) error {
	data, err := json.Marshal(replies)
	if err != nil {
		return err
	}
	return s.rdb.Set(ctx, s.keys.Inbound(key), data, s.RepliesTTL).Err()
}

// Release implements bot.InboundLog.
func (s *Sessions) Release(ctx context.Context, key string) error {
	return s.rdb.Del(ctx, s.keys.Inbound(key)).Err()
}

// Replies implements bot.InboundLog: it waits while the first copy is
// being handled. A claim that vanished (the handler failed and released
// it) yields no replies: the failed copy already answered with an apology.
func (s *Sessions) Replies(ctx context.Context, key string) ([]bot.Reply, error) {
	for {
		data, err := s.rdb.Get(ctx, s.keys.Inbound(key)).Result()
		if errors.Is(err, redis.Nil) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if data != claimed {
			var replies []bot.Reply
			return replies, json.Unmarshal([]byte(data), &replies)
		}
		if err := s.wait(ctx); err != nil {
			return nil, err
		}
	}
}

// StaffState implements bot.StaffStateStore.
func (s *Sessions) StaffState(ctx context.Context, staffID int64) (bot.StaffState, error) {
	var st bot.StaffState
	data, err := s.rdb.Get(ctx, s.keys.StaffState(staffID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(data, &st)
}

// SetStaffState implements bot.StaffStateStore; the zero state is deleted.
func (s *Sessions) SetStaffState(ctx context.Context, staffID int64, st bot.StaffState) error {
	if st == (bot.StaffState{}) {
		return s.rdb.Del(ctx, s.keys.StaffState(staffID)).Err()
	}
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.rdb.Set(ctx, s.keys.StaffState(staffID), data, 24*time.Hour).Err()
}
