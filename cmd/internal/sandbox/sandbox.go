// Package sandbox is hotline sandbox without the app: a page at / with a
// customer's WeChat, the staff's Telegram and the desk, and the API under
// /sandbox/ behind it. Everything the page does goes through Hotline's real
// front doors: a customer's message is a signed callback POSTed to the real
// /wechat handler, a staff member's action is an update queued in the fake
// Bot API for the real Telegram adapter to poll, and every reply shown is
// what Hotline sent to the fakes (plus the passive replies to the
// callbacks). The clock the page moves is Hotline's injected clock.
//
// The sandbox is never production: it only knows the demo identities
// (Customers, Staff) and refuses any other.
package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"sync"
	"time"

	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
)

// Label is what every pane says, so nobody mistakes the sandbox for the
// real thing.
const Label = "演示沙盒 · sandbox"

// DefaultAccount is the official account's original id (ToUserName) in the
// callbacks, when Deps.Account is empty.
const DefaultAccount = "gh_hotline_demo"

// maxBody caps a page request's body.
const maxBody = 16 << 10

// Deps are what the sandbox drives and reads.
type Deps struct {
	// WeChatURL is this server's real callback endpoint, e.g.
	// http://127.0.0.1:8080/wechat.
	WeChatURL string
	// Token signs the callbacks (HOTLINE_WECHAT_TOKEN; default the
	// package's Token), in plain mode (no HOTLINE_WECHAT_AES_KEY).
	Token   string
	Account string // the account's original id; default DefaultAccount

	WeChat   *wechattest.FakeAPI      // where Hotline's pushes and templates land
	Telegram *telegramtest.FakeBotAPI // where the staff bot polls and sends

	Clock    *Clock         // Hotline's injected clock
	Desk     DeskView       // the tickets and jobs, from the store (StoreDesk)
	Location *time.Location // the zone times are shown in; default Asia/Shanghai
	Log      *slog.Logger   // default slog.Default()
	Client   *http.Client   // posts the callbacks; default a client with a 10s timeout
}

// Sandbox serves the page and its API. Its records (what the page's people
// sent, the passive replies) live in memory, so the page survives reloads
// and shows the same in every tab.
type Sandbox struct {
	d Deps

	mu       sync.Mutex
	said     map[string][]line    // by customer openid: what they sent, the passive replies
	did      map[int64][]line     // by staff Telegram id: what they sent and pressed
	pressers map[string]int64     // callback query id → the staff member who pressed
	lastMsg  int64                // the last MsgId given to a customer's message
	lastSeen map[string]time.Time // by customer openid: their last message or event, by the clock
}

// serviceWindow is how long after a customer's last message or event
// WeChat lets the account send them customer-service messages.
const serviceWindow = 48 * time.Hour

// New returns the sandbox; the fakes, the clock and the desk must be set.
// It makes the WeChat fake keep the 48-hour customer-service window by the
// sandbox's clock (45015 outside it), so template messages show as they
// would.
func New(d Deps) *Sandbox {
	if d.Account == "" {
		d.Account = DefaultAccount
	}
	if d.Token == "" {
		d.Token = Token
	}
	if d.Location == nil {
		d.Location = shanghai()
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Client == nil {
		d.Client = &http.Client{Timeout: 10 * time.Second}
	}
	s := &Sandbox{d: d, said: map[string][]line{}, did: map[int64][]line{}, pressers: map[string]int64{},
		lastMsg: d.Clock.Now().UnixNano() / 1000, lastSeen: map[string]time.Time{}}
	d.WeChat.RefuseCustom(s.windowClosed)
	return s
}

// windowClosed is 45015 when openID has not written within the 48-hour
// window, as WeChat answers a customer-service send then; 0 otherwise.
func (s *Sandbox) windowClosed(openID string) int {
	s.mu.Lock()
	last, ok := s.lastSeen[openID]
	s.mu.Unlock()
	if !ok || s.d.Clock.Now().Sub(last) > serviceWindow {
		return errWindowClosed
	}
	return 0
}

// errWindowClosed is WeChat's errcode for a send outside the window.
const errWindowClosed = 45015

// shanghai is Asia/Shanghai, or UTC+8 where there is no zone database.
func shanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Handler serves the page at / and the API under /sandbox/.
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", servePage)
	mux.HandleFunc("GET /sandbox/static/{name}", serveStatic)
	mux.HandleFunc("GET /sandbox/people", s.servePeople)
	mux.HandleFunc("GET /sandbox/state", s.serveState)
	mux.HandleFunc("POST /sandbox/customer", s.serveCustomer)
	mux.HandleFunc("POST /sandbox/staff", s.serveStaff)
	mux.HandleFunc("POST /sandbox/clock", s.serveClock)
	mux.HandleFunc("GET /sandbox/file", s.serveFile)
	mux.HandleFunc("GET /sandbox/media", s.serveMedia)
	return mux
}

// Mount registers Handler on m at "/{$}" and "/sandbox/", so that the page
// and its API share a server with /wechat and the rest.
func (s *Sandbox) Mount(m interface{ Handle(string, http.Handler) }) {
	h := s.Handler()
	m.Handle("/{$}", h)
	m.Handle("/sandbox/", h)
}

// pageError is a refusal the page shows as is: Chinese, then English.
type pageError struct {
	code int
	msg  string
}

func (e *pageError) Error() string { return e.msg }

func refuse(code int, zh, en string) error { return &pageError{code: code, msg: zh + " · " + en} }

// writeJSON answers v with code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// fail answers err: a refusal with its own code and message, anything else
// as 502 with a generic message (and a log line with the detail).
func (s *Sandbox) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *pageError
	if errors.As(err, &pe) {
		writeJSON(w, pe.code, map[string]string{"error": pe.msg})
		return
	}
	s.d.Log.Warn("sandbox: request failed", slog.String("path", r.URL.Path), slog.Any("err", err))
	writeJSON(w, http.StatusBadGateway, map[string]string{"error": "演示环境出错，请稍后重试 · the sandbox could not do that: " + err.Error()})
}

// decode reads a request body of at most maxBody bytes into v, strictly.
// Only the page's own JSON requests are taken: another site's form or
// text/plain POST (which a browser sends without asking) is refused.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		return refuse(http.StatusUnsupportedMediaType, "请求格式不对", "the sandbox takes application/json only")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return refuse(http.StatusRequestEntityTooLarge, "内容太长", fmt.Sprintf("the request is over %d bytes", maxBody))
		}
		return refuse(http.StatusBadRequest, "请求格式不对", "the request is not the JSON expected: "+err.Error())
	}
	return nil
}

// customerNamed is the demo customer with id, or a refusal.
func customerNamed(id string) (Person, error) {
	p, ok := find(Customers, id)
	if !ok {
		return Person{}, refuse(http.StatusBadRequest, "没有这位演示客户", fmt.Sprintf("%q is not a demo customer", clip(id, 40)))
	}
	return p, nil
}

// staffNamed is the demo staff member with id, or a refusal.
func staffNamed(id string) (Person, error) {
	p, ok := find(Staff, id)
	if !ok {
		return Person{}, refuse(http.StatusBadRequest, "没有这位演示员工", fmt.Sprintf("%q is not a demo staff member", clip(id, 40)))
	}
	return p, nil
}

// clip cuts s to n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// servePeople answers GET /sandbox/people: who the page can play.
func (s *Sandbox) servePeople(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"label": Label, "sandbox": true, "customers": Customers, "staff": Staff})
}

// withTimeout bounds a page request's work.
func withTimeout(r *http.Request, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), d)
}
