package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
	"github.com/hotline-desk/hotline/store"
)

// The official account both servers play.
const (
	appID     = "wxload0000000000"
	appSecret = "load-secret"
	token     = "load-token"
	account   = "gh_load"
	loadUnit  = "负载测试单位"
)

// aesKey is the EncodingAESKey of --safe.
var aesKey = base64.StdEncoding.EncodeToString([]byte("hotline-load-aes-key-32-bytes!!!"))[:43]

// surveySecret signs survey links, which a load run never opens.
const surveySecret = "hotline-load-survey-secret-0123456789abcdef"

// policy puts the unit the phase c customers name on the 5x9 plan.
const policy = "units:\n  - name: " + loadUnit + "\n    plan: 5x9\n"

// startupWait bounds how long hotline may take to build and to be ready.
const (
	buildWait   = 3 * time.Minute
	readyWait   = 30 * time.Second
	stopWait    = 25 * time.Second
	ceilingText = "收到"
)

// schema is a PostgreSQL schema of its own for one run.
type schema struct {
	admin *store.DB
	name  string
	url   string
}

func createSchema(ctx context.Context, serverURL string) (*schema, error) {
	admin, err := store.OpenPostgres(ctx, serverURL)
	if err != nil {
		return nil, fmt.Errorf("--database: %w", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "hotline_load_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		admin.Close()
		return nil, fmt.Errorf("create schema: %w", err)
	}
	u, _ := url.Parse(serverURL)
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return &schema{admin: admin, name: name, url: u.String()}, nil
}

// tickets counts the tickets hotline opened.
func (s *schema) tickets(ctx context.Context) (int, error) {
	var n int
	err := s.admin.GetContext(ctx, &n, "SELECT count(*) FROM "+s.name+".tickets")
	return n, err
}

func (s *schema) drop() error {
	defer s.admin.Close()
	_, err := s.admin.ExecContext(context.Background(), "DROP SCHEMA "+s.name+" CASCADE")
	return err
}

// flushRedis empties the Redis database hotline will use.
func flushRedis(ctx context.Context, rawURL string) error {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		return fmt.Errorf("--redis: %w", err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return fmt.Errorf("--redis: flushdb: %w", err)
	}
	return nil
}

// buildHotline builds ./cmd/hotline into dir.
func buildHotline(ctx context.Context, dir string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, buildWait)
	defer cancel()
	bin := filepath.Join(dir, "hotline")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/hotline-desk/hotline/cmd/hotline")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build hotline (run from the repository, or pass --hotline): %v\n%s", err, out)
	}
	return bin, nil
}

// hotlineProc is the hotline subprocess.
type hotlineProc struct {
	cmd    *exec.Cmd
	addr   string
	output *lockedBuffer
	exited chan struct{}
	err    error // Wait's result, once exited is closed
}

// startHotline runs `hotline serve` with env and waits for /readyz.
func startHotline(ctx context.Context, bin string, env map[string]string) (*hotlineProc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	env["HOTLINE_HTTP_ADDR"] = addr
	env["HOTLINE_PUBLIC_URL"] = "http://" + addr
	p := &hotlineProc{addr: addr, output: &lockedBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = processEnv(env)
	p.cmd.Stdout, p.cmd.Stderr = p.output, p.output
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start hotline: %w", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	if err := p.waitReady(ctx); err != nil {
		p.stop()
		return nil, fmt.Errorf("%w; hotline's output:\n%s", err, p.output.String())
	}
	return p, nil
}

func (p *hotlineProc) pid() int { return p.cmd.Process.Pid }

// processEnv is this process's environment without HOTLINE_* variables,
// plus env.
func processEnv(env map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOTLINE_") {
			out = append(out, kv)
		}
	}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

func (p *hotlineProc) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(readyWait)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get("http://" + p.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.exited:
			return fmt.Errorf("hotline exited before it was ready: %v", p.err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond): // polling a real server's start
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("hotline not ready within %v", readyWait)
		}
	}
}

// stop asks hotline to finish (SIGTERM-like interrupt) and kills it if it
// does not within stopWait.
func (p *hotlineProc) stop() error {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
		return p.err
	case <-time.After(stopWait):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return errors.New("hotline did not stop within " + stopWait.String() + "; killed")
	}
}

// lockedBuffer collects the subprocess's output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// ceiling is the bare library server: what answering a callback costs
// with nothing behind it.
type ceiling struct {
	srv  *http.Server
	addr string
}

func startCeiling(safe bool) (*ceiling, error) {
	cfg := &config.Config{AppID: appID, AppSecret: appSecret, Token: token, Cache: cache.NewMemory()}
	if safe {
		cfg.EncodingAESKey = aesKey
	}
	oa := officialaccount.NewOfficialAccount(cfg)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv := oa.GetServer(r, w)
		srv.SetMessageHandler(func(*message.MixMessage) *message.Reply {
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(ceilingText)}
		})
		if err := srv.Serve(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_ = srv.Send()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &ceiling{addr: ln.Addr().String(), srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	c.srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

func (c *ceiling) stop() { _ = c.srv.Close() }

// stack is everything one run starts, torn down by close.
type stack struct {
	schema  *schema
	fake    *wechattest.FakeAPI
	hotline *hotlineProc
	ceiling *ceiling
	tmp     string
	redis   string
	flushed bool // the Redis database is ours to flush again at the end
}

// startStack creates the schema, flushes Redis, starts the fake WeChat API,
// hotline and the ceiling server.
func startStack(ctx context.Context, opt options, logw io.Writer) (_ *stack, err error) {
	s := &stack{redis: opt.redis}
	defer func() {
		if err != nil {
			s.close(logw)
		}
	}()
	if s.tmp, err = os.MkdirTemp("", "hotline-load-"); err != nil {
		return nil, err
	}
	bin := opt.hotline
	if bin == "" {
		fmt.Fprintln(logw, "hotline-load: building ./cmd/hotline")
		if bin, err = buildHotline(ctx, s.tmp); err != nil {
			return nil, err
		}
	}
	if s.schema, err = createSchema(ctx, opt.database); err != nil {
		return nil, err
	}
	if err = flushRedis(ctx, opt.redis); err != nil {
		return nil, err
	}
	s.flushed = true
	policyPath := filepath.Join(s.tmp, "policy.yaml")
	if err = os.WriteFile(policyPath, []byte(policy), 0o600); err != nil {
		return nil, err
	}
	s.fake = wechattest.NewFakeAPI(appID, appSecret)
	env := map[string]string{
		"HOTLINE_DATABASE_URL":      s.schema.url,
		"HOTLINE_REDIS_URL":         opt.redis,
		"HOTLINE_CONFIG":            policyPath,
		"HOTLINE_DATA_DIR":          s.tmp,
		"HOTLINE_LOG_LEVEL":         "warn",
		"HOTLINE_SURVEY_SECRET":     surveySecret,
		"HOTLINE_WECHAT_APP_ID":     appID,
		"HOTLINE_WECHAT_APP_SECRET": appSecret,
		"HOTLINE_WECHAT_TOKEN":      token,
		"HOTLINE_WECHAT_API_BASE":   s.fake.URL,
	}
	if opt.safe {
		env["HOTLINE_WECHAT_AES_KEY"] = aesKey
	}
	if s.hotline, err = startHotline(ctx, bin, env); err != nil {
		return nil, err
	}
	if s.ceiling, err = startCeiling(opt.safe); err != nil {
		return nil, err
	}
	return s, nil
}

// close stops what was started, in reverse, and reports failures to log.
func (s *stack) close(logw io.Writer) {
	if s.ceiling != nil {
		s.ceiling.stop()
	}
	if s.hotline != nil {
		if err := s.hotline.stop(); err != nil {
			fmt.Fprintf(logw, "hotline-load: stopping hotline: %v\n", err)
		}
	}
	if s.fake != nil {
		s.fake.Close()
	}
	if s.schema != nil {
		if err := s.schema.drop(); err != nil {
			fmt.Fprintf(logw, "hotline-load: drop schema %s: %v\n", s.schema.name, err)
		}
	}
	if s.flushed {
		if err := flushRedis(context.Background(), s.redis); err != nil {
			fmt.Fprintf(logw, "hotline-load: %v\n", err)
		}
	}
	if s.tmp != "" {
		os.RemoveAll(s.tmp)
	}
}
