package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

// Overflow text (kept for a report, not to run again) never stands in the
// way of replay: with more than a page of it waiting, the kept message
// behind it is still replayed; and a customer's overflow comes back for
// their ticket.
func TestBacklogReplaySkipsOverflowText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		for i := range 120 {
			in := bot.Inbound{Channel: "wechat", From: "o1", Key: fmt.Sprintf("overflow:msg:o1:%d", i), Kind: bot.InboundText, Text: "长描述的其余部分"}
			if err := rec.Backlog.Keep(ctx, in, "description too long for one report", at); err != nil {
				t.Fatal(err)
			}
		}
		kept := bot.Inbound{Channel: "wechat", From: "o2", Key: "msg:o2:1", Kind: bot.InboundText, Text: "打印机不能用"}
		if err := rec.Backlog.Keep(ctx, kept, "database down", at); err != nil {
			t.Fatal(err)
		}
		items, err := rec.Backlog.Waiting(ctx, 100)
		if err != nil || len(items) != 1 || items[0].In.Key != "msg:o2:1" {
			t.Fatalf("waiting = %+v, %v; want the kept message alone", items, err)
		}
		overflow, err := rec.Backlog.OverflowOf(ctx, "wechat", "o1", at)
		if err != nil || len(overflow) != 100 || overflow[0].In.Key != "overflow:msg:o1:0" {
			t.Fatalf("overflow of o1: %d, %v", len(overflow), err)
		}
		if none, err := rec.Backlog.OverflowOf(ctx, "wechat", "o2", at); err != nil || len(none) != 0 {
			t.Fatalf("overflow of o2: %d, %v", len(none), err)
		}
		// A report begun later does not take an earlier (cancelled) one's text.
		if later, err := rec.Backlog.OverflowOf(ctx, "wechat", "o1", at.Add(time.Minute)); err != nil || len(later) != 0 {
			t.Fatalf("overflow of a later report: %d, %v", len(later), err)
		}
	})
}
