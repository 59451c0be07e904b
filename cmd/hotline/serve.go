package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/cmd/internal/yearsync"
	"github.com/hotline-desk/hotline/store"
)

// shutdownGrace is how long in-flight requests get to finish on SIGTERM.
const shutdownGrace = 20 * time.Second

func runServe(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "serve", "serve\n\nMigrates the database, then serves /wechat, /telegram, /survey/…, /healthz,\n/readyz and /metrics on HOTLINE_HTTP_ADDR. With no HOTLINE_DATABASE_URL or\nHOTLINE_REDIS_URL it uses embedded stores under HOTLINE_DATA_DIR.\nStops gracefully on SIGTERM or SIGINT.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := LoadConfig(env.getenv)
	if err != nil {
		return err
	}
	log := newLogger(env.stdout, cfg.LogLevel, cfg.Location)
	settings, err := policyfile.Load(cfg.ConfigPath, cfg.Location, log)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, settings, log, appOptions{}, nil)
}

// serve opens and migrates the stores, builds Hotline with opt, lets mount
// add its handlers, schedules the dated work and serves until ctx ends:
// the path of serve and of the sandbox.
func serve(ctx context.Context, cfg *Config, settings *policyfile.Settings, log *slog.Logger, opt appOptions, mount func(*app) error) error {
	b, release, err := serveBackends(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer release()
	if err := b.rec.DB.Migrate(ctx, log); err != nil {
		return err
	}
	if err := resolveSurvey(ctx, cfg, b.rec.Settings, log); err != nil {
		return err
	}
	if err := syncPolicy(ctx, b, settings.Policy, time.Now()); err != nil {
		return err
	}
	a, err := newApp(cfg, settings, b, log, opt)
	if err != nil {
		return err
	}
	if err := a.schedule(ctx, settings.Policy, log); err != nil {
		return err
	}
	if mount != nil {
		if err := mount(a); err != nil {
			return err
		}
	}
	workers := a.start(ctx, log)
	if err := serveHTTP(ctx, cfg.HTTPAddr, a.mux, log); err != nil {
		return err
	}
	workers.Wait()
	dctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	a.drain(dctx)
	return nil
}

// schedule counts on the imported holiday years, moves the dated work onto
// the calendars, and schedules the work every start owes: renewal notices,
// the monthly report, the units' maintenance, the satisfaction check.
func (a *app) schedule(ctx context.Context, p *policy.Policy, log *slog.Logger) error {
	if _, err := a.imports.Apply(ctx, a.rec.Holidays, p, log); err != nil {
		return err
	}
	p.WarnProvisional(a.clock())
	dated := yearsync.DatedJobs(p, a.surveyStats(), a.desk.Renewals, a.clock())
	if err := yearsync.RescheduleOnChange(ctx, a.rec, a.desk.Lifecycle, dated, p, log, a.clock()); err != nil {
		return err
	}
	if err := a.desk.Renewals.Schedule(ctx); err != nil {
		return fmt.Errorf("schedule renewal notices: %w", err)
	}
	if err := errors.Join(a.desk.Reports.Schedule(ctx), a.desk.Upkeep.Schedule(ctx)); err != nil {
		return fmt.Errorf("schedule the monthly report and the units' maintenance: %w", err)
	}
	if err := a.desk.Surveys.Stats.ScheduleChecks(ctx); err != nil {
		return fmt.Errorf("schedule the monthly satisfaction check: %w", err)
	}
	return nil
}

// serveBackends opens the stores for serve; with the embedded Redis, this
// serve is then the only one on HOTLINE_DATA_DIR (store.LockDataDir).
// release closes them and lets the directory go.
func serveBackends(ctx context.Context, cfg *Config, log *slog.Logger) (*backends, func(), error) {
	b, err := openBackends(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	unlock, err := lockEmbedded(cfg)
	if err != nil {
		b.Close()
		return nil, nil, err
	}
	return b, func() { b.Close(); unlock() }, nil
}

func lockEmbedded(cfg *Config) (release func(), err error) {
	if cfg.RedisURL != "" {
		return func() {}, nil
	}
	release, err = store.LockDataDir(cfg.DataDir)
	if errors.Is(err, store.ErrDirHeld) {
		err = fmt.Errorf("%w, a hotline serve with the embedded Redis: stop that one, give this one another HOTLINE_DATA_DIR, or set HOTLINE_REDIS_URL (and HOTLINE_DATABASE_URL) to run several replicas", err)
	}
	if err != nil {
		return nil, &envError{"HOTLINE_DATA_DIR", err.Error()}
	}
	return release, nil
}

// serveHTTP listens until ctx ends, then lets in-flight requests finish.
func serveHTTP(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return &envError{"HOTLINE_HTTP_ADDR", fmt.Sprintf("cannot listen on %s: %v", addr, err)}
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("version", versionString()))
	select {
	case err := <-errc:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// syncPolicy loads the policy file's units and staff into the database.
func syncPolicy(ctx context.Context, b *backends, policy *policy.Policy, now time.Time) error {
	if err := b.rec.Units.SyncUnits(ctx, policy.Units, now); err != nil {
		return err
	}
	staff := make([]bot.Staff, len(policy.Staff))
	for i, s := range policy.Staff {
		staff[i] = s.Staff(now)
	}
	return b.rec.Staff.SyncStaff(ctx, staff)
}
