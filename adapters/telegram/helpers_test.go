package telegram_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/telegram"
	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"
)

// wait bounds every wait for something to arrive.
const wait = 10 * time.Second

// testConfig is fast: short polls and retries, and pacing loose enough not
// to slow tests that do not measure it.
func testConfig(fake *telegramtest.FakeBotAPI) telegram.Config {
	return telegram.Config{
		Token:           telegramtest.Token,
		APIEndpoint:     fake.Endpoint(),
		HTTPTimeout:     2 * time.Second,
		PollTimeout:     time.Second,
		HandleTimeout:   5 * time.Second,
		GlobalRate:      1000,
		PerChatInterval: time.Millisecond,
		Lease:           10 * time.Second,
		PollInterval:    20 * time.Millisecond,
		RetryBase:       20 * time.Millisecond,
		RetryMax:        100 * time.Millisecond,
	}
}

// newBot starts nothing: the test runs what it needs with start.
func newBot(t *testing.T, cfg telegram.Config, h telegram.StaffHandler, rec *store.Records) (*telegram.Bot, *logBuffer) {
	t.Helper()
	if h == nil {
		h = &recorder{}
	}
	logs := &logBuffer{}
	b, err := telegram.New(cfg, h, stores(rec), slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatalf("new bot: %v", err)
	}
	return b, logs
}

// stores are the bot's stores, all rec's outbox.
func stores(rec *store.Records) telegram.Stores {
	o := rec.Outbox
	return telegram.Stores{Outbox: o, Deliveries: o, Messages: o, Updates: o}
}

// start runs f until the returned stop is called (or the test ends), and
// stop waits for f to return.
func start(t *testing.T, f func(context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f(ctx); err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(wait):
				t.Errorf("did not stop within %v", wait)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// recorder is a StaffHandler that keeps what it gets; fail makes it fail
// updates whose text is that.
type recorder struct {
	mu      sync.Mutex
	updates []bot.StaffUpdate
	fail    string
	block   string        // text of an update to hang on until release closes
	release chan struct{} //
	blocked chan struct{} // closed when the hang begins
}

func (r *recorder) HandleStaff(ctx context.Context, u bot.StaffUpdate) error {
	r.mu.Lock()
	r.updates = append(r.updates, u)
	fail, block := r.fail, r.block
	r.mu.Unlock()
	if block != "" && u.Text == block {
		close(r.blocked)
		<-r.release
	}
	if fail != "" && u.Text == fail {
		return errFailed
	}
	return nil
}

var errFailed = &bot.UserError{Message: "the desk failed"}

func (r *recorder) got() []bot.StaffUpdate {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.StaffUpdate(nil), r.updates...)
}

// waitFor waits until the recorder has n updates and returns them.
func (r *recorder) waitFor(t *testing.T, n int) []bot.StaffUpdate {
	t.Helper()
	eventually(t, fmt.Sprintf("%d updates at the handler", n), func() bool { return len(r.got()) >= n })
	return r.got()
}

// logBuffer collects log lines; safe for goroutines that outlive a test.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// eventually waits for a condition on state the fake does not see (the
// database), looking every few milliseconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", wait, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// count runs a count(*) query.
func count(t *testing.T, rec *store.Records, query string, args ...any) int {
	t.Helper()
	var n int
	if err := rec.DB.GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
