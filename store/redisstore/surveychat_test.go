package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/store/redisstore"
	"github.com/hotline-desk/hotline/store/storetest"
)

func TestSurveyPendingAndPacer(t *testing.T) {
	rdb, keys := storetest.Redis(t)
	ctx := context.Background()
	s := redisstore.NewPendingSurveys(rdb, keys)
	if _, found, err := s.PendingSurvey(ctx, "wechat", "o1"); found || err != nil {
		t.Fatalf("pending before any: %v %v", found, err)
	}
	if err := s.SetPendingSurvey(ctx, "wechat", "o1", survey.PendingQuestion{Survey: 7, Step: 1}, time.Minute); err != nil {
		t.Fatal(err)
	}
	s.ClearPendingSurvey(ctx, "wechat", "o1", 8) // another survey's: kept
	if p, found, _ := s.PendingSurvey(ctx, "wechat", "o1"); !found || p.Survey != 7 || p.Step != 1 {
		t.Fatalf("pending = %+v, %v", p, found)
	}
	s.ClearPendingSurvey(ctx, "wechat", "o1", 7)
	if _, found, _ := s.PendingSurvey(ctx, "wechat", "o1"); found {
		t.Fatal("still pending after clear")
	}

	// Two pacers on one key, as two replicas: 20 waits at 100/s take at
	// least 190 ms together.
	a, b := redisstore.NewPacer(rdb, keys, 100), redisstore.NewPacer(rdb, keys, 100)
	start := time.Now()
	errs := make(chan error, 20)
	for i := range 20 {
		go func() { errs <- []*redisstore.Pacer{a, b}[i%2].Wait(ctx) }()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(start); took < 190*time.Millisecond {
		t.Fatalf("20 paced sends at 100/s took %v", took)
	}
}
