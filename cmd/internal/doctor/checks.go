package doctor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/hotline-desk/hotline/adapters/telegram"
	"github.com/hotline-desk/hotline/adapters/web"
	"github.com/hotline-desk/hotline/adapters/wechat"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/redisstore"
)

// Deployment is what the checks look at, as the configuration gives it.
type Deployment struct {
	Now        time.Time
	Location   *time.Location
	ConfigPath string         // "" for the built-in defaults
	Policy     *policy.Policy // nil when the configuration did not load
	ConfigErr  error          // why it did not
	// The stores, as HOTLINE_DATABASE_URL, HOTLINE_DATA_DIR and
	// HOTLINE_REDIS_URL give them ("" for the embedded ones).
	DatabaseURL, DataDir, RedisURL string
	WeChat                         *wechat.Config   // nil: not configured
	Telegram                       *telegram.Config // nil: not configured
	PublicURL                      string
	// Attach opens the database without creating or migrating it, and
	// counts the policy on the years imported into it.
	Attach func(ctx context.Context) (*store.DB, error)
	Log    *slog.Logger
}

// Checks are hotline doctor's checks of d, in order, and what to call when
// they have run.
func Checks(d *Deployment) ([]Check, func()) {
	r := &run{d: d}
	return []Check{
			{Name: "config", Run: r.config},
			{Name: "database", Run: r.database},
			{Name: "redis", Run: r.redis},
			{Name: "wechat", Run: r.wechat},
			{Name: "telegram", Run: r.telegram},
			{Name: "public url", Run: r.publicURL},
			{Name: "calendar", Run: r.calendar},
		}, func() {
			if r.rdb != nil {
				r.rdb.Close()
			}
		}
}

// run is what the checks share: each after config uses what those before
// found.
type run struct {
	d   *Deployment
	rdb *redisstore.Redis
}

func (r *run) config(context.Context) Result {
	d := r.d
	if d.ConfigErr != nil {
		return Fail(d.ConfigErr.Error(), "correct the variable or the policy file's line and field named (README, Configuration)")
	}
	where := "built-in defaults (no HOTLINE_CONFIG)"
	if d.ConfigPath != "" {
		where = d.ConfigPath
	}
	return Pass("policy from %s: %d units, %d staff, zone %s", where, len(d.Policy.Units), len(d.Policy.Staff), d.Location)
}

func (r *run) database(ctx context.Context) Result {
	d := r.d
	if d.Policy == nil {
		return Skip("no configuration")
	}
	if d.DatabaseURL == "" {
		if _, err := os.Stat(store.EmbeddedPath(d.DataDir)); errors.Is(err, os.ErrNotExist) {
			return Fail("no embedded database at "+store.EmbeddedPath(d.DataDir), "run hotline serve or hotline migrate (or set HOTLINE_DATABASE_URL)")
		}
	}
	db, err := d.Attach(ctx)
	if err != nil {
		return Fail(err.Error(), "start the database, or correct HOTLINE_DATABASE_URL")
	}
	current, latest, err := db.MigrationVersions(ctx)
	if err != nil {
		return Fail("migrations: "+err.Error(), "run hotline migrate")
	}
	kind := "PostgreSQL"
	if d.DatabaseURL == "" {
		kind = "embedded SQLite (one replica only)"
	}
	switch {
	case current < latest:
		return Fail(fmt.Sprintf("%s reachable; schema at version %d, this binary has %d", kind, current, latest), "run hotline migrate (hotline serve migrates at start)")
	case current > latest:
		return Fail(fmt.Sprintf("%s reachable; schema at version %d, newer than this binary's %d", kind, current, latest), "run the newer hotline that migrated it (a rolling upgrade half done?)")
	}
	return Pass("%s reachable; migrations current (version %d)", kind, current)
}

func (r *run) redis(ctx context.Context) Result {
	d := r.d
	if d.Policy == nil {
		return Skip("no configuration")
	}
	var err error
	if d.RedisURL == "" {
		return Pass("embedded, in-process (one replica only; set HOTLINE_REDIS_URL for several)")
	}
	if r.rdb, err = redisstore.Open(ctx, d.RedisURL); err != nil {
		return Fail(err.Error(), "start Redis, or correct HOTLINE_REDIS_URL")
	}
	return Pass("reachable")
}

func (r *run) wechat(ctx context.Context) Result {
	d := r.d
	if d.WeChat == nil {
		return Skip("not configured: customers cannot write in (HOTLINE_WECHAT_APP_ID, _APP_SECRET, _TOKEN)")
	}
	if err := wechat.CheckCredentials(ctx, *d.WeChat); err != nil {
		return Fail("no access token: "+err.Error(), "check HOTLINE_WECHAT_APP_ID and _APP_SECRET, and add this server's IP to the account's IP whitelist")
	}
	return Pass("access token for %s", d.WeChat.AppID)
}

func (r *run) telegram(ctx context.Context) Result {
	if r.d.Telegram == nil {
		return Skip("not configured: engineers are not pinged (HOTLINE_TELEGRAM_TOKEN)")
	}
	name, err := telegram.Probe(ctx, *r.d.Telegram)
	if err != nil {
		return Fail(err.Error(), "check HOTLINE_TELEGRAM_TOKEN (from @BotFather) and that the Bot API is reachable")
	}
	return Pass("the token is bot @%s", name)
}

func (r *run) publicURL(ctx context.Context) Result {
	if r.d.PublicURL == "" {
		return Skip("HOTLINE_PUBLIC_URL not set: surveys go only in the chat, with no page link")
	}
	url := r.d.PublicURL + "/healthz"
	if err := web.Probe(ctx, url); err != nil {
		return Fail(url+": "+err.Error(), "run hotline serve behind the HTTPS proxy that HOTLINE_PUBLIC_URL names, and make it reachable")
	}
	return Pass("%s answers", url)
}

// calendar wants this year's official holiday schedule, and from November
// (when the State Council publishes it) next year's.
func (r *run) calendar(context.Context) Result {
	d := r.d
	if d.Policy == nil {
		return Skip("no policy")
	}
	now := d.Now.In(d.Location)
	through, year := d.Policy.OfficialThrough(), now.Year()
	switch {
	case through < year:
		return Fail(fmt.Sprintf("no official holiday schedule for %d: its promises are provisional", year),
			fmt.Sprintf("hotline calendar import FILE (holiday-cn JSON for %d), or add it under holidays in the policy file", year))
	case through == year && now.Month() >= time.November:
		// Nobody can act before the notice is out: a warning, not a failure
		// (the Prometheus rule waits for December).
		return Warn("official holidays through %d; the State Council's notice for %d is due about now: when it is out, hotline calendar import FILE (holiday-cn JSON for %d); until then promises into %d are provisional", year, year+1, year+1, year+1)
	}
	return Pass("official holiday schedule through %d", through)
}
