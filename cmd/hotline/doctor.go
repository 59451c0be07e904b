package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/adapters/telegram"
	"github.com/hotline-desk/hotline/cmd/internal/doctor"
	"github.com/hotline-desk/hotline/store"
)

// runDoctor checks a deployment end to end (cmd/internal/doctor) and
// prints what to fix, one line each; it exits 1 when something failed. It
// changes nothing: it neither creates nor migrates a database.
func runDoctor(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "doctor", "doctor\n\nChecks the deployment: configuration and policy, the database and its\nmigrations, Redis, the WeChat credentials (an access token), the Telegram\ntoken (getMe), HOTLINE_PUBLIC_URL reached from here, and official holiday\ndata for this year and the next. One line each; exit 1 when one failed.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dep, o := doctorDeployment(env, time.Now())
	defer o.close()
	checks, done := doctor.Checks(dep)
	failed := doctor.Run(ctx, env.stdout, checks)
	done()
	if failed > 0 {
		return fmt.Errorf("%d of %d checks failed", failed, len(checks))
	}
	return nil
}

// doctorDeployment is the deployment as the environment describes it, and
// the command state whose database the checks attach to.
func doctorDeployment(env *cliEnv, now time.Time) (*doctor.Deployment, *opened) {
	o := &opened{}
	dep := &doctor.Deployment{Now: now, Location: time.Local}
	cfg, err := LoadConfig(env.getenv)
	if err == nil {
		o.cfg, o.log = cfg, newLogger(env.stderr, slog.LevelError, cfg.Location)
		var settings *policyfile.Settings
		if settings, err = policyfile.Load(cfg.ConfigPath, cfg.Location, o.log); err == nil {
			o.policy = settings.Policy
			dep = &doctor.Deployment{Now: now, Location: cfg.Location, ConfigPath: cfg.ConfigPath, Policy: o.policy,
				DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, RedisURL: cfg.RedisURL, PublicURL: cfg.Survey.PublicURL, Log: o.log}
			if cfg.WeChat.Enabled() {
				wcfg := weChatConfig(cfg, settings, o.log, appOptions{})
				dep.WeChat = &wcfg
			}
			if cfg.Telegram.Token != "" {
				dep.Telegram = &telegram.Config{Token: cfg.Telegram.Token, APIEndpoint: cfg.Telegram.APIEndpoint,
					WebhookURL: cfg.Telegram.WebhookURL, WebhookSecret: cfg.Telegram.WebhookSecret}
			}
		}
	}
	dep.ConfigErr = err
	dep.Attach = func(ctx context.Context) (*store.DB, error) {
		if err := o.attach(ctx, false); err != nil {
			return nil, err
		}
		return o.b.rec.DB, nil
	}
	return dep, o
}
