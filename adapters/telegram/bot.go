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

// What the bot keeps durable, split by who needs it. One store value
// usually implements them all (store.Outbox does); Stores names each.

// Enqueuer stores a message for delivery (SendStaff, EditStaff) and returns
// its id, or 0 when an item with the same key was stored before.
type Enqueuer interface {
	Enqueue(ctx context.Context, item bot.OutboxItem) (int64, error)
}

// Deliveries is the outbox as the delivery worker sees it: due items claimed
// with a lease, what became of each, and the pruning of old ones.
type Deliveries interface {
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]bot.OutboxItem, error)
	MarkSent(ctx context.Context, id int64, messageID int, now time.Time) error
	Retry(ctx context.Context, id int64, dueAt time.Time, errText string) error
	Postpone(ctx context.Context, id int64, dueAt time.Time) error
	Fail(ctx context.Context, id int64, now time.Time, errText string) error
	PruneOutbox(ctx context.Context, before time.Time) error
}

// MessageRecords finds the messages the outbox sent: the one last sent under
// a ref (what an edit changes) and the ticket one was about (where a reply
// to it goes). Both answer bot.ErrNotFound for a message never recorded.
type MessageRecords interface {
	MessageByRef(ctx context.Context, chatID int64, ref string) (int, error)
	TicketOfMessage(ctx context.Context, chatID int64, messageID int) (int64, error)
}

// UpdateMarks keep each update to one handler across replicas and
// restarts. A mark older than the lease given to FirstUpdate, never
// completed by UpdateHandled, is taken over.
type UpdateMarks interface {
	FirstUpdate(ctx context.Context, updateID int, now time.Time, lease time.Duration) (bool, error)
	UpdateHandled(ctx context.Context, updateID int, now time.Time) error
	UpdateWasHandled(ctx context.Context, updateID int) (bool, error)
	ReleaseUpdates(ctx context.Context) error
}

// Stores are the durable state the bot needs; every field is required.
type Stores struct {
	Outbox     Enqueuer
	Deliveries Deliveries
	Messages   MessageRecords
	Updates    UpdateMarks
}

func (s Stores) complete() bool {
	return s.Outbox != nil && s.Deliveries != nil && s.Messages != nil && s.Updates != nil
}

// updateLease is how long the mark of a taken update keeps it from other
// handlers before it counts as abandoned (its handler's process died).
// HandleTimeout must stay well under it (Config.check).
const updateLease = 2 * time.Minute

var (
	_ bot.StaffSender      = (*Bot)(nil)
	_ bot.CallbackAnswerer = (*Bot)(nil)
)

// Bot is the staff bot. Run takes updates, RunOutbox delivers messages;
// SendStaff, EditStaff and AnswerCallback are for the desk. Safe for
// concurrent use.
type Bot struct {
	cfg     Config
	api     *tgbotapi.BotAPI // a call in flight finishes even when its caller is gone
	handler StaffHandler
	outbox  Enqueuer
	updates UpdateMarks
	msgs    MessageRecords
	log     *slog.Logger
	worker  *worker // delivers what SendStaff and EditStaff store
}

// New checks cfg and the token (the SDK calls getMe, so New fails while
// Telegram is unreachable; the caller may retry).
func New(cfg Config, handler StaffHandler, stores Stores, log *slog.Logger) (*Bot, error) {
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if handler == nil || !stores.complete() {
		return nil, errors.New("telegram: a StaffHandler and every one of the Stores are required")
	}
	if log == nil {
		log = slog.Default()
	}
	client := &http.Client{Timeout: cfg.HTTPTimeout}
	api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, cfg.APIEndpoint, client)
	if err != nil {
		return nil, fmt.Errorf("telegram: connect: %w", redact("getMe", cfg.Token, err))
	}
	log = log.With(slog.String("channel", "telegram"))
	b := &Bot{cfg: cfg, api: api, handler: handler, outbox: stores.Outbox, updates: stores.Updates, msgs: stores.Messages,
		log: log, worker: newWorker(cfg, api, stores.Deliveries, stores.Messages, log)}
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

// Probe asks the Bot API who the token belongs to (getMe), as New does,
// without building a bot: hotline doctor's test of the token. It returns
// the bot's username.
func Probe(ctx context.Context, cfg Config) (string, error) {
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return "", err
	}
	api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, cfg.APIEndpoint, boundClient{ctx: ctx, c: &http.Client{Timeout: cfg.HTTPTimeout}})
	if err != nil {
		return "", redact("getMe", cfg.Token, err)
	}
	return api.Self.UserName, nil
}
