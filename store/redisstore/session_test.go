package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/intake"
	"github.com/hotline-desk/hotline/conversation"
	"github.com/hotline-desk/hotline/store/redisstore"
	"github.com/hotline-desk/hotline/store/storetest"
)

// eachRedis runs f on the real Redis and on the embedded one: the session
// scripts are Lua, which the embedded server interprets on its own.
func eachRedis(t *testing.T, f func(t *testing.T, rdb *redisstore.Redis, keys redisstore.Keys)) {
	t.Run("redis", func(t *testing.T) {
		rdb, keys := storetest.Redis(t)
		f(t, rdb, keys)
	})
	t.Run("embedded", func(t *testing.T) {
		rdb, err := redisstore.OpenEmbedded(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rdb.Close() })
		f(t, rdb, redisstore.Keys{Prefix: redisstore.KeyPrefix})
	})
}

func reply(text string) []bot.Reply { return []bot.Reply{{Text: text}} }

func stateOf(n int) conversation.Session {
	return conversation.Session{Misses: n, Profile: conversation.Profile{Name: "张三"}}
}

func TestCommitIsOptimistic(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb *redisstore.Redis, keys redisstore.Keys) {
		ctx := context.Background()
		a, b := redisstore.NewSessions(rdb, keys), redisstore.NewSessions(rdb, keys) // two replicas
		snap, err := a.Snapshot(ctx, "wechat", "o1")
		if err != nil || snap.Found || snap.Version != "" {
			t.Fatalf("new customer: %+v, %v", snap, err)
		}
		res, err := a.Commit(ctx, "m1", snap, stateOf(1), reply("一"))
		if err != nil || res.Outcome != intake.Committed {
			t.Fatalf("first commit: %+v, %v", res, err)
		}

		// Replica b sees m1's session and commits m2 from it.
		bsnap, err := b.Snapshot(ctx, "wechat", "o1")
		if err != nil || !bsnap.Found || bsnap.Session.Misses != 1 {
			t.Fatalf("replica b: %+v, %v", bsnap, err)
		}
		if res, err := b.Commit(ctx, "m2", bsnap, stateOf(2), reply("二")); err != nil || res.Outcome != intake.Committed {
			t.Fatalf("replica b's commit: %+v, %v", res, err)
		}

		// Replica a's copy is out of date: its commit is refused and it gets
		// the current session, from which the commit goes through.
		asnap, _ := a.Snapshot(ctx, "wechat", "o1")
		if asnap.Session.Misses != 1 {
			t.Fatalf("replica a's copy: %+v", asnap.Session)
		}
		res, err = a.Commit(ctx, "m3", asnap, stateOf(9), reply("三"))
		if err != nil || res.Outcome != intake.Stale || res.Current.Session.Misses != 2 {
			t.Fatalf("stale commit: %+v, %v", res, err)
		}
		if res, err := a.Commit(ctx, "m3", res.Current, stateOf(3), reply("三")); err != nil || res.Outcome != intake.Committed {
			t.Fatalf("commit from the current session: %+v, %v", res, err)
		}
		if s, found, err := b.Session(ctx, "wechat", "o1"); err != nil || !found || s.Misses != 3 {
			t.Fatalf("stored: %+v %v %v", s, found, err)
		}

		// A retry of m2 changes nothing and gets m2's replies.
		cur, _ := b.Snapshot(ctx, "wechat", "o1")
		res, err = b.Commit(ctx, "m2", cur, stateOf(99), reply("别的"))
		if err != nil || res.Outcome != intake.Handled || len(res.Replies) != 1 || res.Replies[0].Text != "二" {
			t.Fatalf("retry: %+v, %v", res, err)
		}
		if s, _, _ := a.Session(ctx, "wechat", "o1"); s.Misses != 3 {
			t.Fatalf("retry changed the session: %+v", s)
		}
	})
}

func TestLockedStep(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb *redisstore.Redis, keys redisstore.Keys) {
		ctx := context.Background()
		s := redisstore.NewSessions(rdb, keys)
		s.Poll = time.Millisecond
		if err := s.SaveSession(ctx, "wechat", "o1", stateOf(1)); err != nil {
			t.Fatal(err)
		}
		step, err := s.Begin(ctx, "m1", "wechat", "o1")
		if err != nil || step.Handled || step.Snapshot.Session.Misses != 1 {
			t.Fatalf("begin: %+v, %v", step, err)
		}

		// While m1 holds the lock, a quick commit of m2 is refused, and a
		// copy of m1 waits for m1's replies.
		snap, _ := s.Snapshot(ctx, "wechat", "o1")
		if res, err := s.Commit(ctx, "m2", snap, stateOf(2), reply("二")); err != nil || res.Outcome != intake.Busy {
			t.Fatalf("commit while locked: %+v, %v", res, err)
		}
		copied := make(chan intake.LockedStep)
		go func() {
			c, err := s.Begin(ctx, "m1", "wechat", "o1")
			if err != nil {
				t.Error(err)
			}
			copied <- c
		}()
		if err := s.Finish(ctx, step, stateOf(5), reply("工单已受理")); err != nil {
			t.Fatal(err)
		}
		if c := <-copied; !c.Handled || len(c.Replies) != 1 || c.Replies[0].Text != "工单已受理" {
			t.Fatalf("copy of m1: %+v", c)
		}

		// The lock is free again: m2 commits from the finished session.
		snap, _ = s.Snapshot(ctx, "wechat", "o1")
		if snap.Session.Misses != 5 {
			t.Fatalf("after finish: %+v", snap.Session)
		}
		if res, err := s.Commit(ctx, "m2", snap, stateOf(6), reply("二")); err != nil || res.Outcome != intake.Committed {
			t.Fatalf("commit after finish: %+v, %v", res, err)
		}

		// An aborted step forgets its claim, so a retry handles the message.
		step, err = s.Begin(ctx, "m3", "wechat", "o1")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Abort(ctx, step); err != nil {
			t.Fatal(err)
		}
		retry, err := s.Begin(ctx, "m3", "wechat", "o1")
		if err != nil || retry.Handled || retry.Snapshot.Session.Misses != 6 {
			t.Fatalf("retry after abort: %+v, %v", retry, err)
		}
		if err := s.Finish(ctx, retry, stateOf(7), reply("三")); err != nil {
			t.Fatal(err)
		}

		// A second step waits for the lock until its context ends.
		held, _ := s.Begin(ctx, "m4", "wechat", "o1")
		short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		if _, err := s.Begin(short, "m5", "wechat", "o1"); err == nil {
			t.Fatal("a second lock was granted while the first was held")
		}
		s.Abort(ctx, held)
	})
}

// Many replicas commit one customer's messages at once: every message
// counts once, and each step starts from the one before it.
func TestConcurrentCommitsSerialise(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb *redisstore.Redis, keys redisstore.Keys) {
		ctx := context.Background()
		const replicas, each = 4, 25
		var wg sync.WaitGroup
		for r := range replicas {
			s := redisstore.NewSessions(rdb, keys)
			wg.Go(func() {
				for i := range each {
					key := fmt.Sprintf("m%d-%d", r, i)
					snap, err := s.Snapshot(ctx, "wechat", "o1")
					for err == nil {
						var res intake.CommitResult
						res, err = s.Commit(ctx, key, snap, stateOf(snap.Session.Misses+1), reply(key))
						if err != nil || res.Outcome == intake.Committed {
							break
						}
						if res.Outcome != intake.Stale {
							t.Errorf("%s: %v", key, res.Outcome)
							return
						}
						snap = res.Current
					}
					if err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		s, _, err := redisstore.NewSessions(rdb, keys).Session(ctx, "wechat", "o1")
		if err != nil || s.Misses != replicas*each {
			t.Fatalf("steps counted: %d, want %d (%v)", s.Misses, replicas*each, err)
		}
	})
}

// A session written before sessions carried versions is still read.
func TestUnversionedSession(t *testing.T) {
	rdb, keys := storetest.Redis(t)
	ctx := context.Background()
	rdb.Set(ctx, keys.Session("wechat", "o1"), `{"misses":4,"profile":{"name":"张三"}}`, time.Hour)
	s := redisstore.NewSessions(rdb, keys)
	snap, err := s.Snapshot(ctx, "wechat", "o1")
	if err != nil || !snap.Found || snap.Session.Misses != 4 || snap.Version != "" {
		t.Fatalf("snapshot: %+v, %v", snap, err)
	}
	if res, err := s.Commit(ctx, "m1", snap, stateOf(5), nil); err != nil || res.Outcome != intake.Committed {
		t.Fatalf("commit: %+v, %v", res, err)
	}
}

// Scripts survive a Redis that forgot them (a restart or SCRIPT FLUSH).
func TestScriptsAfterFlush(t *testing.T) {
	rdb, err := redisstore.OpenEmbedded(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	ctx := context.Background()
	s := redisstore.NewSessions(rdb, redisstore.Keys{Prefix: redisstore.KeyPrefix})
	snap, _ := s.Snapshot(ctx, "wechat", "o1")
	if res, err := s.Commit(ctx, "m1", snap, stateOf(1), nil); err != nil || res.Outcome != intake.Committed {
		t.Fatalf("commit: %+v, %v", res, err)
	}
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	snap, _ = s.Snapshot(ctx, "wechat", "o1")
	if res, err := s.Commit(ctx, "m2", snap, stateOf(2), nil); err != nil || res.Outcome != intake.Committed {
		t.Fatalf("commit after SCRIPT FLUSH: %+v, %v", res, err)
	}
}

// A step that outlives the customer's lock does not write over a session
// another step changed meanwhile (ErrLockLost: the desk takes it again);
// one that outlived it with nothing changed is saved.
func TestFinishAfterTheLockRanOut(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb *redisstore.Redis, keys redisstore.Keys) {
		ctx := context.Background()
		s := redisstore.NewSessions(rdb, keys)
		if err := s.SaveSession(ctx, "wechat", "o1", stateOf(1)); err != nil {
			t.Fatal(err)
		}
		runOut := func() { // the lock's TTL runs out
			if err := rdb.Del(ctx, keys.Lock("wechat", "o1")).Err(); err != nil {
				t.Fatal(err)
			}
		}
		slow, err := s.Begin(ctx, "m1", "wechat", "o1")
		if err != nil {
			t.Fatal(err)
		}
		runOut()
		snap, _ := s.Snapshot(ctx, "wechat", "o1")
		if res, err := s.Commit(ctx, "m2", snap, stateOf(2), reply("二")); err != nil || res.Outcome != intake.Committed {
			t.Fatalf("the newer step: %+v, %v", res, err)
		}
		if err := s.Finish(ctx, slow, stateOf(9), reply("慢")); !errors.Is(err, intake.ErrLockLost) {
			t.Fatalf("finish of the slow step: %v, want ErrLockLost", err)
		}
		if cur, _, _ := s.Session(ctx, "wechat", "o1"); cur.Misses != 2 {
			t.Fatalf("the session was written over: %+v", cur)
		}
		s.Abort(ctx, slow)

		alone, err := s.Begin(ctx, "m3", "wechat", "o1")
		if err != nil {
			t.Fatal(err)
		}
		runOut()
		if err := s.Finish(ctx, alone, stateOf(3), reply("三")); err != nil {
			t.Fatalf("finish with nothing changed meanwhile: %v", err)
		}
		if cur, _, _ := s.Session(ctx, "wechat", "o1"); cur.Misses != 3 {
			t.Fatalf("not saved: %+v", cur)
		}

		// The lost lock taken by a newer step at the same version: the
		// slow step is saved, and the newer one, finding the version moved,
		// is taken again rather than written over it.
		slow, _ = s.Begin(ctx, "m4", "wechat", "o1")
		runOut()
		newer, err := s.Begin(ctx, "m5", "wechat", "o1")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(ctx, slow, stateOf(4), reply("四")); err != nil {
			t.Fatalf("the slow step at an unchanged version: %v", err)
		}
		if err := s.Finish(ctx, newer, stateOf(5), reply("五")); !errors.Is(err, intake.ErrLockLost) {
			t.Fatalf("the newer step after the slow one wrote: %v, want ErrLockLost", err)
		}
		if cur, _, _ := s.Session(ctx, "wechat", "o1"); cur.Misses != 4 {
			t.Fatalf("the slow step's session was written over: %+v", cur)
		}
		s.Abort(ctx, newer)
	})
}

// A step whose claimer died mid-way (kill -9 between claiming a message and
// finishing it) is taken over by a retry of the message as soon as the
// dead claimer's lock runs out, well within WeChat's retries; a live
// claimer holds its lock and claim (Hold) for as long as its step runs, and
// its retries wait for its replies.
func TestRetryTakesOverADeadClaim(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb *redisstore.Redis, keys redisstore.Keys) {
		ctx := context.Background()
		s := redisstore.NewSessions(rdb, keys)
		s.Poll, s.LockTTL = time.Millisecond, 300*time.Millisecond
		if _, err := s.Begin(ctx, "m1", "wechat", "o1"); err != nil { // then it dies: no Hold, no Finish
			t.Fatal(err)
		}
		start := time.Now()
		retry, err := s.Begin(ctx, "m1", "wechat", "o1")
		if err != nil || retry.Handled {
			t.Fatalf("the retry of a dead step: %+v, %v", retry, err)
		}
		if waited := time.Since(start); waited > 2*time.Second {
			t.Fatalf("the retry waited %v for the dead claim", waited)
		}
		release := s.Hold(ctx, retry)
		copied := make(chan intake.LockedStep)
		go func() {
			c, err := s.Begin(ctx, "m1", "wechat", "o1")
			if err != nil {
				t.Error(err)
			}
			copied <- c
		}()
		time.Sleep(4 * s.LockTTL) // a slow step, alive: its lock is renewed, the copy waits
		select {
		case c := <-copied:
			t.Fatalf("a copy took over a live step: %+v", c)
		default:
		}
		if err := s.Finish(ctx, retry, stateOf(2), reply("工单已受理")); err != nil {
			t.Fatal(err)
		}
		release()
		if c := <-copied; !c.Handled || len(c.Replies) != 1 || c.Replies[0].Text != "工单已受理" {
			t.Fatalf("the copy of the live step: %+v", c)
		}
	})
}

// The embedded server's keys expire in real time, as Redis's do: without
// it, no lock, claim or recorded reply would ever run out in a trial.
func TestEmbeddedKeysExpire(t *testing.T) {
	rdb, err := redisstore.OpenEmbedded(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Set(ctx, "k", "v", 100*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if n, _ := rdb.Exists(ctx, "k").Result(); n == 0 {
			return
		}
	}
	t.Fatal("a key with a 100 ms TTL outlived 2 s")
}
