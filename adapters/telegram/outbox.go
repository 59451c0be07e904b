package telegram

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/hotline-desk/hotline/store"
)

// storeTimeout bounds the bookkeeping after a send, which must happen even
// when the worker is shutting down: a send left unrecorded is sent again.
const storeTimeout = 5 * time.Second

// RunOutbox delivers the outbox until ctx ends. Any number of replicas may
// run it: each claims due messages with a lease (at most one per chat at a
// time, so a chat's messages keep their order), sends them within the pace,
// and records the outcome. A failed send waits and is tried again, for as
// long as Telegram is down; only a refusal repeated GiveUpAfter times is
// final. It wakes at once for a message enqueued in this process, and
// looks every PollInterval for the rest (retries, other replicas' work).
func (b *Bot) RunOutbox(ctx context.Context) error {
	b.log.Info("telegram outbox worker started")
	nextPrune, failing := b.cfg.Now(), false
	for {
		n, err := b.deliverDue(ctx)
		if ctx.Err() == nil {
			failing = b.logClaim(err, failing)
		}
		nextPrune = b.prune(ctx, nextPrune)
		if n > 0 && err == nil {
			continue // more may be due already: a chat's next message, a full batch
		}
		select {
		case <-ctx.Done():
			return nil
		case <-b.wake:
		case <-time.After(b.cfg.PollInterval):
		}
	}
}

// logClaim logs the start and the end of a run of failed claims (the
// database is down), not every one of them, and returns whether claims
// are failing now.
func (b *Bot) logClaim(err error, failing bool) bool {
	switch {
	case err != nil && !failing:
		b.log.Warn("telegram outbox: claim failed; retrying", slog.Any("err", err))
	case err != nil:
		b.log.Debug("telegram outbox: claim failed again", slog.Any("err", err))
	case failing:
		b.log.Info("telegram outbox: claims work again")
	}
	return err != nil
}

// deliverDue claims one batch and delivers it, the chats side by side (one
// item per chat), and returns how many items it claimed.
func (b *Bot) deliverDue(ctx context.Context) (int, error) {
	items, err := b.outbox.Claim(ctx, b.cfg.Now(), b.cfg.Lease, b.cfg.Batch)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Go(func() { b.deliverOne(ctx, it) })
	}
	wg.Wait()
	return len(items), nil
}

// deliverOne waits for the item's turn, sends it and records the outcome.
// The turn must come within a third of the lease, so that the send still
// ends inside it; otherwise the item goes back untried.
func (b *Bot) deliverOne(ctx context.Context, it store.OutboxItem) {
	turnCtx, cancel := context.WithTimeout(ctx, b.cfg.Lease/3)
	err := b.pace.wait(turnCtx, it.ChatID)
	cancel()
	after := context.WithoutCancel(ctx)
	if err != nil {
		b.postpone(after, it)
		return
	}
	// The call is not bound to ctx: once started it finishes (within
	// HTTPTimeout) and is recorded, so a shutdown does not resend it.
	callCtx, cancel := context.WithTimeout(after, storeTimeout) // for an edit's look-up
	messageID, err := b.deliver(callCtx, it)
	cancel()
	b.pace.sent(it.ChatID)
	b.settle(after, it, messageID, err)
}

// postpone gives an item back untried, due when its chat's turn comes.
func (b *Bot) postpone(ctx context.Context, it store.OutboxItem) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	due := b.cfg.Now().Add(max(0, time.Until(b.pace.turn(it.ChatID))))
	if err := b.outbox.Postpone(ctx, it.ID, due); err != nil {
		b.log.Warn("telegram outbox: postpone failed; the lease will free it", itemAttrs(it, err)...)
	}
}

// settle records what became of a delivery.
func (b *Bot) settle(ctx context.Context, it store.OutboxItem, messageID int, err error) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	now := b.cfg.Now()
	wait, throttled := retryAfter(err)
	switch {
	case err == nil || (it.Kind == store.OutboxEdit && notModified(err)):
		b.markSent(ctx, it, messageID)
		return
	case throttled:
		b.pace.hold(it.ChatID, wait)
		b.log.Warn("telegram flood control: waiting", slog.Duration("retry_after", wait), slog.Int64("chat", it.ChatID))
		err = b.outbox.Retry(ctx, it.ID, now.Add(wait), err.Error())
	case errors.Is(err, errBadPayload) || (refused(err) && it.Attempts+1 >= b.cfg.GiveUpAfter):
		b.log.Error("telegram message given up", itemAttrs(it, err)...)
		err = b.outbox.Fail(ctx, it.ID, now, err.Error())
	default:
		b.logRetry(it, err)
		err = b.outbox.Retry(ctx, it.ID, now.Add(b.backoff(it.Attempts)), err.Error())
	}
	if err != nil {
		b.log.Warn("telegram outbox: recording a failed send failed; the lease will free it", itemAttrs(it, err)...)
	}
}

// markSent records a delivery, trying a few times: Telegram has the
// message, and an item left unmarked is sent again when its lease ends.
func (b *Bot) markSent(ctx context.Context, it store.OutboxItem, messageID int) {
	var err error
	for try := 1; ; try++ {
		if err = b.outbox.MarkSent(ctx, it.ID, messageID, b.cfg.Now()); err == nil {
			return
		}
		if try == 3 || sleep(ctx, time.Duration(try)*200*time.Millisecond) != nil {
			break
		}
	}
	b.log.Error("telegram message sent but not recorded: it may be sent again", itemAttrs(it, err)...)
}

// logRetry logs the first failure of an item: during an outage every item
// fails on every try, and one line per item says enough.
func (b *Bot) logRetry(it store.OutboxItem, err error) {
	level := slog.LevelDebug
	if it.Attempts == 0 {
		level = slog.LevelWarn
	}
	b.log.Log(context.Background(), level, "telegram send failed; will retry", itemAttrs(it, err)...)
}

// backoff is the wait after a failed try: doubling from RetryBase, at
// most RetryMax.
func (b *Bot) backoff(attempts int) time.Duration {
	if attempts >= 30 || b.cfg.RetryBase > b.cfg.RetryMax>>attempts {
		return b.cfg.RetryMax // and no shift that overflows
	}
	return min(b.cfg.RetryBase<<attempts, b.cfg.RetryMax)
}

// prune drops old delivered items and update marks about once an hour and
// returns when to do it next.
func (b *Bot) prune(ctx context.Context, due time.Time) time.Time {
	now := b.cfg.Now()
	if now.Before(due) {
		return due
	}
	if err := b.outbox.PruneOutbox(ctx, now.Add(-b.cfg.Retention)); err != nil && ctx.Err() == nil {
		b.log.Warn("telegram outbox: prune failed", slog.Any("err", err))
	}
	return now.Add(time.Hour)
}

func itemAttrs(it store.OutboxItem, err error) []any {
	return []any{slog.Int64("item", it.ID), slog.Int64("chat", it.ChatID), slog.String("kind", it.Kind),
		slog.String("ref", it.Ref), slog.Int("attempts", it.Attempts+1), slog.Any("err", err)}
}
