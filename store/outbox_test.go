package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

const lease = 30 * time.Second

// updateLease is the lease the Telegram adapter gives update marks.
const updateLease = 2 * time.Minute

func enqueue(t *testing.T, rec *store.Records, chatID int64, kind, ref string, ticketID int64) int64 {
	t.Helper()
	id, err := rec.Outbox.Enqueue(context.Background(), bot.OutboxItem{
		ChatID: chatID, Kind: kind, Ref: ref, TicketID: ticketID,
		Payload: `{"Text":"hello"}`, CreatedAt: t0, DueAt: t0,
	})
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return id
}

func claimIDs(t *testing.T, rec *store.Records, now time.Time) []int64 {
	t.Helper()
	items, err := rec.Outbox.Claim(context.Background(), now, lease, 10)
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	ids := []int64{}
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	return ids
}

func wantClaim(t *testing.T, rec *store.Records, now time.Time, want ...int64) {
	t.Helper()
	if want == nil {
		want = []int64{}
	}
	if diff := cmp.Diff(want, claimIDs(t, rec, now)); diff != "" {
		t.Fatalf("claim at %v (-want +got):\n%s", now.Sub(t0), diff)
	}
}

func TestOutboxClaimLeaseAndSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		id := enqueue(t, rec, 100, bot.OutboxSend, "ping:1", 1)

		items, err := rec.Outbox.Claim(ctx, t0, lease, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []bot.OutboxItem{{ID: id, ChatID: 100, Kind: "send", Ref: "ping:1", TicketID: 1,
			Payload: `{"Text":"hello"}`, CreatedAt: t0, DueAt: t0}}
		if diff := cmp.Diff(want, items, cmp.Comparer(time.Time.Equal)); diff != "" {
			t.Fatalf("claimed (-want +got):\n%s", diff)
		}
		wantClaim(t, rec, t0.Add(lease-time.Second)) // leased
		wantClaim(t, rec, t0.Add(lease), id)         // the lease ran out: a dead worker's item comes back

		if err := rec.Outbox.MarkSent(ctx, id, 7, t0.Add(lease)); err != nil {
			t.Fatal(err)
		}
		wantClaim(t, rec, t0.Add(3*lease))
		if err := rec.Outbox.MarkSent(ctx, id, 7, t0.Add(lease)); err != nil {
			t.Fatalf("second mark: %v", err)
		}
	})
}

func TestOutboxNotDueYet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		id, err := rec.Outbox.Enqueue(context.Background(), bot.OutboxItem{ChatID: 1, Kind: bot.OutboxSend,
			Payload: "{}", CreatedAt: t0, DueAt: t0.Add(time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		wantClaim(t, rec, t0)
		wantClaim(t, rec, t0.Add(time.Minute), id)
	})
}

func TestOutboxRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		id := enqueue(t, rec, 100, bot.OutboxSend, "", 0)
		wantClaim(t, rec, t0, id)
		if err := rec.Outbox.Retry(ctx, id, t0.Add(time.Minute), "timeout"); err != nil {
			t.Fatal(err)
		}
		wantClaim(t, rec, t0.Add(time.Minute-time.Second))
		items, err := rec.Outbox.Claim(ctx, t0.Add(time.Minute), lease, 10)
		if err != nil || len(items) != 1 {
			t.Fatalf("claim after retry: %v %v", items, err)
		}
		if items[0].Attempts != 1 || items[0].LastError != "timeout" {
			t.Errorf("attempts %d, error %q; want 1, timeout", items[0].Attempts, items[0].LastError)
		}
	})
}

// A chat's messages go out in order: an item waits while an earlier one of
// its chat is in flight or waiting to retry; other chats are not held up.
// A failed item stops holding its chat back.
func TestOutboxOrderPerChat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		a1 := enqueue(t, rec, 1, bot.OutboxSend, "", 0)
		a2 := enqueue(t, rec, 1, bot.OutboxSend, "", 0)
		b1 := enqueue(t, rec, 2, bot.OutboxSend, "", 0)
		a3 := enqueue(t, rec, 1, bot.OutboxEdit, "x", 0)

		wantClaim(t, rec, t0, a1, b1)
		wantClaim(t, rec, t0) // a2 waits for a1 in flight
		if err := rec.Outbox.MarkSent(ctx, a1, 10, t0); err != nil {
			t.Fatal(err)
		}
		wantClaim(t, rec, t0, a2)
		if err := rec.Outbox.Retry(ctx, a2, t0.Add(time.Minute), "outage"); err != nil {
			t.Fatal(err)
		}
		wantClaim(t, rec, t0) // a3 waits for a2's retry
		if err := rec.Outbox.Fail(ctx, a2, t0, "Forbidden: bot was blocked by the user"); err != nil {
			t.Fatal(err)
		}
		wantClaim(t, rec, t0, a3)
		wantClaim(t, rec, t0.Add(time.Hour), b1, a3) // leases ran out; a2 failed for good
	})
}

func TestOutboxMessageRefs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		send := func(ref string, ticket int64, messageID int) {
			t.Helper()
			id := enqueue(t, rec, 100, bot.OutboxSend, ref, ticket)
			if err := rec.Outbox.MarkSent(ctx, id, messageID, t0); err != nil {
				t.Fatalf("mark sent: %v", err)
			}
		}
		send("ping:42", 42, 500)
		send("", 7, 501)         // no name, but a reply to it reaches ticket 7
		send("", 0, 502)         // about nothing: not recorded
		send("ping:42", 42, 510) // sent again: edits go to the newer message

		if got, err := rec.Outbox.MessageByRef(ctx, 100, "ping:42"); err != nil || got != 510 {
			t.Errorf("MessageByRef = %d, %v; want 510", got, err)
		}
		if _, err := rec.Outbox.MessageByRef(ctx, 999, "ping:42"); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("MessageByRef in another chat: %v, want not found", err)
		}
		for msg, want := range map[int]int64{500: 42, 501: 7, 510: 42} {
			if got, err := rec.Outbox.TicketOfMessage(ctx, 100, msg); err != nil || got != want {
				t.Errorf("TicketOfMessage(%d) = %d, %v; want %d", msg, got, err, want)
			}
		}
		if _, err := rec.Outbox.TicketOfMessage(ctx, 100, 502); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("TicketOfMessage of an unrecorded message: %v, want not found", err)
		}

		edit := enqueue(t, rec, 100, bot.OutboxEdit, "ping:42", 42)
		if err := rec.Outbox.MarkSent(ctx, edit, 510, t0); err != nil {
			t.Fatalf("mark edit sent: %v", err)
		}
	})
}

// Two workers claiming at once never get the same row, and between them
// deliver everything.
func TestOutboxConcurrentClaimsPostgres(t *testing.T) {
	rec := storetest.Postgres(t)
	ctx := context.Background()
	const chats, perChat = 20, 5
	for i := range chats * perChat {
		enqueue(t, rec, int64(i%chats), bot.OutboxSend, "", 0)
	}

	var mu sync.Mutex
	claimed := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			deadline := time.Now().Add(10 * time.Second)
			for time.Now().Before(deadline) {
				items, err := rec.Outbox.Claim(ctx, t0, time.Hour, 3)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, it := range items {
					claimed[it.ID]++
				}
				done := len(claimed) == chats*perChat
				mu.Unlock()
				for _, it := range items {
					if err := rec.Outbox.MarkSent(ctx, it.ID, int(it.ID), t0); err != nil {
						t.Error(err)
					}
				}
				if done {
					return
				}
			}
		})
	}
	wg.Wait()
	if len(claimed) != chats*perChat {
		t.Fatalf("claimed %d items, want %d", len(claimed), chats*perChat)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("item %d claimed %d times", id, n)
		}
	}
}

func TestUpdateMarks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		first := func(id int, at time.Time) bool {
			t.Helper()
			ok, err := rec.Outbox.FirstUpdate(ctx, id, at, updateLease)
			if err != nil {
				t.Fatalf("FirstUpdate(%d): %v", id, err)
			}
			return ok
		}
		handled := func(id int) bool {
			t.Helper()
			ok, err := rec.Outbox.UpdateWasHandled(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}

		if !first(1, t0) || first(1, t0) {
			t.Fatal("update 1: want first, then not")
		}
		if handled(1) {
			t.Error("update 1 handled before UpdateHandled")
		}
		if err := rec.Outbox.UpdateHandled(ctx, 1, t0); err != nil {
			t.Fatal(err)
		}
		if !handled(1) || first(1, t0.Add(time.Hour)) {
			t.Error("a handled update must stay handled")
		}

		// A mark never completed belongs to a handler that died: taken over
		// after the lease, or at once when the poller restarts.
		first(2, t0)
		if first(2, t0.Add(updateLease-time.Second)) || !first(2, t0.Add(updateLease)) {
			t.Error("update 2: want the abandoned mark taken over after the lease, not before")
		}
		first(3, t0)
		if err := rec.Outbox.ReleaseUpdates(ctx); err != nil {
			t.Fatal(err)
		}
		if !first(3, t0) || first(1, t0) {
			t.Error("ReleaseUpdates must free unhandled marks only")
		}
	})
}

func TestPruneOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		sent := enqueue(t, rec, 1, bot.OutboxSend, "r", 9)
		pending := enqueue(t, rec, 2, bot.OutboxSend, "", 0)
		if err := rec.Outbox.MarkSent(ctx, sent, 5, t0); err != nil {
			t.Fatal(err)
		}
		rec.Outbox.FirstUpdate(ctx, 1, t0, updateLease)
		if err := rec.Outbox.PruneOutbox(ctx, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := rec.DB.GetContext(ctx, &n, `SELECT count(*) FROM telegram_outbox`); err != nil || n != 1 {
			t.Errorf("outbox rows after prune: %d, %v; want the pending one", n, err)
		}
		wantClaim(t, rec, t0, pending)
		if got, err := rec.Outbox.TicketOfMessage(ctx, 1, 5); err != nil || got != 9 {
			t.Errorf("sent message record: %d, %v; want it kept", got, err)
		}
		if ok, _ := rec.Outbox.FirstUpdate(ctx, 1, t0.Add(2*time.Hour), updateLease); !ok {
			t.Error("update mark not pruned")
		}
	})
}

// A message held for later (quiet hours) does not hold back the chat's
// other messages; a key makes enqueueing the same message twice store one.
func TestOutboxHeldItemsAndKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		held, err := rec.Outbox.Enqueue(ctx, bot.OutboxItem{ChatID: 7, Kind: bot.OutboxSend, Payload: `{"Text":"tomorrow"}`,
			CreatedAt: t0, DueAt: t0.Add(10 * time.Hour), Key: "remind:1"})
		if err != nil || held == 0 {
			t.Fatalf("enqueue held: %d, %v", held, err)
		}
		again, err := rec.Outbox.Enqueue(ctx, bot.OutboxItem{ChatID: 7, Kind: bot.OutboxSend, Payload: `{"Text":"tomorrow"}`,
			CreatedAt: t0, DueAt: t0.Add(10 * time.Hour), Key: "remind:1"})
		if err != nil || again != 0 {
			t.Fatalf("enqueue same key: %d, %v", again, err)
		}
		now := enqueue(t, rec, 7, bot.OutboxSend, "", 0)
		wantClaim(t, rec, t0, now)
	})
}
