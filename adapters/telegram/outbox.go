package telegram

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hotline-desk/hotline/bot"
)

// storeTimeout bounds the bookkeeping after a send, which must happen even
// when the worker is shutting down: a send left unrecorded is sent again.
const storeTimeout = 5 * time.Second

// worker delivers the outbox: it claims due items, sends them within the
// pace and records what became of each. Due times, leases and marks are
// on the injected clock (Config.Now); the pace, the poll interval and the
// waits between tries of a store call are real time, because they space
// real HTTP and database calls.
type worker struct {
	cfg   Config
	api   *tgbotapi.BotAPI // sends: a call in flight finishes even when its caller is gone
	store Deliveries
	msgs  MessageRecords // an edit finds its message
	log   *slog.Logger
	pace  *pacer
	wake  chan struct{} // a message was enqueued here: the worker looks at once
}

func newWorker(cfg Config, api *tgbotapi.BotAPI, store Deliveries, msgs MessageRecords, log *slog.Logger) *worker {
	return &worker{cfg: cfg, api: api, store: store, msgs: msgs, log: log,
		pace: newPacer(cfg.GlobalRate, cfg.PerChatInterval), wake: make(chan struct{}, 1)}
}

// RunOutbox delivers the outbox until ctx ends. Any number of replicas may
// run it: each claims due messages with a lease (at most one per chat at a
// time, so a chat's messages keep their order), sends them within the pace,
// and records the outcome. A failed send waits and is tried again, for as
// long as Telegram is down; only a refusal repeated GiveUpAfter times is
// final. It wakes at once for a message enqueued in this process, and
// looks every PollInterval for the rest (retries, other replicas' work).
func (b *Bot) RunOutbox(ctx context.Context) error { return b.worker.run(ctx) }

func (w *worker) run(ctx context.Context) error {
	w.log.Info("telegram outbox worker started")
	nextPrune, failing := w.cfg.Now(), false
	for {
		n, err := w.deliverDue(ctx)
		if ctx.Err() == nil {
			failing = w.logClaim(err, failing)
		}
		nextPrune = w.prune(ctx, nextPrune)
		if n > 0 && err == nil {
			continue // more may be due already: a chat's next message, a full batch
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-time.After(w.cfg.PollInterval): // real time: how often the database is asked
		}
	}
}

// poke wakes the worker for a message just enqueued.
func (w *worker) poke() {
	select {
	case w.wake <- struct{}{}:
	default: // the worker is already woken
	}
}

// logClaim logs the start and the end of a run of failed claims (the
// database is down), not every one of them, and returns whether claims
// are failing now.
func (w *worker) logClaim(err error, failing bool) bool {
	switch {
	case err != nil && !failing:
		w.log.Warn("telegram outbox: claim failed; retrying", slog.Any("err", err))
	case err != nil:
		w.log.Debug("telegram outbox: claim failed again", slog.Any("err", err))
	case failing:
		w.log.Info("telegram outbox: claims work again")
	}
	return err != nil
}

// deliverDue claims one batch and delivers it, the chats side by side (one
// item per chat), and returns how many items it claimed.
func (w *worker) deliverDue(ctx context.Context) (int, error) {
	items, err := w.store.Claim(ctx, w.cfg.Now(), w.cfg.Lease, w.cfg.Batch)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Go(func() { w.deliverOne(ctx, it) })
	}
	wg.Wait()
	return len(items), nil
}

// deliverOne waits for the item's turn, sends it and records the outcome.
// The turn must come within a third of the lease, so that the send still
// ends inside it; otherwise the item goes back untried. (The wait is real
// time, like the calls it spaces; the lease is counted on the injected
// clock, which in production is the same.)
func (w *worker) deliverOne(ctx context.Context, it bot.OutboxItem) {
	turnCtx, cancel := context.WithTimeout(ctx, w.cfg.Lease/3)
	err := w.pace.wait(turnCtx, it.ChatID)
	cancel()
	after := context.WithoutCancel(ctx)
	if err != nil {
		w.postpone(after, it)
		return
	}
	// The call is not bound to ctx: once started it finishes (within
	// HTTPTimeout) and is recorded, so a shutdown does not resend it.
	callCtx, cancel := context.WithTimeout(after, storeTimeout) // for an edit's look-up
	messageID, err := w.deliver(callCtx, it)
	cancel()
	w.pace.sent(it.ChatID)
	w.settle(after, it, messageID, err)
}

// postpone gives an item back untried, due when its chat's turn comes: the
// pacer's real-time wait, counted from the injected clock's now.
func (w *worker) postpone(ctx context.Context, it bot.OutboxItem) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	due := w.cfg.Now().Add(w.pace.delay(it.ChatID))
	if err := w.store.Postpone(ctx, it.ID, due); err != nil {
		w.log.Warn("telegram outbox: postpone failed; the lease will free it", itemAttrs(it, err)...)
	}
}

// settle records what became of a delivery.
func (w *worker) settle(ctx context.Context, it bot.OutboxItem, messageID int, err error) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	now := w.cfg.Now()
	wait, throttled := retryAfter(err)
	outcome := "retried"
	defer func() {
		if w.cfg.Sends != nil {
			w.cfg.Sends(outcome)
		}
	}()
	switch {
	case err == nil || (it.Kind == bot.OutboxEdit && notModified(err)):
		outcome = "sent"
		w.markSent(ctx, it, messageID)
		return
	case throttled:
		outcome = "throttled"
		w.pace.hold(it.ChatID, wait)
		w.log.Warn("telegram flood control: waiting", slog.Duration("retry_after", wait), slog.Int64("chat", it.ChatID))
		err = w.store.Retry(ctx, it.ID, now.Add(wait), err.Error())
	case errors.Is(err, errBadPayload) || (refused(err) && it.Attempts+1 >= w.cfg.GiveUpAfter):
		w.log.Error("telegram message given up", itemAttrs(it, err)...)
		if err = w.store.Fail(ctx, it.ID, now, err.Error()); err == nil {
			outcome = "given_up" // once: an item whose failure was not recorded comes back
		}
	default:
		w.logRetry(it, err)
		err = w.store.Retry(ctx, it.ID, now.Add(w.cfg.backoff(it.Attempts)), err.Error())
	}
	if err != nil {
		w.log.Warn("telegram outbox: recording a failed send failed; the lease will free it", itemAttrs(it, err)...)
	}
}

// markSent records a delivery, trying a few times: Telegram has the
// message, and an item left unmarked is sent again when its lease ends.
// The pause between tries is real time (it waits for the database).
func (w *worker) markSent(ctx context.Context, it bot.OutboxItem, messageID int) {
	var err error
	for try := 1; ; try++ {
		if err = w.store.MarkSent(ctx, it.ID, messageID, w.cfg.Now()); err == nil {
			return
		}
		if try == 3 || sleep(ctx, time.Duration(try)*200*time.Millisecond) != nil {
			break
		}
	}
	w.log.Error("telegram message sent but not recorded: it may be sent again", itemAttrs(it, err)...)
}

// logRetry logs the first failure of an item: during an outage every item
// fails on every try, and one line per item says enough.
func (w *worker) logRetry(it bot.OutboxItem, err error) {
	level := slog.LevelDebug
	if it.Attempts == 0 {
		level = slog.LevelWarn
	}
	w.log.Log(context.Background(), level, "telegram send failed; will retry", itemAttrs(it, err)...)
}

// prune drops old delivered items and update marks about once an hour and
// returns when to do it next.
func (w *worker) prune(ctx context.Context, due time.Time) time.Time {
	now := w.cfg.Now()
	if now.Before(due) {
		return due
	}
	if err := w.store.PruneOutbox(ctx, now.Add(-w.cfg.Retention)); err != nil && ctx.Err() == nil {
		w.log.Warn("telegram outbox: prune failed", slog.Any("err", err))
	}
	return now.Add(time.Hour)
}

func itemAttrs(it bot.OutboxItem, err error) []any {
	return []any{slog.Int64("item", it.ID), slog.Int64("chat", it.ChatID), slog.String("kind", it.Kind),
		slog.String("ref", it.Ref), slog.Int("attempts", it.Attempts+1), slog.Any("err", err)}
}
