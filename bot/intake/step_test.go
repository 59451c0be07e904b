package intake

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/conversation"
)

// sessions is a SessionStore in memory whose lock can find the session
// changed since it was last read (changeAtLock), as when another replica
// steps in between.
type sessions struct {
	snap         SessionSnapshot
	changeAtLock bool
	commits      int
	finished     []bot.Reply
	lostLocks    int // Finish answers ErrLockLost this many times (another step changed the session)
	aborts       int
}

func (s *sessions) Session(ctx context.Context, channel, openID string) (conversation.Session, bool, error) {
	return s.snap.Session, s.snap.Found, nil
}

func (s *sessions) Snapshot(ctx context.Context, channel, openID string) (SessionSnapshot, error) {
	return s.snap, nil
}

func (s *sessions) Commit(ctx context.Context, key string, prev SessionSnapshot, next conversation.Session, replies []bot.Reply) (CommitResult, error) {
	s.commits++
	return CommitResult{Outcome: Committed}, nil
}

func (s *sessions) Begin(ctx context.Context, key, channel, openID string) (LockedStep, error) {
	if s.changeAtLock {
		s.snap.Version += "'"
	}
	return LockedStep{Key: key, Snapshot: s.snap}, nil
}

func (s *sessions) Finish(ctx context.Context, step LockedStep, next conversation.Session, replies []bot.Reply) error {
	if s.lostLocks > 0 {
		s.lostLocks--
		s.snap.Version += "*" // the other step's change
		return ErrLockLost
	}
	s.finished = replies
	return nil
}

func (s *sessions) Abort(ctx context.Context, step LockedStep) error { s.aborts++; return nil }
func (s *sessions) Hold(context.Context, LockedStep) func()          { return func() {} }

// taker claims every text and counts how often it was asked.
type taker struct {
	claims, takes int
	took          any
}

func (t *taker) Claim(ctx context.Context, in bot.Inbound, s conversation.Session) any {
	t.claims++
	return t.claims
}

func (t *taker) Take(ctx context.Context, claim any, in bot.Inbound, s conversation.Session, now time.Time) (conversation.Session, []bot.Reply, bool, error) {
	t.takes++
	t.took = claim
	return s, []bot.Reply{{Text: "taken"}}, true, nil
}

func newTestDesk(s *sessions) *Desk {
	return New(Deps{Clock: func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) },
		Sessions: s, Log: slog.New(slog.DiscardHandler)})
}

var hello = bot.Inbound{Channel: "wechat", From: "o1", Key: "k1", Kind: bot.InboundText, Text: "你好"}

// A message whose step has effects is decided once: under the lock the
// step decided from the same session is carried out, not decided again.
func TestStepDecidedOnce(t *testing.T) {
	s := &sessions{snap: SessionSnapshot{Channel: "wechat", OpenID: "o1", Found: true, Version: "v1"}}
	d, tk := newTestDesk(s), &taker{}
	d.Take(tk)
	replies, err := d.HandleInbound(context.Background(), hello)
	if err != nil || len(replies) != 1 || replies[0].Text != "taken" {
		t.Fatalf("replies %+v, %v", replies, err)
	}
	if tk.claims != 1 || tk.takes != 1 || tk.took != 1 || s.commits != 0 || s.finished == nil {
		t.Fatalf("claims %d, takes %d (of claim %v), commits %d", tk.claims, tk.takes, tk.took, s.commits)
	}
}

// When the session changed between the decision and the lock (another
// replica's step), the step is decided again from the session as it is.
func TestStepDecidedAgainAfterARace(t *testing.T) {
	s := &sessions{snap: SessionSnapshot{Channel: "wechat", OpenID: "o1", Found: true, Version: "v1"}, changeAtLock: true}
	d, tk := newTestDesk(s), &taker{}
	d.Take(tk)
	if _, err := d.HandleInbound(context.Background(), hello); err != nil {
		t.Fatal(err)
	}
	if tk.claims != 2 || tk.takes != 1 || tk.took != 2 {
		t.Fatalf("claims %d, takes %d of claim %v; want the second claim taken", tk.claims, tk.takes, tk.took)
	}
}

// A step that changes only the dialogue is committed without the lock.
func TestQuietStepCommitted(t *testing.T) {
	s := &sessions{snap: SessionSnapshot{Channel: "wechat", OpenID: "o1", Found: true, Version: "v1"}}
	d := newTestDesk(s)
	replies, err := d.HandleInbound(context.Background(), hello)
	if err != nil || len(replies) == 0 || s.commits != 1 || s.finished != nil {
		t.Fatalf("replies %+v, %v; commits %d, finished %v", replies, err, s.commits, s.finished)
	}
}

// A step that outlived the customer's lock while another changed the
// session is taken again on the session as it now is, and its first try
// is aborted, not written; a taker's step (a survey answer, whose effects
// are not keyed by the message) is not taken again: its effects stand.
func TestStepTakenAgainWhenTheLockRanOut(t *testing.T) {
	callback := bot.Inbound{Channel: "wechat", From: "o1", Key: "k2", Kind: bot.InboundText, Text: "人工"}
	s := &sessions{snap: SessionSnapshot{Channel: "wechat", OpenID: "o1", Found: true, Version: "v1"}, lostLocks: 1}
	d := newTestDesk(s)
	replies, err := d.process(context.Background(), callback)
	if err != nil || len(replies) == 0 || s.finished == nil || s.aborts != 1 {
		t.Fatalf("replies %+v, %v; finished %v, aborts %d", replies, err, s.finished, s.aborts)
	}
	s = &sessions{snap: SessionSnapshot{Channel: "wechat", OpenID: "o1", Found: true, Version: "v1"}, lostLocks: 5}
	if _, err := newTestDesk(s).process(context.Background(), callback); !errors.Is(err, ErrLockLost) {
		t.Fatalf("a lock lost every time: %v, want ErrLockLost after three tries", err)
	}
	s = &sessions{snap: SessionSnapshot{Channel: "wechat", OpenID: "o1", Found: true, Version: "v1"}, lostLocks: 1}
	d, tk := newTestDesk(s), &taker{}
	d.Take(tk)
	replies, err = d.process(context.Background(), hello)
	if err != nil || len(replies) != 1 || tk.takes != 1 || s.aborts != 0 {
		t.Fatalf("a taker's step: replies %+v, %v; takes %d, aborts %d", replies, err, tk.takes, s.aborts)
	}
}
