package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/cmd/internal/sandbox"
)

// runSandbox is hotline sandbox: Hotline on embedded stores with in-process
// fakes of the WeChat API and the Telegram Bot API, demo data, and a page
// (cmd/internal/sandbox) on which to play the customer, the staff and the
// clock. Everything goes through the real endpoints: the page signs WeChat
// callbacks to /wechat and queues updates in the fake Bot API.
func runSandbox(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "sandbox", "sandbox [--addr HOST:PORT] [--data DIR [--reset]]\n\nTry Hotline in a browser with nothing else: a customer's WeChat, the staff's Telegram\nand the desk with a clock you can move, all on this machine. Never production: it\nrefuses to start with HOTLINE_DATABASE_URL, HOTLINE_REDIS_URL or WeChat or Telegram\nsettings.")
	addr := fs.String("addr", "127.0.0.1:8080", "where to serve the page")
	data := fs.String("data", "", "keep what was played in this directory (default: a temporary one, removed at exit)")
	reset := fs.Bool("reset", false, "with --data: start over")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := sandbox.CheckEnv(env.getenv); err != nil {
		return err
	}
	cfg, err := LoadConfig(env.getenv)
	if err != nil {
		return err
	}
	if *reset && *data == "" {
		return usageError{fmt.Errorf("--reset starts over a --data directory; without --data every sandbox starts afresh")}
	}
	dir, err := sandbox.OpenDir(*data, *reset)
	if err != nil {
		return err
	}
	clock := sandbox.NewClock(dir.Start())
	defer func() { dir.Close(clock.Now()) }()
	cfg.DataDir, cfg.HTTPAddr, cfg.Survey.Secret = dir.Path, *addr, "" // the survey key is the sandbox's own, kept in its database
	log := newLogger(env.stderr, cfg.LogLevel, cfg.Location)
	fakes := sandbox.StartFakes()
	defer fakes.Close() // after serve: the app's long poll has ended
	base := sandbox.BaseURL(cfg.HTTPAddr)
	cfg.WeChat = WeChatConfig{AppID: sandbox.AppID, AppSecret: sandbox.AppSecret, Token: sandbox.Token, APIBase: fakes.WeChat.URL}
	cfg.Telegram = TelegramConfig{Token: sandbox.BotToken, APIEndpoint: fakes.Telegram.Endpoint()}
	cfg.Survey.PublicURL = base
	demo, err := sandbox.Policy(clock.Now())
	if err != nil {
		return err
	}
	settings, err := policyfile.Parse(demo, "", cfg.Location, log)
	if err != nil {
		return err
	}
	mount := func(a *app) error {
		sandbox.New(sandbox.Deps{WeChatURL: base + "/wechat", WeChat: fakes.WeChat, Telegram: fakes.Telegram,
			Clock: clock, Desk: sandbox.StoreDesk(a.rec.Tickets, a.rec.Jobs), Location: cfg.Location, Log: log}).Mount(a.mux)
		fmt.Fprintf(env.stdout, "Hotline 演示沙盒 · sandbox: open %s/ (Ctrl-C stops it)\n", strings.Replace(base, "127.0.0.1", "localhost", 1))
		return nil
	}
	return serve(ctx, cfg, settings, log, appOptions{clock: clock.Now}, mount)
}
