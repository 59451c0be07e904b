package wechat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/material"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"github.com/hotline-desk/hotline/bot"
)

// msgTypeMenu is the customer-service message with tap-to-answer choices;
// the library has no constant for it.
const msgTypeMenu message.MsgType = "msgmenu"

// Messenger pushes messages to customers: customer-service messages while
// the 48-hour window is open, template messages after. It implements
// bot.CustomerMessenger.
type Messenger struct {
	custom    *message.Manager
	template  *message.Template
	material  *material.Material // media upload
	apiBase   string             // media/get, called directly (see FetchMedia)
	client    *http.Client
	tokens    cache.Cache
	tokenKey  string
	templates map[string]TemplateConfig
	log       *slog.Logger
	sends     func(outcome string)
}

var (
	_ bot.CustomerMessenger   = (*Messenger)(nil)
	_ bot.CustomerImageSender = (*Messenger)(nil)
)

// NewMessenger returns a Messenger for the account in cfg, keeping its access
// token in tokens (shared by every replica, so they do not refresh it over
// each other).
//
// The library sends every call through two process globals, which this sets:
// util.DefaultHTTPClient (to a client with cfg.HTTPTimeout) and, when
// cfg.APIBase is not DefaultAPIBase, util.SetURIModifier. So one process
// talks to one WeChat account, and only the last Messenger built counts.
func NewMessenger(cfg Config, tokens cache.Cache) (*Messenger, error) {
	cfg = cfg.withDefaults()
	if err := cfg.checkAPI(); err != nil {
		return nil, err
	}
	if tokens == nil {
		return nil, errors.New("wechat messenger: a token cache is required")
	}
	routeAPI(cfg)
	oa := officialaccount.NewOfficialAccount(&config.Config{
		AppID:          cfg.AppID,
		AppSecret:      cfg.AppSecret,
		Token:          cfg.Token,
		EncodingAESKey: cfg.AESKey,
		Cache:          tokens,
		UseStableAK:    true,
	})
	// The account's getters create these lazily without a lock: take them
	// once here, so that concurrent Notify calls share them without a race.
	return &Messenger{
		custom:    oa.GetCustomerMessageManager(),
		template:  oa.GetTemplate(),
		material:  oa.GetMaterial(),
		apiBase:   cfg.APIBase,
		client:    apiClient(cfg.HTTPTimeout),
		tokens:    tokens,
		tokenKey:  stableTokenKey(cfg.AppID),
		templates: cfg.Templates,
		log:       cfg.Logger,
		sends:     cfg.Sends,
	}, nil
}

// apiClient talks to the WeChat API with a timeout, keeping enough idle
// connections for the sends in flight: the default transport keeps two per
// host, so a busy scheduler would open (and TLS-handshake) a connection for
// most sends.
func apiClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 128, 64
	return &http.Client{Timeout: timeout, Transport: t}
}

// routeAPI points the library's globals at cfg.APIBase with cfg.HTTPTimeout.
func routeAPI(cfg Config) {
	util.DefaultHTTPClient = apiClient(cfg.HTTPTimeout)
	if cfg.APIBase == DefaultAPIBase {
		util.SetURIModifier(nil)
		return
	}
	base := cfg.APIBase
	util.SetURIModifier(func(uri string) string {
		if rest, ok := strings.CutPrefix(uri, DefaultAPIBase); ok {
			return base + rest
		}
		return uri
	})
}

// stableTokenKey is the cache key under which the library keeps the stable
// access token (credential.StableAccessToken.GetAccessTokenContext).
func stableTokenKey(appID string) string {
	return fmt.Sprintf("%s_stable_access_token_%s", credential.CacheKeyOfficialAccountPrefix, appID)
}

// Notify sends n.Reply as a customer-service message. When the window is
// closed it sends n.Template instead; when that cannot go either, or the
// customer unfollowed, the error wraps bot.ErrUnreachable.
func (m *Messenger) Notify(ctx context.Context, to string, n bot.Notice) error {
	err := m.notify(ctx, to, n)
	m.observe(err)
	return err
}

// observe tells Sends how a push went.
func (m *Messenger) observe(err error) {
	if m.sends == nil {
		return
	}
	switch {
	case err == nil:
		m.sends("sent")
	case errors.Is(err, bot.ErrUnreachable):
		m.sends("refused")
	default:
		m.sends("failed")
	}
}

func (m *Messenger) notify(ctx context.Context, to string, n bot.Notice) error {
	if to == "" {
		return errors.New("wechat send: no recipient")
	}
	if !pushable(n.Reply) {
		if n.Template == nil {
			return errors.New("wechat send: empty notice")
		}
		return m.sendTemplate(ctx, to, n.Template)
	}
	err := m.withFreshToken(ctx, func() error {
		return m.custom.Send(customerMessage(to, n.Reply))
	})
	switch {
	case err == nil:
		return nil
	case IsWindowClosed(err) && n.Template != nil:
		return m.sendTemplate(ctx, to, n.Template)
	case IsWindowClosed(err), IsUnsubscribed(err):
		return fmt.Errorf("wechat send: %w: %w", bot.ErrUnreachable, err)
	}
	return fmt.Errorf("wechat send: %w", err)
}

// customerMessage is the customer-service message for r: a msgmenu when it
// has choices, plain text otherwise.
func customerMessage(to string, r bot.Reply) *message.CustomerMessage {
	if r.Menu == nil {
		return message.NewCustomerTextMessage(to, r.Text)
	}
	items := make([]message.MsgmenuItem, 0, len(r.Menu.Items))
	for _, it := range r.Menu.Items {
		items = append(items, message.MsgmenuItem{ID: it.ID, Content: it.Content})
	}
	return &message.CustomerMessage{
		ToUser:  to,
		Msgtype: msgTypeMenu,
		Msgmenu: &message.MediaMsgmenu{HeadContent: r.Menu.Head, List: items, TailContent: r.Menu.Tail},
	}
}

// sendTemplate sends t with the template configured for its kind.
func (m *Messenger) sendTemplate(ctx context.Context, to string, t *bot.TemplateMessage) error {
	tc, ok := m.templates[t.Kind]
	if !ok {
		return fmt.Errorf("wechat send: no template configured for %q: %w", t.Kind, bot.ErrUnreachable)
	}
	data, err := templateData(tc, t.Fields)
	if err != nil { // WeChat would refuse it (47003): say which field, and do not retry
		return fmt.Errorf("wechat send template %s: %w: %w", t.Kind, bot.ErrUnreachable, err)
	}
	msg := &message.TemplateMessage{
		ToUser:      to,
		TemplateID:  tc.ID,
		URL:         t.URL,
		Data:        data,
		ClientMsgID: t.ClientMsgID,
	}
	err = m.withFreshToken(ctx, func() error {
		_, err := m.template.Send(msg)
		return err
	})
	switch {
	case err == nil:
		return nil
	case IsUnsubscribed(err):
		return fmt.Errorf("wechat send template: %w: %w", bot.ErrUnreachable, err)
	}
	return fmt.Errorf("wechat send template: %w", err)
}

// CheckTemplate reports whether a notice's fields fit the keyword types of
// the template they go into (what sending it would check first).
func CheckTemplate(tc TemplateConfig, fields map[string]string) error {
	_, err := templateData(tc, fields)
	return err
}

// templateData maps the notice's fields to the template's keywords, each
// value fitted to its keyword's type (fitValue). Fields the template does
// not show are left out; a value that cannot fit is an error naming it.
func templateData(tc TemplateConfig, fields map[string]string) (map[string]*message.TemplateDataItem, error) {
	data := make(map[string]*message.TemplateDataItem, len(tc.Fields))
	for name, keyword := range tc.Fields {
		v, ok := fields[name]
		if !ok {
			continue
		}
		fitted, err := fitValue(keyword, v)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		data[keyword] = &message.TemplateDataItem{Value: fitted}
	}
	return data, nil
}

// truncateRunes cuts s to n characters, the last one an ellipsis when cut,
// so the reader sees that something is missing.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// withFreshToken runs call, a library call that takes no context: ctx is
// checked before it, and util.DefaultHTTPClient's timeout bounds it. The
// library never drops a token WeChat rejected, so on 40001/40014/42001 the
// cached token is deleted and call runs once more with a new one.
func (m *Messenger) withFreshToken(ctx context.Context, call func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := fromLibrary(call())
	if !IsTokenInvalid(err) {
		return err
	}
	m.log.Info("wechat: access token rejected; fetching a new one", slog.Int("errcode", ErrorCode(err)))
	if delErr := m.tokens.Delete(m.tokenKey); delErr != nil {
		return fmt.Errorf("drop rejected access token: %w", delErr)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return fromLibrary(call())
}

// CheckCredentials fetches an access token for the account in cfg from
// WeChat itself, through a cache of its own (a token other replicas cached
// would hide a wrong secret): hotline doctor's test of the credentials. A
// stable token, as every Messenger fetches, does not end the one serve uses.
func CheckCredentials(ctx context.Context, cfg Config) error {
	m, err := NewMessenger(cfg, cache.NewMemory())
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err = m.custom.GetAccessToken()
	return fromLibrary(err)
}
