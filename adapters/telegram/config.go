package telegram

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Config is the staff bot and how it paces and retries. Zero values take
// the defaults noted on each field.
type Config struct {
	Token       string
	APIEndpoint string // pattern with the token and the method, default "https://api.telegram.org/bot%s/%s"

	// WebhookURL set means webhook mode: Telegram posts updates to it
	// (served by WebhookHandler) with WebhookSecret in a header. Unset
	// means long polling, which only one process may do.
	WebhookURL    string
	WebhookSecret string

	HTTPTimeout   time.Duration // per Bot API call; default 10s
	PollTimeout   time.Duration // how long one getUpdates call waits for an update; default 25s
	HandleTimeout time.Duration // how long the staff handler may take on one update; default 30s

	GlobalRate      float64       // messages per second to all chats together; default 30 (Telegram's limit)
	PerChatInterval time.Duration // least time between two messages to one chat; default 1s

	Lease        time.Duration // how long a worker holds claimed messages; default 30s
	PollInterval time.Duration // how often the worker looks for due messages when not woken; default 500ms
	Batch        int           // messages claimed at once; default 50
	RetryBase    time.Duration // first wait after a failed send, doubled each time; default 2s
	RetryMax     time.Duration // longest wait between tries; default 5m
	GiveUpAfter  int           // tries before a refusal (400, 403) is final; default 3
	// Sends, when set, hears the outcome of every delivery: sent,
	// throttled, retried or given_up.
	Sends     func(outcome string)
	Retention time.Duration // how long delivered messages and update marks are kept; default 30 days

	// Now is the clock of due times, leases and update marks; default
	// time.Now. The pace of sends and the waits between polls and retries of
	// a call are real time.
	Now func() time.Time

	// Media fetches customers' photos (bot.StaffMessage.CustomerMedia) when
	// they are sent; nil: such messages go as their text notice.
	Media MediaSource
}

// secretPattern is what Telegram accepts as a webhook secret_token.
var secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// withDefaults returns cfg with every unset knob at its default.
func (cfg Config) withDefaults() Config {
	if cfg.APIEndpoint == "" {
		cfg.APIEndpoint = tgbotapi.APIEndpoint
	}
	cfg.HTTPTimeout = orDuration(cfg.HTTPTimeout, 10*time.Second)
	cfg.PollTimeout = orDuration(cfg.PollTimeout, 25*time.Second)
	cfg.HandleTimeout = orDuration(cfg.HandleTimeout, 30*time.Second)
	if cfg.GlobalRate <= 0 {
		cfg.GlobalRate = 30
	}
	cfg.PerChatInterval = orDuration(cfg.PerChatInterval, time.Second)
	cfg.Lease = orDuration(cfg.Lease, 30*time.Second)
	cfg.PollInterval = orDuration(cfg.PollInterval, 500*time.Millisecond)
	if cfg.Batch <= 0 {
		cfg.Batch = 50
	}
	cfg.RetryBase = orDuration(cfg.RetryBase, 2*time.Second)
	cfg.RetryMax = orDuration(cfg.RetryMax, 5*time.Minute)
	if cfg.GiveUpAfter <= 0 {
		cfg.GiveUpAfter = 3
	}
	cfg.Retention = orDuration(cfg.Retention, 30*24*time.Hour)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// check reports a configuration the bot cannot work with.
func (cfg Config) check() error {
	if cfg.Token == "" {
		return errors.New("telegram config: Token is required")
	}
	if strings.Count(cfg.APIEndpoint, "%s") != 2 {
		return fmt.Errorf("telegram config: APIEndpoint %q needs two %%s, for the token and the method", cfg.APIEndpoint)
	}
	if err := cfg.checkWebhook(); err != nil {
		return err
	}
	// A claimed message may wait for its turn (up to a third of the lease)
	// and then for Telegram (HTTPTimeout): both must end before the lease
	// does, or another replica could send it too.
	if cfg.Lease < 2*cfg.HTTPTimeout {
		return fmt.Errorf("telegram config: Lease %v must be at least twice HTTPTimeout %v", cfg.Lease, cfg.HTTPTimeout)
	}
	if cfg.HandleTimeout >= updateLease/2 {
		return fmt.Errorf("telegram config: HandleTimeout %v must stay under %v", cfg.HandleTimeout, updateLease/2)
	}
	return nil
}

func (cfg Config) checkWebhook() error {
	if cfg.WebhookURL == "" {
		return nil
	}
	u, err := url.Parse(cfg.WebhookURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("telegram config: WebhookURL %q is not an https URL (Telegram posts to HTTPS only)", cfg.WebhookURL)
	}
	if !secretPattern.MatchString(cfg.WebhookSecret) {
		return errors.New("telegram config: webhook mode needs a WebhookSecret of 1-256 characters A-Z, a-z, 0-9, _ and -")
	}
	return nil
}

// backoff is the wait after a failed try: doubling from RetryBase, at
// most RetryMax.
func (cfg Config) backoff(attempts int) time.Duration {
	if attempts >= 30 || cfg.RetryBase > cfg.RetryMax>>attempts {
		return cfg.RetryMax // and no shift that overflows
	}
	return min(cfg.RetryBase<<attempts, cfg.RetryMax)
}
