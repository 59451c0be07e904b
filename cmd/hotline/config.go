package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config is the process configuration, read once from HOTLINE_* variables
// (DESIGN.md, "External contract") and passed down.
type Config struct {
	HTTPAddr    string
	DatabaseURL string // empty: embedded database under DataDir
	RedisURL    string // empty: embedded in-process Redis
	DataDir     string
	ConfigPath  string // YAML policy; empty: built-in defaults
	Location    *time.Location
	LogLevel    slog.Level

	WeChat   WeChatConfig
	Telegram TelegramConfig
	Survey   SurveyConfig
}

// SurveyConfig is the survey page's settings.
type SurveyConfig struct {
	Secret    string // HOTLINE_SURVEY_SECRET: signs survey links
	PublicURL string // HOTLINE_PUBLIC_URL: where customers reach Hotline (links start with it)
}

// WeChatConfig is the official account's settings.
type WeChatConfig struct {
	AppID, AppSecret, Token, AESKey string
	APIBase                         string
}

// Enabled reports whether an official account is configured.
func (c WeChatConfig) Enabled() bool { return c.Token != "" }

// TelegramConfig is the staff bot's settings.
type TelegramConfig struct {
	Token         string
	APIEndpoint   string
	WebhookURL    string
	WebhookSecret string
}

// envError names the variable and what is wrong with it, in one line.
type envError struct{ name, problem string }

func (e *envError) Error() string { return e.name + ": " + e.problem }

// LoadConfig reads the environment through getenv (os.Getenv in main).
func LoadConfig(getenv func(string) string) (*Config, error) {
	c := &Config{
		HTTPAddr:    orDefault(getenv("HOTLINE_HTTP_ADDR"), ":8080"),
		DatabaseURL: strings.TrimSpace(getenv("HOTLINE_DATABASE_URL")),
		RedisURL:    strings.TrimSpace(getenv("HOTLINE_REDIS_URL")),
		DataDir:     orDefault(getenv("HOTLINE_DATA_DIR"), "./data"),
		ConfigPath:  getenv("HOTLINE_CONFIG"),
		WeChat: WeChatConfig{
			AppID:     getenv("HOTLINE_WECHAT_APP_ID"),
			AppSecret: getenv("HOTLINE_WECHAT_APP_SECRET"),
			Token:     getenv("HOTLINE_WECHAT_TOKEN"),
			AESKey:    getenv("HOTLINE_WECHAT_AES_KEY"),
			APIBase:   orDefault(getenv("HOTLINE_WECHAT_API_BASE"), "https://api.weixin.qq.com"),
		},
		Telegram: TelegramConfig{
			Token:         getenv("HOTLINE_TELEGRAM_TOKEN"),
			APIEndpoint:   orDefault(getenv("HOTLINE_TELEGRAM_API_ENDPOINT"), "https://api.telegram.org/bot%s/%s"),
			WebhookURL:    getenv("HOTLINE_TELEGRAM_WEBHOOK_URL"),
			WebhookSecret: getenv("HOTLINE_TELEGRAM_WEBHOOK_SECRET"),
		},
		Survey: SurveyConfig{
			Secret:    strings.TrimSpace(getenv("HOTLINE_SURVEY_SECRET")),
			PublicURL: strings.TrimRight(strings.TrimSpace(getenv("HOTLINE_PUBLIC_URL")), "/"),
		},
	}
	checks := []func(*Config, func(string) string) error{
		checkAddr, checkURLs, checkZone, checkLogLevel, checkWeChat, checkTelegram, checkSurvey,
	}
	for _, check := range checks {
		if err := check(c, getenv); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func orDefault(v, def string) string {
	if v = strings.TrimSpace(v); v == "" {
		return def
	}
	return v
}

func checkAddr(c *Config, _ func(string) string) error {
	if !strings.Contains(c.HTTPAddr, ":") {
		return &envError{"HOTLINE_HTTP_ADDR", fmt.Sprintf("%q is not host:port (for example :8080)", c.HTTPAddr)}
	}
	return nil
}

func checkURLs(c *Config, _ func(string) string) error {
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return &envError{"HOTLINE_DATABASE_URL", "must start with postgres:// (unset it to use the embedded database)"}
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		return &envError{"HOTLINE_REDIS_URL", "must start with redis:// or rediss:// (unset it to use the embedded server)"}
	}
	if _, err := url.Parse(c.WeChat.APIBase); err != nil || !strings.HasPrefix(c.WeChat.APIBase, "http") {
		return &envError{"HOTLINE_WECHAT_API_BASE", fmt.Sprintf("%q is not an http(s) URL", c.WeChat.APIBase)}
	}
	return nil
}

func checkZone(c *Config, getenv func(string) string) error {
	name := orDefault(getenv("HOTLINE_TIMEZONE"), "Asia/Shanghai")
	loc, err := time.LoadLocation(name)
	if err != nil {
		return &envError{"HOTLINE_TIMEZONE", fmt.Sprintf("unknown time zone %q (use an IANA name such as Asia/Shanghai)", name)}
	}
	c.Location = loc
	return nil
}

func checkLogLevel(c *Config, getenv func(string) string) error {
	v := orDefault(getenv("HOTLINE_LOG_LEVEL"), "info")
	if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
		return &envError{"HOTLINE_LOG_LEVEL", fmt.Sprintf("%q is not one of debug, info, warn, error", v)}
	}
	return nil
}

func checkWeChat(c *Config, _ func(string) string) error {
	w := c.WeChat
	if w.Token == "" && (w.AppID != "" || w.AppSecret != "" || w.AESKey != "") {
		return &envError{"HOTLINE_WECHAT_TOKEN", "required when the other HOTLINE_WECHAT_* variables are set"}
	}
	if w.Token != "" && (w.AppID == "" || w.AppSecret == "") {
		return &envError{"HOTLINE_WECHAT_APP_ID", "HOTLINE_WECHAT_APP_ID and HOTLINE_WECHAT_APP_SECRET are required with HOTLINE_WECHAT_TOKEN"}
	}
	if w.AESKey != "" && len(w.AESKey) != 43 {
		return &envError{"HOTLINE_WECHAT_AES_KEY", fmt.Sprintf("must be the 43-character EncodingAESKey, got %d characters", len(w.AESKey))}
	}
	return nil
}

func checkTelegram(c *Config, _ func(string) string) error {
	t := c.Telegram
	if strings.Count(t.APIEndpoint, "%s") != 2 {
		return &envError{"HOTLINE_TELEGRAM_API_ENDPOINT", "must contain %s twice (token, method), like https://api.telegram.org/bot%s/%s"}
	}
	if t.WebhookURL != "" {
		if t.Token == "" {
			return &envError{"HOTLINE_TELEGRAM_WEBHOOK_URL", "set, but HOTLINE_TELEGRAM_TOKEN is not"}
		}
		if !strings.HasPrefix(t.WebhookURL, "https://") {
			return &envError{"HOTLINE_TELEGRAM_WEBHOOK_URL", "must be an https:// URL (Telegram only calls HTTPS webhooks)"}
		}
		if len(t.WebhookSecret) < 16 || !isSecretToken(t.WebhookSecret) {
			return &envError{"HOTLINE_TELEGRAM_WEBHOOK_SECRET", "required in webhook mode: 16–256 characters of A-Z, a-z, 0-9, _ and -"}
		}
	}
	return nil
}

// isSecretToken checks Telegram's alphabet for secret_token.
func isSecretToken(s string) bool {
	if len(s) > 256 {
		return false
	}
	for _, r := range s {
		ok := r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// environ is the real environment.
func environ(name string) string { return os.Getenv(name) }

// minSurveySecret is the shortest HOTLINE_SURVEY_SECRET accepted: 32
// characters (openssl rand -hex 32 gives 64).
const minSurveySecret = 32

func checkSurvey(c *Config, _ func(string) string) error {
	if s := c.Survey.Secret; s != "" && len(s) < minSurveySecret {
		return &envError{"HOTLINE_SURVEY_SECRET", fmt.Sprintf("must be at least %d characters (try: openssl rand -hex 32), got %d", minSurveySecret, len(s))}
	}
	if u := c.Survey.PublicURL; u != "" {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return &envError{"HOTLINE_PUBLIC_URL", fmt.Sprintf("%q is not an http(s) URL like https://desk.example.com", u)}
		}
	}
	return nil
}
