package telegram

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// allowedUpdates are the kinds of update the desk uses; Telegram sends no
// others.
var allowedUpdates = []string{"message", "callback_query"}

// errBusy: an update is being handled elsewhere; wait for it.
var errBusy = errors.New("update being handled by another process")

// Run takes updates until ctx ends. With a WebhookURL it registers the
// webhook (WebhookHandler then receives the updates) and waits; otherwise
// it polls getUpdates, which only one process may do at a time.
func (b *Bot) Run(ctx context.Context) error {
	if b.cfg.WebhookURL != "" {
		return b.keepWebhook(ctx)
	}
	return b.poll(ctx)
}

// poll fetches updates and confirms each (through the next call's offset)
// only after it was handled, so a crash loses none: Telegram hands out
// unconfirmed updates again, and the update marks keep the ones handled
// before the crash from being handled twice. The SDK's GetUpdatesChan is
// not used because it confirms updates before they are handled.
func (b *Bot) poll(ctx context.Context) error {
	b.log.Info("telegram long polling started")
	api := b.apiFor(ctx, b.cfg.PollTimeout+b.cfg.HTTPTimeout)
	offset, fails, released := 0, 0, false
	for ctx.Err() == nil {
		var err error
		if !released {
			// Marks a crashed predecessor left unfinished would keep
			// their updates from being handled when they come again.
			err = b.updates.ReleaseUpdates(ctx)
			released = err == nil
		}
		if err == nil {
			offset, err = b.pollOnce(ctx, api, offset)
		}
		if err == nil {
			fails = 0
			continue
		}
		if ctx.Err() == nil {
			b.pollFailed(api, err, fails)
			sleep(ctx, min(b.cfg.backoff(fails), 30*time.Second)) // real time: Telegram or the database is down
			fails++
		}
	}
	return nil
}

// pollOnce fetches the updates from offset on, takes them in order, and
// returns the offset that confirms those taken. It stops at the first
// update it could not take, which then comes again.
func (b *Bot) pollOnce(ctx context.Context, api *tgbotapi.BotAPI, offset int) (int, error) {
	updates, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: b.pollSeconds(),
		AllowedUpdates: allowedUpdates})
	if err != nil {
		return offset, redact("getUpdates", b.cfg.Token, err)
	}
	for _, u := range updates {
		out, err := b.take(ctx, u)
		if err == nil && out == busy {
			err = errBusy
		}
		if err != nil {
			return offset, err
		}
		offset = u.UpdateID + 1
	}
	return offset, nil
}

// pollSeconds is PollTimeout in whole seconds, at least one: zero would
// make getUpdates answer at once, and the loop spin.
func (b *Bot) pollSeconds() int {
	return max(1, int((b.cfg.PollTimeout+time.Second-1)/time.Second))
}

// pollFailed logs a failed round, and removes a webhook that keeps
// getUpdates from working (this process was configured to poll).
func (b *Bot) pollFailed(api *tgbotapi.BotAPI, err error, fails int) {
	tgErr, ok := telegramError(err)
	if ok && tgErr.Code == 409 && strings.Contains(tgErr.Message, "webhook") {
		b.log.Warn("telegram webhook set but polling configured: deleting the webhook")
		if _, err := api.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
			b.log.Error("telegram deleteWebhook failed", slog.Any("err", redact("deleteWebhook", b.cfg.Token, err)))
		}
		return
	}
	level := slog.LevelWarn
	if fails > 0 {
		level = slog.LevelDebug // one line per outage is enough
	}
	b.log.Log(context.Background(), level, "telegram polling failed; retrying", slog.Any("err", err))
}
