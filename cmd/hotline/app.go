package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/adapters/reportpage"
	"github.com/hotline-desk/hotline/adapters/telegram"
	"github.com/hotline-desk/hotline/adapters/web"
	"github.com/hotline-desk/hotline/adapters/wechat"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/cmd/internal/desk"
	"github.com/hotline-desk/hotline/cmd/internal/yearsync"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/redisstore"
)

// app is Hotline assembled: the desk, its stores and its channels. serve
// runs it; tests and the load command build the same thing.
type app struct {
	rec      *store.Records
	policy   *policy.Policy
	mux      *web.Server
	desk     *desk.Desk
	wechat   *wechat.Handler // nil when no official account is configured
	telegram *telegram.Bot   // nil when no staff bot is configured
	clock    bot.Clock
	imports  yearsync.Years
	channels *web.ChannelMetrics
}

// scrapeTimeout bounds a gauge's query.
const scrapeTimeout = 5 * time.Second

// newMetrics registers what /metrics shows: the runtime, the scheduler, the
// calendar, the channels and the outbox. A gauge whose query fails reads
// NaN, not 0, so an alert on it does not take an outage for quiet.
func newMetrics(b *backends, policy *policy.Policy, clock bot.Clock) (*prometheus.Registry, *web.JobMetrics, *web.ChannelMetrics) {
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	count := func(f func(context.Context) (int, error)) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout) // a hung database must not hang /metrics
			defer cancel()
			n, err := f(ctx)
			if err != nil {
				return math.NaN()
			}
			return float64(n)
		}
	}
	jobs := web.NewJobMetrics(registry, count(func(ctx context.Context) (int, error) { return b.rec.Jobs.DueJobs(ctx, clock()) }))
	web.RegisterCalendar(registry, func() float64 { return float64(policy.OfficialThrough()) })
	web.RegisterOutbox(registry, count(b.rec.Outbox.Pending))
	return registry, jobs, web.NewChannelMetrics(registry)
}

// monthSatisfaction is this month's survey satisfaction and answers, for
// /metrics (which keeps it a few minutes).
func (a *app) monthSatisfaction() (sat, answered float64, err error) {
	now := a.clock().In(a.policy.Location)
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	r, err := a.desk.Surveys.Stats.Compute(ctx, from, now)
	if err != nil {
		return 0, 0, err
	}
	sat, ok := r.Total.Satisfaction()
	if !ok {
		sat = math.NaN()
	}
	return sat, float64(r.Total.Answered()), nil
}

// appOptions are the knobs tests turn; zero values mean production.
type appOptions struct {
	clock       bot.Clock
	keys        redisstore.Keys
	replyBudget time.Duration
	telegram    func(*telegram.Config) // adjusts the staff bot's settings (rates in tests)
	scheduler   desk.SchedulerConfig
}

func newApp(cfg *Config, settings *policyfile.Settings, b *backends, log *slog.Logger, opt appOptions) (*app, error) {
	policy := settings.Policy
	if opt.clock == nil {
		opt.clock = time.Now
	}
	if opt.keys.Prefix == "" {
		opt.keys = redisstore.DefaultKeys
	}
	registry, metrics, channels := newMetrics(b, policy, opt.clock)
	a := &app{rec: b.rec, policy: policy, clock: opt.clock, channels: channels, mux: web.New(registry, []web.Checker{
		{Name: "database", Ping: b.rec.DB.Ping},
		{Name: "redis", Ping: b.redis.Ping},
	})}
	rec := b.rec
	sessions := redisstore.NewSessions(b.redis, opt.keys)
	surveys := newSurveys(cfg, policy, b, opt)
	deps := desk.Deps{
		Clock: opt.clock, Policy: policy, Tickets: rec.Tickets, Customers: rec.Customers, Units: rec.Units,
		Sessions: sessions, Backlog: rec.Backlog, Staff: rec.Staff, States: redisstore.NewStaffStates(b.redis, opt.keys),
		Jobs: rec.Jobs, Scheduler: opt.scheduler, Metrics: metrics, Surveys: surveys.stores, Log: log,
	}
	var reportSigner *reportpage.Signer
	deps.Reports, reportSigner = reportDeps(cfg, surveys, b)
	wcfg := weChatConfig(cfg, settings, log, opt)
	wcfg.Sends = channels.WeChat
	if cfg.WeChat.Enabled() {
		messenger, err := wechat.NewMessenger(wcfg, redisstore.NewTokenCache(b.redis, opt.keys))
		if err != nil {
			return nil, fmt.Errorf("wechat: %w", err)
		}
		deps.Customer = messenger
	}
	if err := a.connectTelegram(cfg, b, log, opt, &deps); err != nil {
		return nil, err
	}
	a.desk = desk.New(deps)
	if a.desk.Surveys != nil {
		web.RegisterSatisfaction(registry, policy.Surveys.Target, opt.clock, a.monthSatisfaction)
	}
	a.mountSurveyPage(surveys, policy, log, opt)
	a.mountReportPage(reportSigner, log, opt)
	return a, a.mountWeChat(cfg, wcfg, deps.Customer, log)
}

func weChatConfig(cfg *Config, settings *policyfile.Settings, log *slog.Logger, opt appOptions) wechat.Config {
	return wechat.Config{
		AppID: cfg.WeChat.AppID, AppSecret: cfg.WeChat.AppSecret, Token: cfg.WeChat.Token, AESKey: cfg.WeChat.AESKey,
		APIBase: cfg.WeChat.APIBase, Templates: settings.WeChatTemplates, Logger: log, Now: opt.clock,
		ReplyBudget: opt.replyBudget,
	}
}

func (a *app) mountWeChat(cfg *Config, wcfg wechat.Config, out bot.CustomerMessenger, log *slog.Logger) error {
	if !cfg.WeChat.Enabled() {
		log.Info("WeChat official account not configured: set HOTLINE_WECHAT_APP_ID, _APP_SECRET and _TOKEN to take customers' messages")
		return nil
	}
	h, err := wechat.NewHandler(wcfg, a.desk.Intake, out)
	if err != nil {
		return fmt.Errorf("wechat: %w", err)
	}
	a.wechat = h
	a.mux.Handle("GET /wechat", h)
	a.mux.Handle("POST /wechat", h)
	return nil
}

// telegramConnectTries bounds the start-up wait for the Bot API (getMe).
const telegramConnectTries = 5

// connectTelegram builds the staff bot; the desk, built after it, handles
// its updates (the handler looks the desk up when an update comes).
func (a *app) connectTelegram(cfg *Config, b *backends, log *slog.Logger, opt appOptions, deps *desk.Deps) error {
	if cfg.Telegram.Token == "" {
		log.Info("Telegram staff bot not configured: set HOTLINE_TELEGRAM_TOKEN to ping engineers; tickets wait in the queue")
		return nil
	}
	tcfg := telegram.Config{Token: cfg.Telegram.Token, APIEndpoint: cfg.Telegram.APIEndpoint,
		WebhookURL: cfg.Telegram.WebhookURL, WebhookSecret: cfg.Telegram.WebhookSecret, Now: opt.clock, Sends: a.channels.Telegram}
	if media, ok := deps.Customer.(telegram.MediaSource); ok {
		tcfg.Media = media // customers' photos reach engineers as photos
	}
	if opt.telegram != nil {
		opt.telegram(&tcfg)
	}
	out := b.rec.Outbox
	stores := telegram.Stores{Outbox: out, Deliveries: out, Messages: out, Updates: out}
	handler := telegram.HandlerFunc(func(ctx context.Context, u bot.StaffUpdate) error { return a.desk.Staff.HandleStaff(ctx, u) })
	var err error
	for try := 1; try <= telegramConnectTries; try++ {
		if a.telegram, err = telegram.New(tcfg, handler, stores, log); err == nil {
			break
		}
		log.Warn("Telegram Bot API not reachable yet", slog.Int("try", try), slog.String("err", err.Error()))
		time.Sleep(time.Duration(try) * time.Second) // start-up only: a real outage, not business time
	}
	if err != nil {
		return &envError{"HOTLINE_TELEGRAM_TOKEN", err.Error()}
	}
	deps.StaffChat, deps.Answerer, deps.Reports.Documents = a.telegram, a.telegram, a.telegram
	if cfg.Telegram.WebhookURL != "" {
		a.mux.Handle("POST /telegram", a.telegram.WebhookHandler())
	}
	return nil
}

// start runs the background workers until ctx ends: the scheduler on
// every replica (claims keep each job to one of them), and the replay of
// messages kept while a store was down.
func (a *app) start(ctx context.Context, log *slog.Logger) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Go(func() { a.desk.Engine.Run(ctx) })
	if a.telegram != nil {
		wg.Go(func() { logStop(log, "telegram updates", a.telegram.Run(ctx)) })
		wg.Go(func() { logStop(log, "telegram outbox", a.telegram.RunOutbox(ctx)) })
	}
	wg.Go(func() { every(ctx, backlogReplay, func() { a.replay(ctx, log) }) })
	wg.Go(func() { every(ctx, yearsync.Poll, func() { a.takeImportedYears(ctx, log) }) })
	return &wg
}

func logStop(log *slog.Logger, what string, err error) {
	if err != nil && !errors.Is(err, context.Canceled) {
		log.Error(what+" stopped", slog.String("err", err.Error()))
	}
}

// backlogReplay is how often kept messages are tried again.
const backlogReplay = 30 * time.Second

func (a *app) replay(ctx context.Context, log *slog.Logger) {
	n, err := a.desk.Intake.ReplayBacklog(ctx)
	if n > 0 {
		log.Info("replayed kept messages", slog.Int("count", n))
	}
	if err != nil && ctx.Err() == nil {
		log.Warn("replay kept messages", slog.String("err", err.Error()))
	}
}

// surveyStats is the survey room's statistics; nil when surveys are off.
func (a *app) surveyStats() *survey.Stats {
	if a.desk.Surveys == nil {
		return nil
	}
	return a.desk.Surveys.Stats
}

// takeImportedYears counts on the years of China's schedule imported or
// replaced since the start, and moves the open tickets' work onto them.
// hotline calendar import moved it already; this replica moves it again,
// for the tickets it opened before it counted on the new year.
func (a *app) takeImportedYears(ctx context.Context, log *slog.Logger) {
	changed, err := a.imports.Apply(ctx, a.rec.Holidays, a.policy, log)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("read imported holiday years", slog.String("err", err.Error()))
		}
		return
	}
	if len(changed) == 0 {
		return
	}
	log.Info("imported holiday years now counted", slog.Any("years", changed))
	now := a.clock()
	if err := yearsync.Reschedule(ctx, a.rec, a.desk.Lifecycle, yearsync.DatedJobs(a.policy, a.surveyStats(), a.desk.Renewals, now), a.policy, log, now); err != nil {
		a.imports.Forget(changed) // the next poll tries again
		if ctx.Err() == nil {
			log.Warn("reschedule onto imported holiday years", slog.String("err", err.Error()))
		}
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
