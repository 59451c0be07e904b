package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/hotline-desk/hotline/adapters/web"
	"github.com/hotline-desk/hotline/adapters/wechat"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"
)

// app is Hotline assembled: the desk, its stores and its channels. serve
// runs it; tests and the load command build the same thing.
type app struct {
	mux    *web.Server
	desk   *bot.Desk
	wechat *wechat.Handler // nil when no official account is configured
}

// appOptions are the knobs tests turn; zero values mean production.
type appOptions struct {
	clock       bot.Clock
	keys        store.Keys
	replyBudget time.Duration
}

func newApp(cfg *Config, policy *bot.Policy, b *backends, log *slog.Logger, opt appOptions) (*app, error) {
	if opt.clock == nil {
		opt.clock = time.Now
	}
	if opt.keys.Prefix == "" {
		opt.keys = store.DefaultKeys
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := web.NewJobMetrics(registry, func() float64 {
		n, _ := b.db.DueJobs(context.Background(), opt.clock())
		return float64(n)
	})
	sessions := store.NewSessions(b.redis, opt.keys)
	desk := bot.NewDesk(bot.Deps{
		Clock: opt.clock, Policy: policy, Tickets: b.db, Customers: b.db, Units: b.db,
		Sessions: sessions, Inbound: sessions, Backlog: b.db, Staff: b.db, States: sessions,
		Jobs: b.db, Metrics: metrics, Log: log,
	})
	a := &app{desk: desk, mux: web.New(registry, []web.Checker{
		{Name: "database", Ping: b.db.Ping},
		{Name: "redis", Ping: b.redis.Ping},
	})}
	if err := a.mountWeChat(cfg, policy, b, log, opt); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *app) mountWeChat(cfg *Config, policy *bot.Policy, b *backends, log *slog.Logger, opt appOptions) error {
	if !cfg.WeChat.Enabled() {
		log.Info("WeChat official account not configured: set HOTLINE_WECHAT_APP_ID, _APP_SECRET and _TOKEN to take customers' messages")
		return nil
	}
	wcfg := wechat.Config{
		AppID: cfg.WeChat.AppID, AppSecret: cfg.WeChat.AppSecret, Token: cfg.WeChat.Token, AESKey: cfg.WeChat.AESKey,
		APIBase: cfg.WeChat.APIBase, Templates: templates(policy), Logger: log, Now: opt.clock,
		ReplyBudget: opt.replyBudget,
	}
	messenger, err := wechat.NewMessenger(wcfg, store.NewTokenCache(b.redis, opt.keys))
	if err != nil {
		return fmt.Errorf("wechat: %w", err)
	}
	h, err := wechat.NewHandler(wcfg, a.desk, messenger)
	if err != nil {
		return fmt.Errorf("wechat: %w", err)
	}
	a.wechat = h
	a.mux.Handle("GET /wechat", h)
	a.mux.Handle("POST /wechat", h)
	return nil
}

func templates(p *bot.Policy) map[string]wechat.TemplateConfig {
	out := map[string]wechat.TemplateConfig{}
	for kind, t := range p.WeChat.Templates {
		out[kind] = wechat.TemplateConfig{ID: t.ID, Fields: t.Fields}
	}
	return out
}

// start runs the background workers until ctx ends: the scheduler on
// every replica (claims keep each job to one of them), and the replay of
// messages kept while a store was down.
func (a *app) start(ctx context.Context, log *slog.Logger) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Go(func() { a.desk.RunScheduler(ctx) })
	wg.Go(func() { every(ctx, backlogReplay, func() { a.replay(ctx, log) }) })
	return &wg
}

// backlogReplay is how often kept messages are tried again.
const backlogReplay = 30 * time.Second

func (a *app) replay(ctx context.Context, log *slog.Logger) {
	n, err := a.desk.ReplayBacklog(ctx)
	if n > 0 {
		log.Info("replayed kept messages", slog.Int("count", n))
	}
	if err != nil && ctx.Err() == nil {
		log.Warn("replay kept messages", slog.String("err", err.Error()))
	}
}

// every calls f each interval until ctx ends.
func every(ctx context.Context, interval time.Duration, f func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
		}
	}
}

// drain waits for background work (WeChat pushes) after the HTTP server
// has stopped taking requests.
func (a *app) drain(ctx context.Context) {
	if a.wechat != nil {
		a.wechat.Wait(ctx)
	}
}
