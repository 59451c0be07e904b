package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
)

const (
	testToken  = "sandbox-test-token"
	testAppID  = "wxsandboxtest"
	testSecret = "sandbox-test-secret"
)

// testStart is the harness clock's first reading: a Monday morning.
var testStart = time.Date(2026, 3, 2, 9, 0, 0, 0, shanghai())

// harness is the sandbox against the real fakes and a small /wechat that
// checks signatures and answers "收到：" + text passively.
type harness struct {
	t      *testing.T
	sb     *Sandbox
	srv    *httptest.Server // the sandbox
	wx     *wechattest.FakeAPI
	tg     *telegramtest.FakeBotAPI
	clock  *Clock
	desk   *fakeDesk
	wechat *fakeWeChat
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, tg: telegramtest.New(t), clock: NewClock(testStart), wx: wechattest.NewFakeAPI(testAppID, testSecret)}
	t.Cleanup(h.wx.Close)
	h.desk = &fakeDesk{clock: h.clock}
	h.wechat = &fakeWeChat{t: t, clock: h.clock}
	cb := httptest.NewServer(h.wechat)
	t.Cleanup(cb.Close)
	h.sb = New(Deps{WeChatURL: cb.URL + "/wechat", Token: testToken, WeChat: h.wx, Telegram: h.tg,
		Clock: h.clock, Desk: h.desk, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	h.srv = httptest.NewServer(h.sb.Handler())
	t.Cleanup(h.srv.Close)
	return h
}

// do sends a page request and decodes the JSON answer into out (if not
// nil); it returns the status code.
func (h *harness) do(method, path string, body any, out any) int {
	h.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			h.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, r)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			h.t.Fatalf("%s %s: decode the answer: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

// state reads GET /sandbox/state for the customer and staff member.
func (h *harness) state(customer, staff string) state {
	h.t.Helper()
	var st state
	q := url.Values{}
	if customer != "" {
		q.Set("customer", customer)
	}
	if staff != "" {
		q.Set("staff", staff)
	}
	if code := h.do("GET", "/sandbox/state?"+q.Encode(), nil, &st); code != http.StatusOK {
		h.t.Fatalf("state: HTTP %d", code)
	}
	return st
}

// follow has c follow the account, which opens their 48-hour window.
func (h *harness) follow(c Person) {
	h.t.Helper()
	if code := h.do("POST", "/sandbox/customer", map[string]string{"id": c.ID, "event": "subscribe"}, nil); code != http.StatusOK {
		h.t.Fatalf("follow: HTTP %d", code)
	}
}

// pushWeChat sends a customer-service or template message through the
// WeChat fake as Hotline would (api: custom or template).
func (h *harness) pushWeChat(api string, body map[string]any) {
	h.t.Helper()
	resp, err := http.Get(h.wx.URL + "/cgi-bin/token?grant_type=client_credential&appid=" + testAppID + "&secret=" + testSecret)
	if err != nil {
		h.t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	b, _ := json.Marshal(body)
	resp, err = http.Post(h.wx.URL+"/cgi-bin/message/"+api+"/send?access_token="+tok.AccessToken, "application/json", bytes.NewReader(b))
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
}

// botCall makes a Bot API call as the Telegram adapter would and returns
// the message id answered (0 for none).
func (h *harness) botCall(method string, params url.Values) int {
	h.t.Helper()
	resp, err := http.PostForm(fmt.Sprintf(h.tg.Endpoint(), telegramtest.Token, method), params)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		OK     bool            `json:"ok"`
		Result json.RawMessage `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || !res.OK {
		h.t.Fatalf("%s: not ok (%v)", method, err)
	}
	var m tgbotapi.Message
	_ = json.Unmarshal(res.Result, &m)
	return m.MessageID
}

// botSend sends text with an inline keyboard to a staff member's chat.
func (h *harness) botSend(chat int64, text string, rows ...[]telegramtest.Button) int {
	h.t.Helper()
	p := url.Values{"chat_id": {strconv.FormatInt(chat, 10)}, "text": {text}}
	if len(rows) > 0 {
		kb, _ := json.Marshal(map[string]any{"inline_keyboard": rows})
		p.Set("reply_markup", string(kb))
	}
	return h.botCall("sendMessage", p)
}

// sendDocument uploads a document to a staff member's chat as the
// adapter does (multipart) and returns its message id.
func (h *harness) sendDocument(chat int64, name string, data []byte, caption string) int {
	h.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("chat_id", strconv.FormatInt(chat, 10))
	mw.WriteField("caption", caption)
	fw, _ := mw.CreateFormFile("document", name)
	fw.Write(data)
	mw.Close()
	resp, err := http.Post(fmt.Sprintf(h.tg.Endpoint(), telegramtest.Token, "sendDocument"), mw.FormDataContentType(), &body)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		OK     bool             `json:"ok"`
		Result tgbotapi.Message `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || !res.OK {
		h.t.Fatalf("sendDocument: not ok (%v)", err)
	}
	return res.Result.MessageID
}

// updates reads what the fake queued for getUpdates, without waiting.
func (h *harness) updates() []tgbotapi.Update {
	h.t.Helper()
	resp, err := http.PostForm(fmt.Sprintf(h.tg.Endpoint(), telegramtest.Token, "getUpdates"), url.Values{"timeout": {"0"}})
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Result []tgbotapi.Update `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		h.t.Fatal(err)
	}
	return res.Result
}

// fakeWeChat is a /wechat that checks each callback's signature and
// freshness by the sandbox clock, keeps it, and answers a text with a
// passive reply and anything else with "success".
type fakeWeChat struct {
	t     *testing.T
	clock *Clock

	mu    sync.Mutex
	calls []callback
}

// callback is one request the fake /wechat took.
type callback struct {
	Query url.Values
	Body  []byte
	Msg   struct {
		ToUserName   string `xml:"ToUserName"`
		FromUserName string `xml:"FromUserName"`
		CreateTime   int64  `xml:"CreateTime"`
		MsgType      string `xml:"MsgType"`
		Content      string `xml:"Content"`
		MsgID        int64  `xml:"MsgId"`
		Event        string `xml:"Event"`
		EventKey     string `xml:"EventKey"`
		MenuID       string `xml:"bizmsgmenuid"`
	}
}

func (f *fakeWeChat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("signature") != wechattest.Sign(testToken, q.Get("timestamp"), q.Get("nonce")) {
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	c := callback{Query: q}
	c.Body, _ = io.ReadAll(r.Body)
	if err := xml.Unmarshal(c.Body, &c.Msg); err != nil {
		http.Error(w, "bad xml", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	if c.Msg.MsgType != "text" {
		io.WriteString(w, "success")
		return
	}
	fmt.Fprintf(w, "<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[收到：%s]]></Content></xml>",
		c.Msg.FromUserName, c.Msg.ToUserName, f.clock.Now().Unix(), c.Msg.Content)
}

func (f *fakeWeChat) callbacks() []callback {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]callback(nil), f.calls...)
}

// fakeDesk is a desk with set tickets and jobs; with a scheduler running,
// jobs due by the clock are done (when gate allows) and their runs noted.
type fakeDesk struct {
	clock *Clock

	mu      sync.Mutex
	tickets []TicketLine
	jobs    []JobLine
	ran     map[int64]time.Time // job id → the clock when it ran
	gate    chan struct{}       // when set, jobs run only once it is closed
	fail    error
}

func (d *fakeDesk) Tickets(context.Context) ([]TicketLine, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]TicketLine(nil), d.tickets...), d.fail
}

func (d *fakeDesk) Jobs(_ context.Context, n int) ([]JobLine, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]JobLine(nil), d.jobs[:min(n, len(d.jobs))]...), d.fail
}

func (d *fakeDesk) setJobs(jobs ...JobLine) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.jobs = jobs
}

// schedule runs the desk's scheduler until the test ends: every 20ms it
// does the jobs due (in due order, as the engine does).
func (d *fakeDesk) schedule(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
			d.runDue()
		}
	}()
}

func (d *fakeDesk) runDue() {
	d.mu.Lock()
	gate := d.gate
	d.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		default:
			return
		}
	}
	now := d.clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	var left []JobLine
	for _, j := range d.jobs {
		if j.Due.After(now) {
			left = append(left, j)
			continue
		}
		if d.ran == nil {
			d.ran = map[int64]time.Time{}
		}
		d.ran[j.ID] = now
	}
	d.jobs = left
}
