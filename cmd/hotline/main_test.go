package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/store/storetest"
)

// runWith runs hotline with exactly the given environment.
func runWith(ctx context.Context, env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(ctx, args, &cliEnv{stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }})
	return code, out.String(), errOut.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestBadConfigurationIsOneLine(t *testing.T) {
	dir := t.TempDir()
	unknownKey := filepath.Join(dir, "unknown.yaml")
	os.WriteFile(unknownKey, []byte("units:\n  - name: A\n    colour: red\n"), 0o600)
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"malformed database URL", map[string]string{"HOTLINE_DATABASE_URL": "postgres://127.0.0.1/test"}, "HOTLINE_DATABASE_URL: sslmode missing"},
		{"database URL scheme", map[string]string{"HOTLINE_DATABASE_URL": "mysql://x"}, "HOTLINE_DATABASE_URL: must start with postgres://"},
		{"unreachable redis", map[string]string{"HOTLINE_DATA_DIR": dir, "HOTLINE_REDIS_URL": "redis://127.0.0.1:1/0"}, "HOTLINE_REDIS_URL: redis unreachable"},
		{"unknown YAML field", map[string]string{"HOTLINE_CONFIG": unknownKey}, "HOTLINE_CONFIG: line 3: field colour is not a known key"},
		{"missing YAML file", map[string]string{"HOTLINE_CONFIG": filepath.Join(dir, "nope.yaml")}, "HOTLINE_CONFIG: open"},
		{"bad zone", map[string]string{"HOTLINE_TIMEZONE": "Moon/Base"}, "HOTLINE_TIMEZONE: unknown time zone"},
		{"bad log level", map[string]string{"HOTLINE_LOG_LEVEL": "loud"}, "HOTLINE_LOG_LEVEL"},
		{"short AES key", map[string]string{"HOTLINE_WECHAT_TOKEN": "t", "HOTLINE_WECHAT_APP_ID": "a", "HOTLINE_WECHAT_APP_SECRET": "s", "HOTLINE_WECHAT_AES_KEY": "short"}, "HOTLINE_WECHAT_AES_KEY"},
		{"webhook without secret", map[string]string{"HOTLINE_TELEGRAM_TOKEN": "1:x", "HOTLINE_TELEGRAM_WEBHOOK_URL": "https://h/telegram"}, "HOTLINE_TELEGRAM_WEBHOOK_SECRET"},
		{"bad address", map[string]string{"HOTLINE_HTTP_ADDR": "8080"}, "HOTLINE_HTTP_ADDR"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runWith(context.Background(), c.env, "serve")
			if code == 0 {
				t.Fatal("exit 0")
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
				t.Fatalf("stderr = %q, want one line containing %q", stderr, c.want)
			}
		})
	}
}

func TestHelpAndUsage(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"migrate", "-h"}, {"version", "--help"}} {
		code, stdout, _ := runWith(context.Background(), nil, args...)
		if code != 0 || !strings.Contains(stdout, "Usage: hotline") {
			t.Errorf("%v: code %d, stdout %q", args, code, stdout)
		}
	}
	if code, _, stderr := runWith(context.Background(), nil, "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: code %d, stderr %q", code, stderr)
	}
	if code, _, stderr := runWith(context.Background(), nil, "serve", "--bogus"); code != 2 || strings.Count(stderr, "\n") != 1 {
		t.Errorf("bad flag: code %d, stderr %q", code, stderr)
	}
}

// serveUntilReady starts serve and waits for /readyz to answer 200.
func serveUntilReady(t *testing.T, env map[string]string) (stop func() string) {
	t.Helper()
	addr := freeAddr(t)
	env["HOTLINE_HTTP_ADDR"] = addr
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var out string
	var code int
	wg.Add(1)
	go func() {
		defer wg.Done()
		var stderr string
		code, out, stderr = runWith(ctx, env, "serve")
		out += stderr
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			cancel()
			wg.Wait()
			t.Fatalf("not ready within 10 s; output:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond) // polling a real server start, not business time
	}
	return func() string {
		cancel()
		wg.Wait()
		if code != 0 {
			t.Fatalf("serve exited %d:\n%s", code, out)
		}
		return out
	}
}

// A second serve on the same data directory with the embedded Redis is
// refused with one line naming the process that holds it.
func TestSecondServeOnTheDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HOTLINE_DATA_DIR": dir}
	stop := serveUntilReady(t, env)
	defer stop()
	// The health probe finds it up, and a port nobody serves down.
	if code, out, stderr := runWith(context.Background(), env, "health"); code != 0 || out != "ok\n" {
		t.Fatalf("health: exit %d %q %q", code, out, stderr)
	}
	if code, _, stderr := runWith(context.Background(), map[string]string{"HOTLINE_HTTP_ADDR": freeAddr(t)}, "health"); code != 1 || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("health of nothing: exit %d %q", code, stderr)
	}
	code, _, stderr := runWith(context.Background(), map[string]string{"HOTLINE_DATA_DIR": dir, "HOTLINE_HTTP_ADDR": freeAddr(t)}, "serve")
	want := fmt.Sprintf("is held by another process (pid %d), a hotline serve", os.Getpid())
	if code != 1 || !strings.Contains(stderr, want) || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("second serve: exit %d, stderr %q; want %q", code, stderr, want)
	}
}

func TestServeEmbeddedAndRestart(t *testing.T) {
	dir := t.TempDir()
	stop := serveUntilReady(t, map[string]string{"HOTLINE_DATA_DIR": dir})
	out := stop()
	if !strings.Contains(out, "embedded stores are meant for trying Hotline") {
		t.Errorf("no backends line in:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "hotline.db")); err != nil {
		t.Fatal(err)
	}
	p, err := policy.Default(policy.Options{Location: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range p.Calendars["5x9"].ProvisionalYears(time.Now(), time.Now().AddDate(1, 0, 0)) {
		if !strings.Contains(out, fmt.Sprintf(`"year":%d`, y)) || !strings.Contains(out, "counting the statutory public holidays") {
			t.Errorf("no warning of provisional year %d in:\n%s", y, out)
		}
	}
	out = serveUntilReady(t, map[string]string{"HOTLINE_DATA_DIR": dir})()
	if strings.Contains(out, "migration applied") {
		t.Errorf("second start migrated again:\n%s", out)
	}
}

func TestServePostgresRedis(t *testing.T) {
	env := map[string]string{"HOTLINE_DATABASE_URL": storetest.PostgresSchemaURL(t), "HOTLINE_REDIS_URL": storetest.RedisURL()}
	stop := serveUntilReady(t, env)
	resp, err := http.Get("http://" + env["HOTLINE_HTTP_ADDR"] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	p, err := policy.Default(policy.Options{Location: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`hotline_http_requests_total{code="200",route="GET /readyz"}`, "go_goroutines",
		fmt.Sprintf("hotline_calendar_official_through %d", p.OfficialThrough())} {
		if !strings.Contains(body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	stop()
}

func TestConcurrentMigrateCommands(t *testing.T) {
	env := map[string]string{"HOTLINE_DATABASE_URL": storetest.PostgresSchemaURL(t)}
	var wg sync.WaitGroup
	codes := make([]int, 2)
	outs := make([]string, 2)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, outs[i] = runWith(context.Background(), env, "migrate")
		}()
	}
	wg.Wait()
	if codes[0] != 0 || codes[1] != 0 {
		t.Fatalf("exit codes %v:\n%s\n%s", codes, outs[0], outs[1])
	}
	if n := strings.Count(outs[0]+outs[1], "00001_foundation.sql"); n != 1 {
		t.Fatalf("foundation migration applied %d times:\n%s\n%s", n, outs[0], outs[1])
	}
}
