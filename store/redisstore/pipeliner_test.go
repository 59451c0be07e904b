package redisstore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Concurrent callers each get their own command's answer, whether their
// commands shared a pipeline or not; a command's own error stays its own.
func TestPipelinerAnswersEachCaller(t *testing.T) {
	r, err := OpenEmbedded(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			key := fmt.Sprintf("k%d", i)
			set := redis.NewStatusCmd(ctx, "set", key, i)
			if err := r.pipe.do(ctx, set); err != nil {
				t.Error(err)
				return
			}
			if got, err := r.get(ctx, key).Int(); err != nil || got != i {
				t.Errorf("%s = %d, %v", key, got, err)
			}
			if err := r.get(ctx, "absent"+key).Err(); err != redis.Nil {
				t.Errorf("absent key: %v", err)
			}
		})
	}
	wg.Wait()
}

func TestPipelinerContextAndClose(t *testing.T) {
	r, err := OpenEmbedded(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.get(ctx, "k").Err(); err != context.Canceled {
		t.Fatalf("cancelled caller: %v", err)
	}
	r.Close()
	r.Close() // twice is harmless
	ctx, cancel = context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := r.get(ctx, "k").Err(); err == nil {
		t.Fatal("a closed client answered")
	}
}
