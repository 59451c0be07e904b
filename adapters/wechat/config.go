// Package wechat connects Hotline to a WeChat official account (公众号): it
// answers the account's callbacks at /wechat and pushes customer-service and
// template messages through the WeChat API, using silenceper/wechat v2.
//
// The root package github.com/silenceper/wechat/v2 is never imported: its
// init turns on debug logging of every raw message, customers' personal data.
package wechat

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// DefaultAPIBase is where the WeChat API lives; the library's URLs are
// hard-coded with this prefix.
const DefaultAPIBase = "https://api.weixin.qq.com"

// wechatDeadline is how long WeChat waits for a passive reply before it drops
// the connection and retries.
const wechatDeadline = 5 * time.Second

// Config is one official account and how the adapter treats it. Zero
// durations and sizes take the defaults noted on each field.
type Config struct {
	AppID     string
	AppSecret string
	Token     string // the callback token, for signatures
	AESKey    string // EncodingAESKey (43 characters); set means safe mode

	APIBase     string        // default DefaultAPIBase; a fake server in tests
	HTTPTimeout time.Duration // per WeChat API call; default 10s

	// Templates are the template messages by bot.TemplateMessage.Kind.
	Templates map[string]TemplateConfig

	Logger *slog.Logger // default slog.Default()
	// Sends, when set, hears the outcome of every push: sent, refused
	// (bot.ErrUnreachable: for good) or failed (may pass).
	Sends func(outcome string)
	Now   func() time.Time // default time.Now; tests move it

	TimestampWindow time.Duration // how far a callback's timestamp may be from Now, either way; default 5m
	MaxBody         int64         // callback body cap in bytes; default 64 KiB
	HandleTimeout   time.Duration // how long the bot may take on one message, and then its pushes; default 60s
	ReplyBudget     time.Duration // how long a callback waits for a passive reply; default 3s, under 5s
	PushBackoff     time.Duration // the first wait before a push WeChat was too busy for is tried again; default 500ms
}

// TemplateConfig is one template message configured in the account.
// The policy file sets them under wechat.templates (adapters/policyfile).
type TemplateConfig struct {
	ID string `yaml:"id"` // template_id
	// Fields maps a bot.TemplateMessage field name to the template keyword
	// that shows it, e.g. "ticket" → "character_string1".
	Fields map[string]string `yaml:"fields"`
}

// withDefaults returns cfg with every unset knob at its default.
func (cfg Config) withDefaults() Config {
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPIBase
	}
	cfg.APIBase = strings.TrimRight(cfg.APIBase, "/")
	if cfg.HTTPTimeout <= 0 {
		cfg.HTTPTimeout = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TimestampWindow <= 0 {
		cfg.TimestampWindow = 5 * time.Minute
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 64 << 10
	}
	if cfg.HandleTimeout <= 0 {
		cfg.HandleTimeout = 60 * time.Second
	}
	if cfg.PushBackoff <= 0 {
		cfg.PushBackoff = 500 * time.Millisecond
	}
	if cfg.ReplyBudget <= 0 {
		cfg.ReplyBudget = 3 * time.Second
	}
	return cfg
}

// checkCallback reports what the callback handler cannot work without.
func (cfg Config) checkCallback() error {
	if cfg.Token == "" {
		return errors.New("wechat config: Token is required")
	}
	if cfg.ReplyBudget >= wechatDeadline {
		return fmt.Errorf("wechat config: ReplyBudget %v must stay under WeChat's %v", cfg.ReplyBudget, wechatDeadline)
	}
	if cfg.AESKey == "" {
		return nil
	}
	if cfg.AppID == "" {
		return errors.New("wechat config: AppID is required in safe mode")
	}
	return checkAESKey(cfg.AESKey)
}

// checkAPI reports what the messenger cannot work without.
func (cfg Config) checkAPI() error {
	if cfg.AppID == "" || cfg.AppSecret == "" {
		return errors.New("wechat config: AppID and AppSecret are required")
	}
	u, err := url.Parse(cfg.APIBase)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("wechat config: APIBase %q is not an http(s) URL", cfg.APIBase)
	}
	for kind, t := range cfg.Templates {
		if t.ID == "" {
			return fmt.Errorf("wechat config: template %q has no ID", kind)
		}
	}
	return nil
}

// checkAESKey rejects a key the library would panic on later: the
// EncodingAESKey is 43 base64 characters of a 32-byte AES-256 key.
func checkAESKey(key string) error {
	raw, err := base64.StdEncoding.DecodeString(key + "=")
	if len(key) != 43 || err != nil || len(raw) != 32 {
		return errors.New("wechat config: AESKey must be the 43-character EncodingAESKey")
	}
	return nil
}
