package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// secretHeader carries the secret_token given to setWebhook on every call
// Telegram makes to the webhook.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBody caps an update's body; real ones are a few KiB.
const maxUpdateBody = 1 << 20

// WebhookHandler serves POST /telegram in webhook mode. Any replica may
// receive any update; the update marks make sure one handles it. Telegram
// retries a call that gets no 2xx, so the answer is 200 for everything
// taken or not worth retrying, and 503 when the update could not be taken
// yet (database down, another replica still at it).
func (b *Bot) WebhookHandler() http.Handler {
	return http.HandlerFunc(b.serveWebhook)
}

func (b *Bot) serveWebhook(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !b.secretOK(r.Header.Get(secretHeader)) {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	u, status := b.readUpdate(w, r)
	if status != 0 {
		if status != http.StatusOK {
			http.Error(w, http.StatusText(status), status)
		}
		return
	}
	out, err := b.take(r.Context(), u)
	switch {
	case err != nil:
		b.log.Warn("telegram update not taken; Telegram will retry", slog.Int("update", u.UpdateID), slog.Any("err", err))
		http.Error(w, "try again", http.StatusServiceUnavailable)
	case out == busy:
		http.Error(w, "being handled", http.StatusServiceUnavailable)
	}
}

// secretOK compares in constant time, so the secret cannot be guessed a
// byte at a time from response times. With no secret configured nothing
// passes.
func (b *Bot) secretOK(got string) bool {
	want := b.cfg.WebhookSecret
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// readUpdate decodes the body; a status other than 0 has been decided
// (413 for too big, 200 for one that will never decode, whose retries
// would not help).
func (b *Bot) readUpdate(w http.ResponseWriter, r *http.Request) (tgbotapi.Update, int) {
	var u tgbotapi.Update
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		b.log.Warn("telegram webhook body too large", slog.Int64("limit", tooBig.Limit))
		return u, http.StatusRequestEntityTooLarge
	case err != nil:
		return u, http.StatusBadRequest
	}
	if err := json.Unmarshal(body, &u); err != nil || u.UpdateID == 0 {
		b.log.Warn("telegram webhook body is no update; dropped", slog.Int("bytes", len(body)), slog.Any("err", err))
		return u, http.StatusOK
	}
	return u, 0
}

// keepWebhook registers the webhook, trying again while Telegram cannot be
// reached, and then waits for ctx to end.
func (b *Bot) keepWebhook(ctx context.Context) error {
	for fails := 0; ctx.Err() == nil; fails++ {
		err := b.RegisterWebhook(ctx)
		if err == nil {
			b.log.Info("telegram webhook registered")
			<-ctx.Done()
			return nil
		}
		b.log.Warn("telegram setWebhook failed; retrying", slog.Any("err", err))
		sleep(ctx, min(b.cfg.backoff(fails), 30*time.Second)) // real time: Telegram is unreachable
	}
	return nil
}

// RegisterWebhook points Telegram at WebhookURL with WebhookSecret. The
// SDK's WebhookConfig has no secret_token, so the call is made by hand.
func (b *Bot) RegisterWebhook(ctx context.Context) error {
	if b.cfg.WebhookURL == "" {
		return errors.New("telegram: no WebhookURL configured")
	}
	allowed, err := json.Marshal(allowedUpdates)
	if err != nil {
		return err
	}
	_, err = b.apiFor(ctx, b.cfg.HTTPTimeout).MakeRequest("setWebhook", tgbotapi.Params{
		"url":             b.cfg.WebhookURL,
		"secret_token":    b.cfg.WebhookSecret,
		"allowed_updates": string(allowed),
	})
	if err != nil {
		return fmt.Errorf("register webhook: %w", redact("setWebhook", b.cfg.Token, err))
	}
	return nil
}
