package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/intake"
	"github.com/hotline-desk/hotline/conversation"
)

// Sessions keeps dialogue state, customer locks and the replies of handled
// messages in Redis, with copies of recent sessions in this process. It
// implements intake.SessionStore.
type Sessions struct {
	rdb  *Redis
	keys Keys
	near *nearCache
	// SessionTTL is how long an idle session is kept; after it the next
	// message rebuilds the session from the database. The dialogue's own
	// 30-minute idle rule is conversation.IdleTimeout.
	SessionTTL time.Duration
	// ClaimTTL bounds how long a claim outlives its step; a retry takes a
	// message over as soon as its claimer's lock is gone (it died mid-way),
	// and Hold renews both while the step runs.
	ClaimTTL time.Duration
	// RepliesTTL is how long a handled message's replies are kept for
	// retries; WeChat retries within about 15 seconds.
	RepliesTTL time.Duration
	// LockTTL bounds how long a customer's lock outlives a dead holder: a
	// live one renews it (Hold), so it can be short, and WeChat's retries
	// (about 5, 10 and 15 seconds after the first try) find a step lost
	// in a crash and take it again.
	LockTTL time.Duration
	// Poll is how often a waiter looks again.
	Poll time.Duration
}

var _ intake.SessionStore = (*Sessions)(nil)

// NewSessions uses rdb with keys built by keys.
func NewSessions(rdb *Redis, keys Keys) *Sessions {
	return &Sessions{rdb: rdb, keys: keys, near: newNearCache(100_000), SessionTTL: 7 * 24 * time.Hour, ClaimTTL: 30 * time.Second,
		RepliesTTL: time.Hour, LockTTL: 4 * time.Second, Poll: 10 * time.Millisecond}
}

// A session is stored as its version, a newline and its JSON. The version
// is a random token written with every change, so a step taken from a copy
// that has meanwhile changed is refused (no ABA: a token never comes back).
// A value without a newline is a session from before versions: version "".

// commitScript saves a step taken without side effects. A message claimed
// by a step with effects is busy: the locked path waits for it or takes
// it over. KEYS: the message's inbound key, the session, the customer's
// lock. ARGV: the version the step started from, the new value, the
// replies, the session's and the replies' TTL in milliseconds, the
// claims' prefix.
var commitScript = redis.NewScript(versionOf + `
local done = redis.call('GET', KEYS[1])
if done and string.sub(done, 1, #ARGV[6]) == ARGV[6] then return {'busy'} end
if done then return {'done', done} end
if redis.call('EXISTS', KEYS[3]) == 1 then return {'busy'} end
local cur = redis.call('GET', KEYS[2])
if version(cur) ~= ARGV[1] then return {'stale', cur or ''} end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[5])
return {'ok'}`)

// beginScript claims a message and locks its customer for a step with
// side effects. A message claimed before is 'claimed' while its claimer
// holds the customer's lock; once that lock is gone (the claimer died
// mid-step) the message is taken over. KEYS: inbound key, lock, session.
// ARGV: lock token, lock TTL, claim TTL (milliseconds), the claims'
// prefix; a claim is the prefix and its claimer's lock token.
var beginScript = redis.NewScript(`
local done = redis.call('GET', KEYS[1])
if done then
  if string.sub(done, 1, #ARGV[4]) ~= ARGV[4] then return {'done', done} end
  if redis.call('GET', KEYS[2]) == string.sub(done, #ARGV[4] + 1) then return {'claimed'} end
end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'busy'} end
redis.call('SET', KEYS[1], ARGV[4] .. ARGV[1], 'PX', ARGV[3])
return {'ok', redis.call('GET', KEYS[3]) or ''}`)

// holdScript renews a step's lock and claim while they are still its own.
// KEYS: inbound key, lock. ARGV: lock token, the claim, lock TTL, claim
// TTL (milliseconds).
var holdScript = redis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
if redis.call('GET', KEYS[1]) == ARGV[2] then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return 1`)

// finishScript saves a locked step and releases the lock if it is still
// ours. The session must still be the version the step started from: while
// the lock is the step's nobody else writes it, and a step whose lock ran
// out while another changed the session writes nothing and answers 0, to be
// taken again (a later step that took the lost lock finds the version moved
// in turn, and is taken again on this one's session). KEYS: inbound key,
// lock, session. ARGV: lock token, the session's value, the replies, the
// session's and the replies' TTL, the version the step started from.
var finishScript = redis.NewScript(versionOf + `
if version(redis.call('GET', KEYS[3])) ~= ARGV[6] then return 0 end
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[4])
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[5])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`)

// abortScript forgets a claim still in progress and releases the lock if
// it is still ours. KEYS: inbound key, lock. ARGV: lock token, the claim's
// value.
var abortScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[2] then redis.call('DEL', KEYS[1]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`)

// versionOf is the Lua twin of splitSession.
const versionOf = `
local function version(v)
  if not v then return '' end
  local i = string.find(v, '\n', 1, true)
  if not i then return '' end
  return string.sub(v, 1, i - 1)
end`

// claimed begins the value of an inbound key while its message is
// handled; the claimer's lock token follows.
const claimed = "…"

// Session implements intake.SessionStore. It reads Redis, never the copy
// held in this process.
func (s *Sessions) Session(ctx context.Context, channel, openID string) (conversation.Session, bool, error) {
	snap, err := s.load(ctx, channel, openID)
	return snap.Session, snap.Found, err
}

// Snapshot implements intake.SessionStore: the copy held in this process when
// there is one (Commit finds out if it is out of date), Redis otherwise.
func (s *Sessions) Snapshot(ctx context.Context, channel, openID string) (intake.SessionSnapshot, error) {
	if v, ok := s.near.get(s.keys.Session(channel, openID)); ok {
		return decodeSession(channel, openID, v)
	}
	return s.load(ctx, channel, openID)
}

func (s *Sessions) load(ctx context.Context, channel, openID string) (intake.SessionSnapshot, error) {
	key := s.keys.Session(channel, openID)
	v, err := s.rdb.get(ctx, key).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return intake.SessionSnapshot{Channel: channel, OpenID: openID}, err
	}
	s.near.put(key, v)
	return decodeSession(channel, openID, v)
}

// SaveSession writes a session unconditionally, as a new version (seeding
// a customer's dialogue; steps use Commit and Finish).
func (s *Sessions) SaveSession(ctx context.Context, channel, openID string, sess conversation.Session) error {
	v, err := encodeSession(sess)
	if err != nil {
		return err
	}
	key := s.keys.Session(channel, openID)
	s.near.drop(key)
	return s.rdb.Set(ctx, key, v, s.SessionTTL).Err()
}

// Commit implements intake.SessionStore.
func (s *Sessions) Commit(ctx context.Context, key string, prev intake.SessionSnapshot, next conversation.Session, replies []bot.Reply) (intake.CommitResult, error) {
	v, data, err := encodeStep(next, replies)
	if err != nil {
		return intake.CommitResult{}, err
	}
	skey := s.keys.Session(prev.Channel, prev.OpenID)
	res, err := s.rdb.runScript(ctx, commitScript, []string{s.keys.Inbound(key), skey, s.keys.Lock(prev.Channel, prev.OpenID)},
		prev.Version, v, data, s.SessionTTL.Milliseconds(), s.RepliesTTL.Milliseconds(), claimed).StringSlice()
	if err != nil {
		s.near.drop(skey)
		return intake.CommitResult{}, err
	}
	switch res[0] {
	case "ok":
		s.near.put(skey, v)
		return intake.CommitResult{Outcome: intake.Committed}, nil
	case "done":
		rs, err := decodeReplies(res[1])
		return intake.CommitResult{Outcome: intake.Handled, Replies: rs}, err
	case "stale":
		s.near.put(skey, res[1])
		cur, err := decodeSession(prev.Channel, prev.OpenID, res[1])
		return intake.CommitResult{Outcome: intake.Stale, Current: cur}, err
	default:
		s.near.drop(skey)
		return intake.CommitResult{Outcome: intake.Busy}, nil
	}
}

// Begin implements intake.SessionStore.
func (s *Sessions) Begin(ctx context.Context, key, channel, openID string) (intake.LockedStep, error) {
	skey := s.keys.Session(channel, openID)
	keys := []string{s.keys.Inbound(key), s.keys.Lock(channel, openID), skey}
	step := intake.LockedStep{Key: key, Token: randomToken()}
	for {
		res, err := s.rdb.runScript(ctx, beginScript, keys, step.Token, s.LockTTL.Milliseconds(), s.ClaimTTL.Milliseconds(), claimed).StringSlice()
		if err != nil {
			return step, err
		}
		switch res[0] {
		case "ok":
			s.near.put(skey, res[1])
			step.Snapshot, err = decodeSession(channel, openID, res[1])
			return step, err
		case "done":
			step.Handled = true
			step.Replies, err = decodeReplies(res[1])
			return step, err
		}
		// busy, or claimed by a live step: wait for it (its replies, or
		// the lock its claimer leaves when it dies)
		if err := s.wait(ctx); err != nil {
			return step, fmt.Errorf("customer busy: %w", err)
		}
	}
}

// Finish implements intake.SessionStore.
func (s *Sessions) Finish(ctx context.Context, step intake.LockedStep, next conversation.Session, replies []bot.Reply) error {
	v, data, err := encodeStep(next, replies)
	if err != nil {
		return err
	}
	snap := step.Snapshot
	skey := s.keys.Session(snap.Channel, snap.OpenID)
	written, err := s.rdb.runScript(ctx, finishScript, []string{s.keys.Inbound(step.Key), s.keys.Lock(snap.Channel, snap.OpenID), skey},
		step.Token, v, data, s.SessionTTL.Milliseconds(), s.RepliesTTL.Milliseconds(), snap.Version).Int()
	if err == nil && written == 0 {
		err = intake.ErrLockLost
	}
	if err != nil {
		s.near.drop(skey)
		return err
	}
	s.near.put(skey, v)
	return nil
}

// Abort implements intake.SessionStore.
func (s *Sessions) Abort(ctx context.Context, step intake.LockedStep) error {
	snap := step.Snapshot
	return s.rdb.runScript(ctx, abortScript, []string{s.keys.Inbound(step.Key), s.keys.Lock(snap.Channel, snap.OpenID)},
		step.Token, claimed+step.Token).Err()
}

// Hold implements intake.SessionStore: while the step runs, its lock and
// claim are renewed every third of the lock's TTL, so a slow step keeps
// them and a dead one loses them within the TTL.
func (s *Sessions) Hold(ctx context.Context, step intake.LockedStep) (release func()) {
	snap := step.Snapshot
	keys := []string{s.keys.Inbound(step.Key), s.keys.Lock(snap.Channel, snap.OpenID)}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(max(s.LockTTL/3, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.rdb.runScript(ctx, holdScript, keys, step.Token, claimed+step.Token, s.LockTTL.Milliseconds(), s.ClaimTTL.Milliseconds())
			}
		}
	}()
	return func() { cancel(); <-done }
}

// decodeReplies decodes a message's recorded replies.
func decodeReplies(data string) ([]bot.Reply, error) {
	var replies []bot.Reply
	return replies, json.Unmarshal([]byte(data), &replies)
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

// encodeStep is what a step stores: the session as a new version, and the
// replies recorded for its message.
func encodeStep(next conversation.Session, replies []bot.Reply) (string, []byte, error) {
	v, err := encodeSession(next)
	if err != nil {
		return "", nil, err
	}
	data, err := json.Marshal(replies)
	return v, data, err
}

func encodeSession(sess conversation.Session) (string, error) {
	data, err := json.Marshal(sess)
	if err != nil {
		return "", err
	}
	return strconv.FormatUint(rand.Uint64(), 36) + "\n" + string(data), nil
}

// decodeSession reads a stored value; "" is no session.
func decodeSession(channel, openID, v string) (intake.SessionSnapshot, error) {
	snap := intake.SessionSnapshot{Channel: channel, OpenID: openID}
	if v == "" {
		return snap, nil
	}
	version, data, ok := strings.Cut(v, "\n")
	if !ok {
		version, data = "", v
	}
	if err := json.Unmarshal([]byte(data), &snap.Session); err != nil {
		return intake.SessionSnapshot{Channel: channel, OpenID: openID}, fmt.Errorf("decode session: %w", err)
	}
	snap.Found, snap.Version = true, version
	return snap, nil
}

func randomToken() string {
	return strconv.FormatUint(rand.Uint64(), 36) + strconv.FormatUint(rand.Uint64(), 36)
}
