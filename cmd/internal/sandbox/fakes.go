package sandbox

import (
	"fmt"
	"net"
	"strings"

	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
)

// The sandbox's own credentials: only its fakes take them.
const (
	AppID     = "wxsandbox0000001"       // HOTLINE_WECHAT_APP_ID of the fake account
	AppSecret = "sandbox-app-secret"     // HOTLINE_WECHAT_APP_SECRET
	Token     = "sandbox-callback-token" // HOTLINE_WECHAT_TOKEN: signs the callbacks
	BotToken  = telegramtest.Token       // HOTLINE_TELEGRAM_TOKEN of the fake bot
)

// Fakes are the platforms the sandbox plays, in process: the WeChat API
// (point HOTLINE_WECHAT_API_BASE at WeChat.URL) and the Telegram Bot API
// (HOTLINE_TELEGRAM_API_ENDPOINT: Telegram.Endpoint()).
type Fakes struct {
	WeChat   *wechattest.FakeAPI
	Telegram *telegramtest.FakeBotAPI
}

// StartFakes starts both fakes on loopback ports. Close them after the app
// has stopped: a Telegram long poll still open holds Close until it ends.
func StartFakes() *Fakes {
	return &Fakes{WeChat: wechattest.NewFakeAPI(AppID, AppSecret), Telegram: telegramtest.NewServer()}
}

// Close stops both fakes.
func (f *Fakes) Close() {
	f.Telegram.Close()
	f.WeChat.Close()
}

// productionEnv are the settings that would point the sandbox at something
// real: a shared database or Redis, an official account, a staff bot.
var productionEnv = []string{
	"HOTLINE_DATABASE_URL", "HOTLINE_REDIS_URL",
	"HOTLINE_WECHAT_APP_ID", "HOTLINE_WECHAT_APP_SECRET", "HOTLINE_WECHAT_TOKEN", "HOTLINE_WECHAT_AES_KEY",
	"HOTLINE_WECHAT_API_BASE", "HOTLINE_TELEGRAM_TOKEN", "HOTLINE_TELEGRAM_API_ENDPOINT",
	"HOTLINE_TELEGRAM_WEBHOOK_URL", "HOTLINE_TELEGRAM_WEBHOOK_SECRET",
	"HOTLINE_SURVEY_SECRET", "HOTLINE_PUBLIC_URL", // links signed or addressed for production must not come from here
}

// CheckEnv refuses to run the sandbox when any production setting is set
// (read through getenv, os.Getenv in main): the sandbox is never production.
func CheckEnv(getenv func(string) string) error {
	var set []string
	for _, name := range productionEnv {
		if strings.TrimSpace(getenv(name)) != "" {
			set = append(set, name)
		}
	}
	if len(set) == 0 {
		return nil
	}
	return fmt.Errorf("hotline sandbox 只使用内置存储和模拟的微信、Telegram，请先取消这些设置 · the sandbox never runs against real services: unset %s",
		strings.Join(set, ", "))
}

// BaseURL is where this machine reaches a server listening on addr
// (HOTLINE_HTTP_ADDR): ":8080" and "0.0.0.0:8080" are http://127.0.0.1:8080.
// The sandbox posts its callbacks there (Deps.WeChatURL: BaseURL(addr) +
// "/wechat").
func BaseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
