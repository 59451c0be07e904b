package store

import (
	"context"
	"strconv"
	"sync"
	"testing"
)

// Callers share one prepared statement per query; past the limit a query
// is prepared for one use and closed after it.
func TestPreparedStatementsAreShared(t *testing.T) {
	db, err := OpenEmbedded(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			stmt, done, err := db.prepared(ctx, "SELECT 1")
			if err != nil {
				t.Error(err)
				return
			}
			defer done()
			var n int
			if err := stmt.GetContext(ctx, &n); err != nil || n != 1 {
				t.Errorf("n = %d, %v", n, err)
			}
		})
	}
	wg.Wait()
	if len(db.stmts.m) != 1 {
		t.Fatalf("%d statements kept, want 1", len(db.stmts.m))
	}
	for i := range preparedMax + 5 {
		_, done, err := db.prepared(ctx, "SELECT "+strconv.Itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		done()
	}
	if len(db.stmts.m) != preparedMax {
		t.Fatalf("%d statements kept, want the limit %d", len(db.stmts.m), preparedMax)
	}
}
