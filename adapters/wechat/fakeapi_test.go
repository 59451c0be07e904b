package wechat

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// Tests in this package must not call t.Parallel: NewMessenger sets the
// library's process globals (util.DefaultHTTPClient, util.SetURIModifier).

const (
	testAppID     = "wx0123456789abcdef"
	testAppSecret = "app-secret"
	testToken     = "callback-token"
	testAccount   = "gh_hotline"
	testOpenID    = "oCustomer-openid-1"
)

// wait bounds every wait on a channel in the tests.
const wait = 5 * time.Second

// apiCall is one message send the fake WeChat API received.
type apiCall struct {
	Path  string
	Token string // the access_token query parameter
	Body  []byte
}

// customMessage decodes a customer-service send.
func (c apiCall) customMessage(t *testing.T) message.CustomerMessage {
	t.Helper()
	var m message.CustomerMessage
	if err := json.Unmarshal(c.Body, &m); err != nil {
		t.Fatalf("decode customer message: %v", err)
	}
	return m
}

// templateMessage decodes a template send.
func (c apiCall) templateMessage(t *testing.T) message.TemplateMessage {
	t.Helper()
	var m message.TemplateMessage
	if err := json.Unmarshal(c.Body, &m); err != nil {
		t.Fatalf("decode template message: %v", err)
	}
	return m
}

// fakeAPI speaks enough of the WeChat API for the messenger: the stable
// token, customer-service sends and template sends.
type fakeAPI struct {
	srv *httptest.Server

	mu            sync.Mutex
	tokenFetches  int
	calls         []apiCall
	customCodes   []int // errcodes for the next customer-service sends, in order
	templateCodes []int // errcodes for the next template sends, in order

	sent chan apiCall // every send, as it arrives
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	api := &fakeAPI{sent: make(chan apiCall, 64)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cgi-bin/stable_token", api.stableToken)
	mux.HandleFunc("POST /cgi-bin/message/custom/send", func(w http.ResponseWriter, r *http.Request) {
		api.send(w, r, &api.customCodes)
	})
	mux.HandleFunc("POST /cgi-bin/message/template/send", func(w http.ResponseWriter, r *http.Request) {
		api.send(w, r, &api.templateCodes)
	})
	api.srv = httptest.NewServer(mux)
	t.Cleanup(api.srv.Close)
	return api
}

// failCustom makes the next customer-service sends answer these errcodes.
func (api *fakeAPI) failCustom(codes ...int) {
	api.mu.Lock()
	defer api.mu.Unlock()
	api.customCodes = append(api.customCodes, codes...)
}

// failTemplate makes the next template sends answer these errcodes.
func (api *fakeAPI) failTemplate(codes ...int) {
	api.mu.Lock()
	defer api.mu.Unlock()
	api.templateCodes = append(api.templateCodes, codes...)
}

func (api *fakeAPI) stableToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		GrantType string `json:"grant_type"`
		AppID     string `json:"appid"`
		Secret    string `json:"secret"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.AppID != testAppID || req.Secret != testAppSecret {
		writeJSON(w, map[string]any{"errcode": 40013, "errmsg": "invalid appid"})
		return
	}
	api.mu.Lock()
	api.tokenFetches++
	n := api.tokenFetches
	api.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": fmt.Sprintf("token-%d", n), "expires_in": 7200})
}

func (api *fakeAPI) send(w http.ResponseWriter, r *http.Request, codes *[]int) {
	body, _ := io.ReadAll(r.Body)
	call := apiCall{Path: r.URL.Path, Token: r.URL.Query().Get("access_token"), Body: body}
	api.mu.Lock()
	api.calls = append(api.calls, call)
	code := 0
	if len(*codes) > 0 {
		code, *codes = (*codes)[0], (*codes)[1:]
	}
	api.mu.Unlock()
	api.sent <- call
	if code != 0 {
		writeJSON(w, map[string]any{"errcode": code, "errmsg": fmt.Sprintf("fake error %d rid: 1", code)})
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": 1})
}

// recorded returns the sends so far and how often a token was fetched.
func (api *fakeAPI) recorded() ([]apiCall, int) {
	api.mu.Lock()
	defer api.mu.Unlock()
	return append([]apiCall(nil), api.calls...), api.tokenFetches
}

// next waits for the next send.
func (api *fakeAPI) next(t *testing.T) apiCall {
	t.Helper()
	select {
	case c := <-api.sent:
		return c
	case <-time.After(wait):
		t.Fatal("no send reached the fake WeChat API")
		return apiCall{}
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// newTestMessenger returns a Messenger talking to api, and puts the
// library's globals back when the test ends.
func newTestMessenger(t *testing.T, api *fakeAPI, templates map[string]TemplateConfig) *Messenger {
	t.Helper()
	m, err := NewMessenger(Config{
		AppID:       testAppID,
		AppSecret:   testAppSecret,
		Token:       testToken,
		APIBase:     api.srv.URL,
		HTTPTimeout: wait,
		Templates:   templates,
		Logger:      discardLogger(),
	}, cache.NewMemory())
	if err != nil {
		t.Fatalf("NewMessenger: %v", err)
	}
	t.Cleanup(func() {
		util.SetURIModifier(nil)
		util.DefaultHTTPClient = http.DefaultClient
	})
	return m
}

func discardLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
