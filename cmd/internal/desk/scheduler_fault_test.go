package desk_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/hotline-desk/hotline/adapters/wechat"
	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/cmd/internal/desk"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/redisstore"
	"github.com/hotline-desk/hotline/store/storetest"
)

// These tests build a wechat.Messenger, which sets the library's process
// globals (one fake WeChat per process): none of them runs in parallel.

// deliveryRig is the scheduler as it runs in production, short of the
// platform: replicas of the desk on one PostgreSQL schema and one Redis,
// telling customers through a real wechat.Messenger pointed at a fake
// WeChat API, which counts what arrives.
type deliveryRig struct {
	tb     testing.TB
	url    string // the schema every replica connects to
	rec    *store.Records
	rdb    *redisstore.Redis
	keys   redisstore.Keys
	fake   *wechattest.FakeAPI
	wechat *wechat.Messenger
	policy *policy.Policy
	clock  atomic.Int64 // the injected clock, Unix nanoseconds: replicas read it from their goroutines
	// wallClock gives replicas time.Now instead (the benchmark).
	wallClock bool
}

func newDeliveryRig(tb testing.TB) *deliveryRig {
	tb.Helper()
	r := &deliveryRig{tb: tb, url: storetest.PostgresSchemaURL(tb)}
	r.rec = r.open()
	if err := r.rec.DB.Migrate(context.Background(), quiet()); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	r.rdb, r.keys = storetest.Redis(tb)
	policy, err := parsePolicy([]byte(deskPolicy), "", shanghai, quiet())
	if err != nil {
		tb.Fatal(err)
	}
	r.policy = policy
	r.fake = wechattest.NewFakeAPI("wx-rig", "rig-secret")
	tb.Cleanup(r.fake.Close)
	r.wechat = r.messenger()
	r.setClock(time.Date(2026, 3, 9, 10, 0, 0, 0, shanghai))
	return r
}

// open is a connection pool of its own on the rig's schema, and records on
// it, as another replica would have.
func (r *deliveryRig) open() *store.Records {
	r.tb.Helper()
	db, err := store.OpenPostgres(context.Background(), r.url)
	if err != nil {
		r.tb.Fatalf("postgres: %v", err)
	}
	r.tb.Cleanup(func() { db.Close() })
	return store.NewRecords(db)
}

// messenger keeps its access token in Redis, shared by the replicas, as
// serve does; templates are configured so that a closed 48-hour window
// falls back to the ticket template.
func (r *deliveryRig) messenger() *wechat.Messenger {
	r.tb.Helper()
	cfg := wechat.Config{AppID: "wx-rig", AppSecret: "rig-secret", Token: "rig-token", APIBase: r.fake.URL,
		HTTPTimeout: 5 * time.Second, Logger: quiet(), Templates: map[string]wechat.TemplateConfig{
			"ticket": {ID: "tpl-ticket", Fields: map[string]string{"ticket": "character_string1", "status": "phrase2"}}}}
	m, err := wechat.NewMessenger(cfg, redisstore.NewTokenCache(r.rdb, r.keys))
	if err != nil {
		r.tb.Fatal(err)
	}
	r.tb.Cleanup(func() {
		util.SetURIModifier(nil)
		util.DefaultHTTPClient = http.DefaultClient
	})
	return m
}

func (r *deliveryRig) now() time.Time        { return time.Unix(0, r.clock.Load()).In(shanghai) }
func (r *deliveryRig) setClock(at time.Time) { r.clock.Store(at.UnixNano()) }

// replica is a desk on rec (the rig's pool or one of its own) with the
// rig's clock, telling customers through to (nil: the rig's messenger).
func (r *deliveryRig) replica(rec *store.Records, sched desk.SchedulerConfig, to bot.CustomerMessenger) *desk.Desk {
	if to == nil {
		to = r.wechat
	}
	clock := r.now
	if r.wallClock {
		clock = time.Now
	}
	return desk.New(desk.Deps{Clock: clock, Policy: r.policy, Tickets: rec.Tickets, Customers: rec.Customers,
		Units: rec.Units, Sessions: redisstore.NewSessions(r.rdb, r.keys), Backlog: rec.Backlog, Staff: rec.Staff,
		States: redisstore.NewStaffStates(r.rdb, r.keys), Jobs: rec.Jobs, Customer: to, Scheduler: sched, Log: quiet()})
}

// seedAutoCloses writes n resolved tickets, each of its own customer (open
// id prefix1 … prefixN), each with the auto-close job resolving schedules
// (key auto_close:<ticket>:::<resolved, Unix seconds>, see jobKey), the
// i-th due at due + i×step. It writes the rows directly: ten thousand
// reports through the dialogue would test the dialogue, not the scheduler.
func seedAutoCloses(tb testing.TB, db *store.DB, prefix string, n int, resolved, due time.Time, step time.Duration) {
	tb.Helper()
	resolved = resolved.Truncate(time.Second)
	_, err := db.ExecContext(context.Background(), `WITH c AS (
			INSERT INTO customers (channel, open_id, name, created_at, updated_at)
			SELECT 'wechat', $1::text || g, '张三', $2, $2 FROM generate_series(1, $3::int) g
			RETURNING id, open_id),
		t AS (
			INSERT INTO tickets (opened_by, customer_id, channel, unit_name, contact_name, phone, description,
				severity, status, plan, reported_at, response_due, responded_at, resolved_at, created_at, updated_at)
			SELECT 'seed:' || c.open_id, c.id, 'wechat', '某单位', '张三', '13800138000', '打印机不能用',
				3, 'resolved', '5x9', $2, $2, $2, $2, $2, $2 FROM c
			RETURNING id)
		INSERT INTO jobs (job_key, kind, ticket_id, due_at, created_at)
		SELECT 'auto_close:' || t.id || ':::' || $4::bigint, 'auto_close', t.id,
			$5::timestamptz + (row_number() OVER (ORDER BY t.id) - 1) * $6::bigint * interval '1 microsecond', $2
		FROM t`,
		prefix, resolved.UTC(), n, resolved.Unix(), due.UTC(), step.Microseconds())
	if err != nil {
		tb.Fatalf("seed %d auto-closes: %v", n, err)
	}
}

func (r *deliveryRig) seed(n int) {
	r.tb.Helper()
	seedAutoCloses(r.tb, r.rec.DB, "o-", n, r.now().Add(-96*time.Hour), r.now().Add(-time.Minute), 0)
}

// drain runs d until nothing is due, and returns how many jobs it ran.
func drain(ctx context.Context, d *desk.Desk) (int, error) {
	total := 0
	for {
		n, err := d.Engine.RunDue(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

func (r *deliveryRig) drain(d *desk.Desk) int {
	r.tb.Helper()
	n, err := drain(context.Background(), d)
	if err != nil {
		r.tb.Fatal(err)
	}
	return n
}

// delivered are the sends the fake API accepted, by recipient.
func (r *deliveryRig) delivered() map[string][]wechattest.Message {
	out := map[string][]wechattest.Message{}
	for _, m := range r.fake.Messages() {
		if m.ErrCode == 0 {
			out[m.To] = append(out[m.To], m)
		}
	}
	return out
}

// expectEachOnce checks that customers o-1 … o-n got one notice each, and
// nobody anything more.
func (r *deliveryRig) expectEachOnce(n int) {
	r.tb.Helper()
	got := r.delivered()
	for i := 1; i <= n; i++ {
		if k := len(got[fmt.Sprintf("o-%d", i)]); k != 1 {
			r.tb.Errorf("o-%d got %d notices, want 1", i, k)
		}
	}
	if len(got) != n {
		r.tb.Errorf("%d customers got notices, want %d", len(got), n)
	}
	if left := r.pending(); left != 0 {
		r.tb.Errorf("%d jobs not done", left)
	}
}

func (r *deliveryRig) pending() int {
	r.tb.Helper()
	var n int
	if err := r.rec.DB.GetContext(context.Background(), &n, `SELECT count(*) FROM jobs WHERE done_at IS NULL`); err != nil {
		r.tb.Fatal(err)
	}
	return n
}

// flushRedis deletes every key of the test, as FLUSHDB would on a Redis of
// its own (the server is shared with other tests).
func (r *deliveryRig) flushRedis() int {
	r.tb.Helper()
	ctx := context.Background()
	keys, err := r.rdb.Keys(ctx, r.keys.Prefix+"*").Result()
	if err != nil {
		r.tb.Fatal(err)
	}
	if len(keys) > 0 {
		if err := r.rdb.Del(ctx, keys...).Err(); err != nil {
			r.tb.Fatal(err)
		}
	}
	return len(keys)
}

// The scheduler's record is in PostgreSQL: Redis holds only the access
// token, and losing everything in it midway costs no notice. The token
// itself survives in the process's own copy (store.TokenCache.LocalTTL),
// so no second fetch is needed either.
func TestSchedulerRedisFlushedMidway(t *testing.T) {
	r := newDeliveryRig(t)
	r.seed(1000)
	d := r.replica(r.rec, schedulerConfig(100), nil)
	for range 5 {
		if _, err := d.Engine.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(r.delivered()); got != 500 {
		t.Fatalf("%d delivered before the flush, want 500", got)
	}
	if n := r.flushRedis(); n == 0 {
		t.Fatal("nothing in Redis to flush: the messenger's token should be there")
	}
	r.drain(d)
	r.expectEachOnce(1000)
	if n := r.fake.TokenFetches(); n != 1 {
		t.Errorf("%d token fetches, want 1 (before the flush; the process keeps its copy)", n)
	}
}

// Two replicas claim side by side from one table; each item reaches its
// customer once.
func TestSchedulerTwoReplicasDeliverEachOnce(t *testing.T) {
	r := newDeliveryRig(t)
	const n = 10000
	r.seed(n)
	replicas := []*desk.Desk{r.replica(r.open(), desk.DefaultSchedulerConfig, nil), r.replica(r.open(), desk.DefaultSchedulerConfig, nil)}
	ran := make([]int, len(replicas))
	errs := make([]error, len(replicas))
	var wg sync.WaitGroup
	for i, d := range replicas {
		wg.Go(func() { ran[i], errs[i] = drain(context.Background(), d) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	r.expectEachOnce(n)
	if ran[0]+ran[1] != n || ran[0] == 0 || ran[1] == 0 {
		t.Errorf("replicas ran %v jobs, want %d shared by both", ran, n)
	}
}

// A replica that dies after claiming leaves its jobs claimed until the
// lease ends; then another carries them out, once. The customers' 48-hour
// windows are closed, so the notices go as templates, each carrying its
// job's key as client_msg_id.
func TestSchedulerCrashAfterClaim(t *testing.T) {
	r := newDeliveryRig(t)
	r.seed(1000)
	r.fake.FailNextCustom(45015, 1000)
	lease := desk.DefaultSchedulerConfig.Lease
	claimed, err := r.open().Jobs.ClaimJobs(context.Background(), r.now(), lease, 1000)
	if err != nil || len(claimed) != 1000 {
		t.Fatalf("claimed %d: %v", len(claimed), err)
	}
	survivor := r.replica(r.rec, desk.DefaultSchedulerConfig, nil)
	if n := r.drain(survivor); n != 0 {
		t.Fatalf("%d jobs taken before the lease ended", n)
	}
	r.setClock(r.now().Add(lease + time.Second))
	r.drain(survivor)
	r.expectEachOnce(1000)
	keys := map[string]bool{}
	for _, j := range claimed {
		keys[j.Key] = true
	}
	for to, ms := range r.delivered() {
		if m := ms[0]; m.Kind != wechattest.KindTemplate || !keys[m.ClientMsgID] {
			t.Fatalf("%s got %s with client_msg_id %q, want a template carrying its job's key", to, m.Kind, m.ClientMsgID)
		}
		delete(keys, ms[0].ClientMsgID)
	}
}

// hangingMessenger stands for a replica killed in the middle of a send:
// each Notify (after passing the notice on, when sendFirst) reports in,
// then waits for the test to let go, and sends nothing more.
type hangingMessenger struct {
	next      bot.CustomerMessenger
	sendFirst bool
	entered   chan string
	release   chan struct{}
}

func (h *hangingMessenger) Notify(ctx context.Context, to string, n bot.Notice) error {
	if h.sendFirst {
		if err := h.next.Notify(ctx, to, n); err != nil {
			return err
		}
	}
	h.entered <- to
	<-h.release
	return errors.New("killed")
}

// A replica killed around the send, after it closed the ticket: the
// survivor, finding the ticket closed under the job's key, sends the
// notice. Killed before the send, the customer gets it once; killed after,
// twice, with the same client_msg_id, which WeChat drops for ten minutes
// for template messages (customer-service messages have no such id: that
// is the window at-least-once leaves open).
func TestSchedulerKilledAroundTheSend(t *testing.T) {
	for _, sendFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("sent=%v", sendFirst), func(t *testing.T) {
			r := newDeliveryRig(t)
			r.seed(100)
			r.fake.FailNextCustom(45015, 200)
			killedDB := r.open()
			hung := &hangingMessenger{next: r.wechat, sendFirst: sendFirst, entered: make(chan string, 100), release: make(chan struct{})}
			sched := schedulerConfig(100)
			sched.Workers = 4
			killed := r.replica(killedDB, sched, hung)
			stopped := make(chan struct{})
			go func() {
				defer close(stopped)
				killed.Engine.RunDue(context.Background())
			}()
			inFlight := map[string]bool{}
			for range sched.Workers {
				inFlight[<-hung.entered] = true
			}
			r.setClock(r.now().Add(sched.Lease + time.Second))
			r.drain(r.replica(r.rec, desk.DefaultSchedulerConfig, nil))
			killedDB.DB.Close() // whatever the killed replica does next reaches nobody
			close(hung.release)
			<-stopped
			for to, ms := range r.delivered() {
				want := 1
				if sendFirst && inFlight[to] {
					want = 2
				}
				if len(ms) != want || ms[0].ClientMsgID != ms[len(ms)-1].ClientMsgID {
					t.Errorf("%s got %d notices (%s … %s), want %d with one client_msg_id", to, len(ms), ms[0].ClientMsgID, ms[len(ms)-1].ClientMsgID, want)
				}
			}
			if got := len(r.delivered()); got != 100 {
				t.Errorf("%d customers told, want 100", got)
			}
		})
	}
}

// schedulerConfig is the default with a smaller batch, so that a test can
// stop between batches.
func schedulerConfig(batch int) desk.SchedulerConfig {
	c := desk.DefaultSchedulerConfig
	c.Batch = batch
	return c
}
