package store

import (
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// The roster is read again once rosterTTL has passed, and a read that began
// before a change is not kept.
func TestRosterCache(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := newRosterCache()
	c.now = func() time.Time { return now }
	if _, ok := c.recall(); ok {
		t.Fatal("empty cache recalled a roster")
	}
	c.remember(c.generation(), nil)
	if staff, ok := c.recall(); !ok || len(staff) != 0 {
		t.Fatalf("empty roster not kept: %v, %v", staff, ok)
	}
	now = now.Add(rosterTTL)
	if _, ok := c.recall(); ok {
		t.Fatal("roster recalled after its TTL")
	}
	gen := c.generation()
	c.forget() // a change while the roster was being read
	c.remember(gen, []bot.Staff{{Number: "001"}})
	if _, ok := c.recall(); ok {
		t.Fatal("a read from before a change was kept")
	}
}
