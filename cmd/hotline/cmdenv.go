package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/cmd/internal/yearsync"
	"github.com/hotline-desk/hotline/store"
)

// opened is what an operator command works with: the configuration, the
// policy and the migrated database.
type opened struct {
	cfg     *Config
	policy  *policy.Policy
	b       *backends // nil until connect
	log     *slog.Logger
	imports yearsync.Years
}

// open reads the configuration and the policy, then opens and migrates the
// database (commands need no Redis).
func (o *opened) open(ctx context.Context, env *cliEnv) error {
	if err := o.load(env); err != nil {
		return err
	}
	return o.connect(ctx)
}

// load reads the configuration and the policy: what a command checks its
// arguments against before it touches the database. The policy's warnings
// (a year without its schedule, a response target that can pass the
// resolution target) are what serve says at start; a command does not
// repeat them on every run.
func (o *opened) load(env *cliEnv) error {
	cfg, err := LoadConfig(env.getenv)
	if err != nil {
		return err
	}
	o.cfg, o.log = cfg, newLogger(env.stderr, cfg.LogLevel, cfg.Location)
	settings, err := policyfile.Load(cfg.ConfigPath, cfg.Location, newLogger(env.stderr, max(cfg.LogLevel, slog.LevelError), cfg.Location))
	if err != nil {
		return err
	}
	o.policy = settings.Policy
	return nil
}

// connect opens and migrates the database, and counts on the holiday years
// imported into it.
func (o *opened) connect(ctx context.Context) error {
	return o.attach(ctx, true)
}

// connectIfPresent is connect for a command that only reads (hotline sla,
// hotline calendar show): it neither creates the embedded database nor
// migrates one, and counts on the imported years when there are any.
func (o *opened) connectIfPresent(ctx context.Context) error {
	if o.cfg.DatabaseURL == "" {
		if _, err := os.Stat(store.EmbeddedPath(o.cfg.DataDir)); errors.Is(err, fs.ErrNotExist) {
			return nil
		}
	}
	return o.attach(ctx, false)
}

// attach opens the database, migrates it or (reading only) finds out
// whether it keeps imported years, and counts on them.
func (o *opened) attach(ctx context.Context, migrate bool) error {
	db, err := openDB(ctx, o.cfg)
	if err != nil {
		return err
	}
	o.b = &backends{rec: store.NewRecords(db)}
	o.imports.OwnYearLevel = slog.LevelDebug // serve says it; a command need not repeat it
	kept := true
	if migrate {
		err = db.Migrate(ctx, o.log)
	} else {
		kept, err = o.b.rec.Holidays.Kept(ctx)
	}
	if err == nil && kept {
		_, err = o.imports.Apply(ctx, o.b.rec.Holidays, o.policy, o.log)
	}
	if err != nil {
		o.close()
	}
	return err
}

// close closes the database, if connect opened it.
func (o *opened) close() {
	if o.b != nil {
		o.b.Close()
		o.b = nil
	}
}
