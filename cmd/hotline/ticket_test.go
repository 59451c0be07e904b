package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/cmd/internal/ticketview"
	"github.com/hotline-desk/hotline/store"
)

// ticketPolicy: calls answered within 2 hours round the clock, so the
// deadline of a call entered now is known exactly.
const ticketPolicy = `
plans:
  - name: hotline
    calendar: 7x24
    channels:
      phone: {response: 2h}
units:
  - name: 大庆市住房公积金管理中心
    plan: hotline
staff:
  - {number: "007", name: 李工, roles: [engineer], telegram_user_id: 100007}
  - {number: "102", name: 小周, roles: [dispatcher], telegram_user_id: 100102}
`

// ticketEnv is the environment of the ticket commands: the embedded
// stores in a fresh directory, a policy file, and the fake WeChat and
// Telegram APIs.
func ticketEnv(t *testing.T) (map[string]string, *wechattest.FakeAPI, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(path, []byte(ticketPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	wx := wechattest.NewFakeAPI("wx-app", "wx-secret")
	t.Cleanup(wx.Close)
	tg := telegramtest.New(t)
	return map[string]string{"HOTLINE_DATA_DIR": dir, "HOTLINE_CONFIG": path,
		"HOTLINE_WECHAT_APP_ID": "wx-app", "HOTLINE_WECHAT_APP_SECRET": "wx-secret", "HOTLINE_WECHAT_TOKEN": "tok",
		"HOTLINE_WECHAT_API_BASE": wx.URL, "HOTLINE_TELEGRAM_TOKEN": telegramtest.Token,
		"HOTLINE_TELEGRAM_API_ENDPOINT": tg.Endpoint()}, wx, dir
}

// withRecords opens the embedded database the commands use, migrated.
func withRecords(t *testing.T, dir string, f func(*store.Records)) {
	t.Helper()
	ctx := context.Background()
	db, err := store.OpenEmbedded(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	f(store.NewRecords(db))
}

func TestTicketCommands(t *testing.T) {
	env, wx, dir := ticketEnv(t)
	ctx := context.Background()
	// serve has run (it loads the policy's staff), and the caller wrote to
	// the official account yesterday with this phone.
	withRecords(t, dir, func(rec *store.Records) {
		settings, err := policyfile.Parse([]byte(ticketPolicy), "", shanghai, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		if err := syncPolicy(ctx, &backends{rec: rec}, settings.Policy, time.Now()); err != nil {
			t.Fatal(err)
		}
		seen := time.Now().Add(-20 * time.Hour)
		c := bot.Customer{Channel: bot.ChannelWeChat, OpenID: "o-zhang", UnitName: "大庆市住房公积金管理中心", Name: "张三",
			Phone: "13800138000", Subscribed: true, LastSeenAt: &seen, UpdatedAt: seen}
		if err := rec.Customers.SaveCustomer(ctx, &c); err != nil {
			t.Fatal(err)
		}
	})
	at := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	args := []string{"ticket", "new", "--unit", "大庆市 住房公积金管理中心", "--contact", "张三", "--phone", "138-0013-8000",
		"--channel", "phone", "--severity", "3", "--description", "社保接口报错", "--at", at.Format(time.RFC3339), "--json"}
	code, out, stderr := runWith(ctx, env, args...)
	if code != 0 {
		t.Fatalf("ticket new: exit %d: %s", code, stderr)
	}
	var got ticketview.JSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Number != 1 || got.Channel != "phone" || got.Severity != 3 || got.Status != "open" || !got.ReportedAt.Equal(at) ||
		!got.ResponseDue.Equal(at.Add(2*time.Hour)) || got.ResponseRule != "channel" || got.ResolutionDue == nil ||
		got.Assignee == nil || *got.Assignee != "007" || got.Unit != "大庆市住房公积金管理中心" || got.Phone != "13800138000" {
		t.Fatalf("ticket new --json = %+v", got)
	}
	// The caller follows the official account: told in WeChat now.
	if _, err := wx.Wait(1, 5*time.Second, func(m wechattest.Message) bool {
		return m.To == "o-zhang" && strings.Contains(m.Text, "工单 #1") && strings.Contains(m.Text, "电话")
	}); err != nil {
		t.Fatalf("the caller was not told: %v (%+v)", err, wx.Messages())
	}
	// The engineer's ping waits in the outbox for serve to deliver.
	withRecords(t, dir, func(rec *store.Records) {
		var n int
		if err := rec.DB.Get(&n, `SELECT count(*) FROM telegram_outbox WHERE chat_id = 100007`); err != nil || n != 1 {
			t.Fatalf("pings in the outbox: %d, %v", n, err)
		}
	})
	// The same command again opens nothing; without --json it prints the
	// number alone, and the rest for people on stderr.
	code, out, stderr = runWith(ctx, env, args[:len(args)-1]...)
	if code != 0 || out != "1\n" || !strings.Contains(stderr, "was opened for this call before") {
		t.Fatalf("ticket new again: exit %d: %q %q", code, out, stderr)
	}
	// Without --at, a retry within the same ten minutes is the same call.
	noAt := []string{"ticket", "new", "--unit", "大庆市住房公积金管理中心", "--contact", "王五", "--phone", "13912345678",
		"--channel", "email", "--severity", "4", "--description", "导出乱码"}
	for range 2 {
		if code, out, stderr = runWith(ctx, env, noAt...); code != 0 || out != "2\n" {
			t.Fatalf("ticket new without --at: exit %d: %q %q", code, out, stderr)
		}
	}

	code, out, _ = runWith(ctx, env, "ticket", "list", "--open", "--unit", "大庆市 住房公积金管理中心")
	if code != 0 || !strings.Contains(out, "#1") || !strings.Contains(out, "phone") || strings.Count(out, "\n") != 3 {
		t.Fatalf("ticket list: exit %d:\n%s", code, out)
	}
	code, out, _ = runWith(ctx, env, "ticket", "list", "--json", "--limit", "1")
	var list []ticketview.JSON
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != 1 || list[0].Number != 2 {
		t.Fatalf("ticket list --json: exit %d:\n%s", code, out)
	}
	code, out, _ = runWith(ctx, env, "ticket", "show", "1")
	for _, want := range []string{"系统服务单 #1", "受理渠道：电话", "按受理渠道", "李工（工号 007）", "社保接口报错", "服务记录：", "电话受理，命令行登记，来电时间 " + at.In(shanghai).Format("2006-01-02 15:04")} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("ticket show 1: exit %d, want %q:\n%s", code, want, out)
		}
	}
	code, out, _ = runWith(ctx, env, "ticket", "show", "#1", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || len(got.Events) < 2 || got.Events[0].Kind != "opened" {
		t.Fatalf("ticket show --json: exit %d:\n%s", code, out)
	}
}

// Bad input: one line naming the flag, exit 2, and no ticket.
func TestTicketNewBadInput(t *testing.T) {
	env, _, dir := ticketEnv(t)
	ok := []string{"--unit", "某单位", "--contact", "张三", "--phone", "13800138000", "--channel", "phone", "--severity", "2", "--description", "打不开"}
	with := func(flag, value string) []string {
		out := append([]string{"ticket", "new"}, ok...)
		for i := 2; i < len(out); i += 2 {
			if out[i] == flag {
				out[i+1] = value
				return out
			}
		}
		return append(out, flag, value)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{with("--unit", ""), 2, "--unit is required"},
		{with("--phone", "12345"), 2, "--phone \"12345\""},
		{with("--channel", "fax"), 2, "--channel \"fax\""},
		{with("--severity", "9"), 2, "--severity"},
		{with("--description", "  "), 2, "--description is required"},
		{with("--at", time.Now().Add(time.Hour).Format(time.RFC3339)), 2, "is in the future"},
		{with("--at", "yesterday"), 2, "--at \"yesterday\""},
		{with("--assign", "999"), 2, "--assign: no staff number"},
		{with("--description", strings.Repeat("长", 4001)), 2, "--description: longer than 4000 characters"},
		{with("--at", time.Now().Add(-31*24*time.Hour).Format(time.RFC3339)), 2, "more than 30 days ago"},
		{[]string{"ticket", "show", "abc"}, 2, "not a ticket number"},
		{[]string{"ticket", "show", "42"}, 1, "no ticket #42"},
		{[]string{"ticket", "frob"}, 2, "unknown subcommand"},
		{[]string{"ticket", "list", "--limit", "0"}, 2, "--limit 0"},
	} {
		code, _, stderr := runWith(context.Background(), env, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit %d with %q on one line", c.args[2:], code, stderr, c.code, c.want)
		}
	}
	withRecords(t, dir, func(rec *store.Records) {
		var n int
		if err := rec.DB.Get(&n, `SELECT count(*) FROM tickets`); err != nil || n != 0 {
			t.Fatalf("tickets after bad input: %d, %v", n, err)
		}
	})
}

// A call entered later than it came in: the clock runs from the call, the
// service log says when it was written down.
func TestTicketNewEnteredLater(t *testing.T) {
	env, _, dir := ticketEnv(t)
	at := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
	code, _, stderr := runWith(context.Background(), env, "ticket", "new", "--unit", "某单位", "--contact", "李四", "--phone", "13912345678",
		"--channel", "phone", "--severity", "4", "--description", "导出乱码", "--at", at.Format(time.RFC3339))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	withRecords(t, dir, func(rec *store.Records) {
		tk, err := rec.Tickets.Ticket(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		events, err := rec.Tickets.Events(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if !tk.ReportedAt.Equal(at) || time.Since(tk.CreatedAt) > time.Minute {
			t.Errorf("reported %v, created %v", tk.ReportedAt, tk.CreatedAt)
		}
		for _, e := range events {
			if time.Since(e.At) > time.Minute {
				t.Errorf("event %s at %v, want when it was written down", e.Kind, e.At)
			}
		}
	})
}
