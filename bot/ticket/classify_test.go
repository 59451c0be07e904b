package ticket_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/ticket"
	"github.com/hotline-desk/hotline/store/storetest"
)

// Classify takes the kinds there are and the policy's categories, keeps a
// category the policy has dropped on the ticket that has it, and writes one
// event per change.
func TestClassify(t *testing.T) {
	ctx := context.Background()
	rec := storetest.SQLite(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p, err := policy.Default(policy.Options{Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	n := notify.New(notify.Deps{Clock: clock, Policy: p, Staff: rec.Staff, Customers: rec.Customers, Tickets: rec.Tickets})
	lc := ticket.New(ticket.Deps{Clock: clock, Policy: p, Tickets: rec.Tickets, Units: rec.Units, Customers: rec.Customers, Notify: n})
	o, err := lc.Open(ctx, ticket.Report{Channel: bot.ChannelWeChat, OpenID: "o1", Key: "k1", Unit: "某单位", Name: "张三",
		Phone: "13800138000", Description: "打印机不能用", Severity: 3, At: now, Events: func(*bot.Ticket) []bot.Event { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if o.Ticket.Kind != bot.KindFault || o.Ticket.Category != "" {
		t.Fatalf("opened as %q, %q", o.Ticket.Kind, o.Ticket.Category)
	}
	lead := &bot.Staff{Number: "009", RolesText: bot.RoleLead}
	tk, err := lc.Classify(ctx, lead, o.Ticket, bot.KindUpgrade, "打印")
	if err != nil || tk.Kind != bot.KindUpgrade || tk.Category != "打印" {
		t.Fatalf("Classify = %+v, %v", tk, err)
	}
	for _, c := range []struct{ kind, category, message string }{
		{"feature", "打印", "没有「feature」这种工单类型"},
		{bot.KindFault, "网络", "分类「网络」不在分类列表中"},
	} {
		var ue *bot.UserError
		if _, err := lc.Classify(ctx, lead, tk, c.kind, c.category); !errors.As(err, &ue) || ue.Message != c.message {
			t.Errorf("Classify(%q, %q) = %v, want %q", c.kind, c.category, err, c.message)
		}
	}
	p.Categories = []string{"登录"} // the list changed: 打印 stays where it is
	if tk, err = lc.Classify(ctx, lead, tk, bot.KindMaintenance, "打印"); err != nil || tk.Kind != bot.KindMaintenance {
		t.Fatalf("a kind beside a dropped category: %+v, %v", tk, err)
	}
	if _, err = lc.Classify(ctx, lead, tk, bot.KindMaintenance, "打印"); err != nil {
		t.Fatal(err)
	}
	events, err := rec.Tickets.Events(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, e := range events {
		if e.Kind == bot.EventClassified && e.Actor == "009" {
			bodies = append(bodies, e.Body)
		}
	}
	if len(bodies) != 2 || bodies[0] != "类型 升级补丁，分类 打印" || bodies[1] != "类型 日常维护，分类 打印" {
		t.Fatalf("classified events %q", bodies)
	}
}
