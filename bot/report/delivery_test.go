package report

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot/policy"
)

// countingStore makes empty months slowly and counts them.
type countingStore struct{ facts atomic.Int32 }

func (s *countingStore) Facts(ctx context.Context, unitKey string, from, to, now time.Time) (*Facts, error) {
	s.facts.Add(1)
	time.Sleep(20 * time.Millisecond) // the recipients arrive while it is made
	return &Facts{}, nil
}
func (s *countingStore) HasUnit(context.Context, string) (bool, error) { return true, nil }
func (s *countingStore) MonthUnits(context.Context, time.Time, time.Time) ([]string, error) {
	return nil, nil
}

// The delivery's recipients share one report: made once while they wait,
// kept ten minutes, then made again; a report asked for with /report is
// made afresh.
func TestSharedReportIsMadeOnce(t *testing.T) {
	p, err := policy.Default(policy.Options{Location: time.UTC, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	store := &countingStore{}
	d := &Delivery{Reports: &Reports{Policy: p, Store: store, Clock: clock}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := d.shared(context.Background(), "2026-11", ""); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := store.facts.Load(); n != 1 {
		t.Fatalf("8 recipients made the report %d times", n)
	}
	d.shared(context.Background(), "2026-11", "甲单位")
	d.make(context.Background(), "2026-11", "")
	if n := store.facts.Load(); n != 3 {
		t.Fatalf("another unit and a fresh report: %d makings, want 3", n)
	}
	mu.Lock()
	now = now.Add(cacheFor)
	mu.Unlock()
	d.shared(context.Background(), "2026-11", "")
	if n, cached := store.facts.Load(), len(d.cache); n != 4 || cached != 1 {
		t.Fatalf("after ten minutes: %d makings, %d kept (the old ones are dropped)", n, cached)
	}
}
