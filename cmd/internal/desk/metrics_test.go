package desk_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/engine"
	"github.com/hotline-desk/hotline/cmd/internal/desk"
)

// recordedMetrics counts what the scheduler reports.
type recordedMetrics struct {
	mu       sync.Mutex
	done     map[string]int // kind/outcome
	failures int
}

func (m *recordedMetrics) JobDone(kind, outcome string, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done[kind+"/"+outcome]++
}
func (m *recordedMetrics) JobFailed(string) { m.mu.Lock(); m.failures++; m.mu.Unlock() }
func (m *recordedMetrics) Escalated()       {}

// A job that fails every attempt is given up after the last one and counted
// as done with outcome failed, once, beside each failed attempt.
func TestGivenUpJobCountsAsFailed(t *testing.T) {
	f := newFixture(t)
	m := &recordedMetrics{done: map[string]int{}}
	deps := f.deps
	deps.Metrics = m
	f.desk = desk.New(deps)
	f.desk.Engine.Handle("always_fails", engine.Plain(func(context.Context, bot.Job, time.Time) (string, []bot.Job, error) {
		return "", nil, errors.New("the platform is down")
	}))
	if err := f.rec.Jobs.AddJobs(context.Background(), []bot.Job{{Kind: "always_fails", Key: "af:1", DueAt: f.now}}, f.now); err != nil {
		t.Fatal(err)
	}
	for range 2 * bot.MaxJobAttempts { // each retry waits its backoff (at most 5 min 20 s here)
		f.advance(f.now.Add(10 * time.Minute))
	}
	if m.failures != bot.MaxJobAttempts || m.done["always_fails/failed"] != 1 || len(m.done) != 1 {
		t.Fatalf("failed attempts %d, done %v; want %d attempts and one done/failed", m.failures, m.done, bot.MaxJobAttempts)
	}
}
