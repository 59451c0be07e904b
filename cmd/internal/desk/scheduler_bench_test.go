package desk_test

import (
	"bufio"
	"context"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/cmd/internal/desk"
	"github.com/hotline-desk/hotline/store"
)

// The scheduler's load run, kept out of `go test ./...` by being a
// benchmark. It reads the wall clock, since lateness is the point:
//
//	go test -run '^$' -bench Scheduler -benchtime 1x -timeout 30m ./bot/
//
// The jobs table holds benchPending rows, most of them reminders and
// breach steps due over the next month; auto-closes of resolved tickets
// fall due among them and are delivered through the real wechat.Messenger
// to the fake WeChat API. Figures go to docs/BENCHMARKS.md.
const (
	benchPending = 1_000_000
	benchRate    = 6000 // auto-closes falling due per second in the steady run
	benchSeconds = 10   // length of the steady run
	benchBacklog = 60_000
)

func BenchmarkScheduler(b *testing.B) {
	r := newDeliveryRig(b)
	r.wallClock = true
	steady := benchRate * benchSeconds
	seedFuture(b, r.rec.DB, benchPending-steady, time.Now())
	b.Run("steady", func(b *testing.B) {
		// Items fall due continuously from a second after seeding, 166 µs
		// apart (PostgreSQL's intervals count microseconds: 6,024 a second),
		// and the scheduler polls for them as it would in production.
		step := time.Second / benchRate
		for range b.N {
			r.loadRun(b, "s", steady, func() time.Time { return time.Now().Add(time.Second) }, step)
		}
	})
	b.Run("backlog", func(b *testing.B) {
		// A backlog all due at once (a replica back after an outage): how
		// fast it drains. With the steady run's items done, the table again
		// holds a million pending.
		for range b.N {
			r.loadRun(b, "b", benchBacklog, func() time.Time { return time.Now().Add(-time.Second) }, 0)
		}
	})
}

// seedFuture fills the table with n jobs due between an hour and a month
// from now: reminders and breach steps of open tickets, four per ticket.
func seedFuture(b *testing.B, db *store.DB, n int, now time.Time) {
	b.Helper()
	ctx := context.Background()
	_, err := db.ExecContext(ctx, `WITH c AS (
			INSERT INTO customers (channel, open_id, created_at, updated_at) VALUES ('wechat', 'future', $1, $1)
			RETURNING id),
		t AS (
			INSERT INTO tickets (opened_by, customer_id, channel, unit_name, contact_name, phone, description,
				severity, status, plan, reported_at, response_due, created_at, updated_at)
			SELECT 'future:' || g, c.id, 'wechat', '某单位', '张三', '13800138000', '打印机不能用', 3, 'open', '5x9',
				$1, $1, $1, $1
			FROM c, generate_series(1, $2::int) g
			RETURNING id)
		INSERT INTO jobs (job_key, kind, ticket_id, payload, due_at, created_at)
		SELECT k.kind || ':' || t.id || ':' || k.goal || ':' || k.part, k.kind, t.id, k.goal,
			$1::timestamptz + interval '1 hour' + random() * interval '30 days', $1
		FROM t CROSS JOIN (VALUES ('remind', 'response', '0.5'), ('remind', 'response', '0.8'),
			('breach', 'response', '0'), ('breach', 'resolution', '0')) k (kind, goal, part)`,
		now.UTC(), n/4)
	if err != nil {
		b.Fatalf("seed %d future jobs: %v", n, err)
	}
	if _, err := db.ExecContext(ctx, `VACUUM ANALYZE jobs`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `ANALYZE tickets`); err != nil {
		b.Fatal(err)
	}
}

// loadRun seeds n auto-closes, the first due at first(), one every step,
// runs the scheduler until every notice has reached the fake API, and
// reports throughput, lateness and memory.
func (r *deliveryRig) loadRun(b *testing.B, prefix string, n int, first func() time.Time, step time.Duration) {
	b.Helper()
	b.StopTimer()
	prefix = strconv.FormatInt(time.Now().UnixNano(), 36) + prefix
	resolved := time.Now().Add(-96 * time.Hour)
	due := first()
	seedAutoCloses(b, r.rec.DB, prefix, n, resolved, due, step)
	rec := newTimedMessenger(r.wechat, n)
	d := r.replica(r.rec, desk.DefaultSchedulerConfig, rec)
	mem := watchMemory(r)
	cpu := startCPU()
	b.StartTimer()
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	start := time.Now()
	wg.Go(func() { d.Engine.Run(ctx) })
	select {
	case <-rec.done:
	case <-time.After(time.Until(due.Add(time.Duration(n)*step)) + 2*time.Minute):
		b.Errorf("only %d of %d notices delivered", rec.count(), n)
	}
	stop()
	wg.Wait()
	b.StopTimer()
	peak := mem.stop()
	used := cpu.stop()
	from := start
	if due.After(start) {
		from = due
	}
	r.report(b, rec, from, peak, used)
	b.StartTimer()
}

// report reads each notice's due time back and reports delivery rate,
// lateness percentiles, memory and CPU.
func (r *deliveryRig) report(b *testing.B, rec *timedMessenger, from time.Time, peak memoryPeak, used cpuUse) {
	b.Helper()
	late, last := rec.lateness(r.dueTimes(b), from)
	if len(late) == 0 {
		b.Fatal("no notice delivered")
	}
	if rec.dups > 0 {
		b.Errorf("%d notices delivered twice", rec.dups)
	}
	rate := float64(len(late)) / last.Sub(from).Seconds()
	perNotice := float64(used.process.Microseconds()) / float64(len(late))
	b.ReportMetric(rate, "delivered/s")
	b.ReportMetric(ms(percentile(late, 50)), "p50-late-ms")
	b.ReportMetric(ms(percentile(late, 99)), "p99-late-ms")
	b.ReportMetric(ms(late[len(late)-1]), "max-late-ms")
	b.ReportMetric(float64(peak.rss)/(1<<20), "peak-rss-MB")
	b.ReportMetric(float64(peak.heap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(perNotice, "process-cpu-µs/notice")
	b.ReportMetric(used.machineBusy*100, "machine-busy-%")
	keys, _ := r.rdb.Keys(context.Background(), r.keys.Prefix+"*").Result()
	b.Logf("%d notices in %v: %.0f/s; lateness p50 %v p99 %v max %v; process RSS peak %.1f MiB, Go heap in use peak %.1f MiB; "+
		"Redis used_memory peak %s (the server's, shared), keys of this run %d; test process CPU %v (%.0f µs a notice: scheduler, messenger and fake API), machine %.0f%% busy",
		len(late), last.Sub(from).Round(time.Millisecond), rate, percentile(late, 50).Round(time.Millisecond),
		percentile(late, 99).Round(time.Millisecond), late[len(late)-1].Round(time.Millisecond),
		float64(peak.rss)/(1<<20), float64(peak.heap)/(1<<20), peak.redisHuman, len(keys),
		used.process.Round(time.Millisecond), perNotice, used.machineBusy*100)
}

// dueTimes are the auto-close jobs' due times by key.
func (r *deliveryRig) dueTimes(b *testing.B) map[string]time.Time {
	b.Helper()
	due := map[string]time.Time{}
	rows, err := r.rec.DB.QueryContext(context.Background(), `SELECT job_key, due_at FROM jobs WHERE kind = 'auto_close'`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var at time.Time
		if err := rows.Scan(&key, &at); err != nil {
			b.Fatal(err)
		}
		due[key] = at
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return due
}

// lateness is each notice's delivery time less its due time, sorted, and
// the last delivery (from, when there was none).
func (m *timedMessenger) lateness(due map[string]time.Time, from time.Time) ([]time.Duration, time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	late := make([]time.Duration, 0, len(m.at))
	last := from
	for key, at := range m.at {
		late = append(late, at.Sub(due[key]))
		if at.After(last) {
			last = at
		}
	}
	slices.Sort(late)
	return late, last
}

func percentile(sorted []time.Duration, p int) time.Duration {
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// timedMessenger notes when each notice was accepted by the API, by the
// job key it carries (client_msg_id).
type timedMessenger struct {
	next bot.CustomerMessenger
	want int
	done chan struct{}

	mu   sync.Mutex
	at   map[string]time.Time
	dups int
}

func newTimedMessenger(next bot.CustomerMessenger, want int) *timedMessenger {
	return &timedMessenger{next: next, want: want, done: make(chan struct{}), at: make(map[string]time.Time, want)}
}

func (m *timedMessenger) Notify(ctx context.Context, to string, n bot.Notice) error {
	err := m.next.Notify(ctx, to, n)
	if err != nil || n.Template == nil {
		return err
	}
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.at[n.Template.ClientMsgID]; ok {
		m.dups++
		return nil
	}
	m.at[n.Template.ClientMsgID] = now
	if len(m.at) == m.want {
		close(m.done)
	}
	return nil
}

func (m *timedMessenger) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.at)
}

// memoryPeak is the most the process and Redis held while the run went.
type memoryPeak struct {
	rss, heap, redis int64
	redisHuman       string
}

type memoryWatch struct {
	stopped chan struct{}
	result  chan memoryPeak
}

// watchMemory samples the process's RSS, the Go heap and Redis's
// used_memory every 100 ms. It also empties the fake API's record of sends,
// which would otherwise count as the scheduler's memory.
func watchMemory(r *deliveryRig) *memoryWatch {
	w := &memoryWatch{stopped: make(chan struct{}), result: make(chan memoryPeak, 1)}
	go func() {
		var peak memoryPeak
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			sampleMemory(r, &peak)
			select {
			case <-w.stopped:
				w.result <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

func (w *memoryWatch) stop() memoryPeak {
	close(w.stopped)
	return <-w.result
}

func sampleMemory(r *deliveryRig, peak *memoryPeak) {
	r.fake.Reset()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	peak.heap = max(peak.heap, int64(ms.HeapInuse))
	peak.rss = max(peak.rss, statusKB("VmRSS")*1024)
	info, err := r.rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		return
	}
	used, human := redisUsedMemory(info)
	if used > peak.redis {
		peak.redis, peak.redisHuman = used, human
	}
}

// statusKB reads a field of /proc/self/status, in kB.
func statusKB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func redisUsedMemory(info string) (int64, string) {
	var used int64
	var human string
	for line := range strings.SplitSeq(info, "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			used, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(line, "used_memory_human:"); ok {
			human = v
		}
	}
	return used, human
}

// cpuMeter measures the CPU the test process used (all of it: the
// scheduler, the messenger and the fake API) and how busy the machine was
// (PostgreSQL, Redis and whatever else runs there), over a run.
type cpuMeter struct {
	process     time.Duration
	busy, total int64
}

type cpuUse struct {
	process     time.Duration
	machineBusy float64 // share of all cores' time spent not idle
}

func startCPU() cpuMeter {
	busy, total := machineTicks()
	return cpuMeter{process: processCPU(), busy: busy, total: total}
}

func (m cpuMeter) stop() cpuUse {
	busy, total := machineTicks()
	u := cpuUse{process: processCPU() - m.process}
	if total > m.total {
		u.machineBusy = float64(busy-m.busy) / float64(total-m.total)
	}
	return u
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineTicks reads the cpu line of /proc/stat: ticks not idle, and all.
func machineTicks() (busy, total int64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	for i, f := range strings.Fields(line)[1:] {
		n, _ := strconv.ParseInt(f, 10, 64)
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}
