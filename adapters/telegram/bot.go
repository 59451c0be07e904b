// Package telegram is the staff side of the desk in Telegram: it takes
// engineers' messages, commands and button presses (long polling, or a
// webhook when several replicas run) and delivers the desk's messages to
// them from a durable outbox, paced within Telegram's limits.
//
// It is the only package that imports go-telegram-bot-api (v5.5.1, no
// longer maintained), so the library can be swapped here alone. The SDK's
// calls take no context; every call has an HTTP timeout, and calls that
// may be abandoned (long polling, answering a button) end with their
// context too.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"
)

// StaffHandler is what the bot needs from the desk: one staff update at a
// time, each at most once. An error is logged; the update is not retried.
type StaffHandler interface {
	HandleStaff(ctx context.Context, u bot.StaffUpdate) error
}

// HandlerFunc lets a function be a StaffHandler, which breaks the circle
// when wiring: the desk sends through the Bot, and the Bot hands updates
// to the desk.
type HandlerFunc func(ctx context.Context, u bot.StaffUpdate) error

// HandleStaff calls f.
func (f HandlerFunc) HandleStaff(ctx context.Context, u bot.StaffUpdate) error { return f(ctx, u) }

// Outbox is the durable state the bot keeps: the messages waiting for
// delivery, the record of those sent, and the marks of the updates taken.
// *store.DB implements it.
type Outbox interface {
	Enqueue(ctx context.Context, item store.OutboxItem) (int64, error)
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.OutboxItem, error)
	MarkSent(ctx context.Context, id int64, messageID int, now time.Time) error
	Retry(ctx context.Context, id int64, dueAt time.Time, errText string) error
	Postpone(ctx context.Context, id int64, dueAt time.Time) error
	Fail(ctx context.Context, id int64, now time.Time, errText string) error
	PruneOutbox(ctx context.Context, before time.Time) error

	MessageByRef(ctx context.Context, chatID int64, ref string) (int, error)
	TicketOfMessage(ctx context.Context, chatID int64, messageID int) (int64, error)

	FirstUpdate(ctx context.Context, updateID int, now time.Time) (bool, error)
	UpdateHandled(ctx context.Context, updateID int, now time.Time) error
	UpdateWasHandled(ctx context.Context, updateID int) (bool, error)
	ReleaseUpdates(ctx context.Context) error
}

var (
	_ Outbox               = (*store.DB)(nil)
	_ bot.StaffSender      = (*Bot)(nil)
	_ bot.CallbackAnswerer = (*Bot)(nil)
)

// Bot is the staff bot. Run takes updates, RunOutbox delivers messages;
// SendStaff, EditStaff and AnswerCallback are for the desk. Safe for
// concurrent use.
type Bot struct {
	cfg     Config
	api     *tgbotapi.BotAPI // sends: a call in flight finishes even when its caller is gone
	handler StaffHandler
	outbox  Outbox
	log     *slog.Logger
	pace    *pacer
	wake    chan struct{} // a message was enqueued here: the worker looks at once
}

// New checks cfg and the token (the SDK calls getMe, so New fails while
// Telegram is unreachable; the caller may retry).
func New(cfg Config, handler StaffHandler, outbox Outbox, log *slog.Logger) (*Bot, error) {
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if handler == nil || outbox == nil {
		return nil, errors.New("telegram: a StaffHandler and an Outbox are required")
	}
	if log == nil {
		log = slog.Default()
	}
	client := &http.Client{Timeout: cfg.HTTPTimeout}
	api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, cfg.APIEndpoint, client)
	if err != nil {
		return nil, fmt.Errorf("telegram: connect: %w", redact("getMe", cfg.Token, err))
	}
	b := &Bot{cfg: cfg, api: api, handler: handler, outbox: outbox, log: log.With(slog.String("channel", "telegram")),
		pace: newPacer(cfg.GlobalRate, cfg.PerChatInterval), wake: make(chan struct{}, 1)}
	return b, nil
}

// UserName is the bot's Telegram username, as getMe reported it.
func (b *Bot) UserName() string { return b.api.Self.UserName }

// AnswerCallback implements bot.CallbackAnswerer. It goes straight to
// Telegram (a press waits for it, and an answer is worthless after a few
// seconds), through Request: the SDK's Send expects a Message back and
// fails on answerCallbackQuery's plain true.
func (b *Bot) AnswerCallback(ctx context.Context, callbackID, text string) error {
	_, err := b.apiFor(ctx, b.cfg.HTTPTimeout).Request(tgbotapi.NewCallback(callbackID, text))
	if err != nil {
		return fmt.Errorf("answer callback: %w", redact("answerCallbackQuery", b.cfg.Token, err))
	}
	return nil
}

// apiFor returns a copy of the SDK client whose calls end when ctx ends or
// after timeout: the SDK builds its requests without a context.
func (b *Bot) apiFor(ctx context.Context, timeout time.Duration) *tgbotapi.BotAPI {
	api := *b.api
	api.Client = boundClient{ctx: ctx, c: &http.Client{Timeout: timeout}}
	return &api
}

// boundClient puts a context on every request.
type boundClient struct {
	ctx context.Context
	c   *http.Client
}

func (bc boundClient) Do(req *http.Request) (*http.Response, error) {
	return bc.c.Do(req.WithContext(bc.ctx))
}
