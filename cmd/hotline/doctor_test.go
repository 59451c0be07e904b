package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
	"github.com/hotline-desk/hotline/cmd/internal/doctor"
)

// doctor on a fresh directory says to create the database; once it is
// there, with WeChat, Telegram and the public URL answering, every check
// but the calendar's (which depends on the date) passes; a wrong WeChat
// secret fails with what to fix.
func TestDoctor(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	wx := wechattest.NewFakeAPI("wx-app", "wx-secret")
	t.Cleanup(wx.Close)
	tg := telegramtest.New(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(page.Close)
	env := map[string]string{"HOTLINE_DATA_DIR": dir}
	code, out, stderr := runWith(ctx, env, "doctor")
	if code != 1 || !strings.Contains(out, "FAIL  database    no embedded database") || !strings.Contains(out, "fix: run hotline serve or hotline migrate") ||
		strings.Count(out, "\n") != 7 || !strings.Contains(stderr, "checks failed") {
		t.Fatalf("doctor on nothing: exit %d\n%s%s", code, out, stderr)
	}
	if code, _, stderr := runWith(ctx, env, "migrate"); code != 0 {
		t.Fatal(stderr)
	}
	env["HOTLINE_WECHAT_APP_ID"], env["HOTLINE_WECHAT_APP_SECRET"], env["HOTLINE_WECHAT_TOKEN"] = "wx-app", "wx-secret", "tok"
	env["HOTLINE_WECHAT_API_BASE"], env["HOTLINE_TELEGRAM_TOKEN"] = wx.URL, telegramtest.Token
	env["HOTLINE_TELEGRAM_API_ENDPOINT"], env["HOTLINE_PUBLIC_URL"] = tg.Endpoint(), page.URL
	_, out, _ = runWith(ctx, env, "doctor")
	for _, want := range []string{"ok    config", "ok    database    embedded SQLite (one replica only) reachable; migrations current",
		"ok    redis", "ok    wechat      access token for wx-app", "ok    telegram    the token is bot @", "ok    public url"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor: no %q in\n%s", want, out)
		}
	}
	env["HOTLINE_WECHAT_APP_SECRET"] = "wrong"
	if code, out, _ := runWith(ctx, env, "doctor"); code != 1 || !strings.Contains(out, "FAIL  wechat") || !strings.Contains(out, "IP whitelist") {
		t.Errorf("wrong secret: exit %d\n%s", code, out)
	}
}

// The calendar check wants this year's official schedule, and from
// November warns while next year's is missing.
func TestDoctorCalendar(t *testing.T) {
	for _, c := range []struct {
		now  time.Time
		want doctor.Outcome
	}{
		{time.Date(2026, 6, 1, 9, 0, 0, 0, shanghai), doctor.OK},      // 2026 shipped
		{time.Date(2026, 12, 7, 9, 0, 0, 0, shanghai), doctor.Warned}, // 2027's notice due: nobody can act before it is out
		{time.Date(2027, 3, 1, 9, 0, 0, 0, shanghai), doctor.Failed},  // 2027 missing
	} {
		dep, o := doctorDeployment(&cliEnv{getenv: func(string) string { return "" }}, c.now)
		o.close()
		checks, done := doctor.Checks(dep)
		r := checks[len(checks)-1].Run(context.Background())
		done()
		if checks[len(checks)-1].Name != "calendar" || r.Outcome != c.want {
			t.Errorf("at %v: %+v, want outcome %d", c.now, r, c.want)
		}
	}
}
