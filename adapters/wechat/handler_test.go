package wechat

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"github.com/hotline-desk/hotline/bot"
)

var (
	testNow    = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	testAESKey = base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))[:43]
)

// fakeBot records what it is handed and answers with reply.
type fakeBot struct {
	reply func(ctx context.Context, in bot.Inbound) ([]bot.Reply, error)

	mu    sync.Mutex
	calls []bot.Inbound
}

func replying(replies ...bot.Reply) *fakeBot {
	return &fakeBot{reply: func(context.Context, bot.Inbound) ([]bot.Reply, error) { return replies, nil }}
}

func (b *fakeBot) HandleInbound(ctx context.Context, in bot.Inbound) ([]bot.Reply, error) {
	b.mu.Lock()
	b.calls = append(b.calls, in)
	b.mu.Unlock()
	return b.reply(ctx, in)
}

func (b *fakeBot) received() []bot.Inbound {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]bot.Inbound(nil), b.calls...)
}

// notice is one push through recordingMessenger.
type notice struct {
	To string
	N  bot.Notice
}

// recordingMessenger records pushes; it fails every one with err when set.
type recordingMessenger struct {
	err     error
	notices chan notice
}

func newRecordingMessenger() *recordingMessenger {
	return &recordingMessenger{notices: make(chan notice, 16)}
}

func (m *recordingMessenger) Notify(_ context.Context, to string, n bot.Notice) error {
	m.notices <- notice{To: to, N: n}
	return m.err
}

// next waits for the next push.
func (m *recordingMessenger) next(t *testing.T) notice {
	t.Helper()
	select {
	case n := <-m.notices:
		return n
	case <-time.After(wait):
		t.Fatal("no push")
		return notice{}
	}
}

// none checks that nothing was pushed (call after Handler.Wait).
func (m *recordingMessenger) none(t *testing.T) {
	t.Helper()
	select {
	case n := <-m.notices:
		t.Errorf("unexpected push %+v", n)
	default:
	}
}

func testConfig() Config {
	return Config{
		AppID:  testAppID,
		Token:  testToken,
		Now:    func() time.Time { return testNow },
		Logger: discardLogger(),
	}
}

func safeConfig() Config {
	cfg := testConfig()
	cfg.AESKey = testAESKey
	return cfg
}

// newTestHandler builds a Handler and waits for its background work when
// the test ends, so nothing outlives the fake API or the globals.
func newTestHandler(t *testing.T, cfg Config, b InboundHandler, out bot.CustomerMessenger) *Handler {
	t.Helper()
	h, err := NewHandler(cfg, b, out)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	t.Cleanup(func() { drain(t, h) })
	return h
}

func drain(t *testing.T, h *Handler) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := h.Wait(ctx); err != nil {
		t.Errorf("background work still running: %v", err)
	}
}

// signedQuery is the query WeChat signs at ts.
func signedQuery(ts time.Time) url.Values {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	nonce := "1357924680"
	return url.Values{
		"timestamp": {stamp},
		"nonce":     {nonce},
		"signature": {util.Signature(testToken, stamp, nonce)},
		"openid":    {testOpenID},
	}
}

// seal encrypts plain as WeChat does in safe mode, adding encrypt_type and
// msg_signature to q.
func seal(t *testing.T, q url.Values, plain string) string {
	t.Helper()
	random := make([]byte, 16)
	_, _ = rand.Read(random)
	enc, err := util.EncryptMsg(random, []byte(plain), testAppID, testAESKey)
	if err != nil {
		t.Fatalf("EncryptMsg: %v", err)
	}
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", util.Signature(testToken, q.Get("timestamp"), q.Get("nonce"), string(enc)))
	return fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>", testAccount, enc)
}

func serve(h http.Handler, method string, q url.Values, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/wechat?"+q.Encode(), strings.NewReader(body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func textXML(msgID, content string) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>`+
		`<CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>`+
		`<MsgId>%s</MsgId></xml>`, testAccount, testOpenID, testNow.Unix(), content, msgID)
}

// passiveText is a passive text reply as WeChat reads it.
type passiveText struct {
	ToUserName   string
	FromUserName string
	CreateTime   int64
	MsgType      string
	Content      string
}

func decodePassive(t *testing.T, body []byte) passiveText {
	t.Helper()
	var p passiveText
	if err := xml.Unmarshal(body, &p); err != nil {
		t.Fatalf("reply is not XML: %v: %q", err, body)
	}
	return p
}

func wantSuccess(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code != http.StatusOK || w.Body.String() != "success" {
		t.Fatalf("got %d %q, want 200 success", w.Code, w.Body.String())
	}
}

func TestURLCheck(t *testing.T) {
	tests := []struct {
		name     string
		query    func() url.Values
		wantCode int
	}{
		{"good signature", func() url.Values { return signedQuery(testNow) }, http.StatusOK},
		{"within window", func() url.Values { return signedQuery(testNow.Add(-4 * time.Minute)) }, http.StatusOK},
		{"bad signature", func() url.Values {
			q := signedQuery(testNow)
			q.Set("signature", strings.Repeat("0", 40))
			return q
		}, http.StatusForbidden},
		{"stale timestamp", func() url.Values { return signedQuery(testNow.Add(-6 * time.Minute)) }, http.StatusForbidden},
		{"future timestamp", func() url.Values { return signedQuery(testNow.Add(6 * time.Minute)) }, http.StatusForbidden},
		{"no signature", func() url.Values { return url.Values{"echostr": {"x"}} }, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestHandler(t, testConfig(), replying(), newRecordingMessenger())
			q := tt.query()
			q.Set("echostr", "echo-4242")

			w := serve(h, http.MethodGet, q, "")

			if w.Code != tt.wantCode {
				t.Fatalf("got %d, want %d", w.Code, tt.wantCode)
			}
			if tt.wantCode == http.StatusOK && w.Body.String() != "echo-4242" {
				t.Errorf("got body %q, want the echostr", w.Body.String())
			}
		})
	}
}

func TestPlainTextPassiveReply(t *testing.T) {
	b := replying(bot.Reply{Text: "您好，请描述故障现象"})
	out := newRecordingMessenger()
	h := newTestHandler(t, testConfig(), b, out)

	w := serve(h, http.MethodPost, signedQuery(testNow), textXML("100001", "打印机坏了"))

	if w.Code != http.StatusOK {
		t.Fatalf("got %d %q", w.Code, w.Body.String())
	}
	want := passiveText{ToUserName: testOpenID, FromUserName: testAccount, CreateTime: testNow.Unix(), MsgType: "text", Content: "您好，请描述故障现象"}
	if diff := cmp.Diff(want, decodePassive(t, w.Body.Bytes())); diff != "" {
		t.Errorf("passive reply (-want +got):\n%s", diff)
	}
	wantIn := []bot.Inbound{{Channel: "wechat", From: testOpenID, Key: "msg:" + testOpenID + ":100001",
		Kind: bot.InboundText, Text: "打印机坏了", SentAt: time.Unix(testNow.Unix(), 0)}}
	if diff := cmp.Diff(wantIn, b.received()); diff != "" {
		t.Errorf("inbound (-want +got):\n%s", diff)
	}
	drain(t, h)
	out.none(t)
}

func TestSafeModeRoundTrip(t *testing.T) {
	b := replying(bot.Reply{Text: "已收到"})
	h := newTestHandler(t, safeConfig(), b, newRecordingMessenger())
	q := signedQuery(testNow)
	body := seal(t, q, textXML("100002", "服务器无法登录"))

	w := serve(h, http.MethodPost, q, body)

	if w.Code != http.StatusOK {
		t.Fatalf("got %d %q", w.Code, w.Body.String())
	}
	var env message.ResponseEncryptedXMLMsg
	if err := xml.Unmarshal(w.Body.Bytes(), &env); err != nil || env.EncryptedMsg == "" {
		t.Fatalf("not an encrypted reply: %v: %q", err, w.Body.String())
	}
	wantSig := util.Signature(testToken, strconv.FormatInt(env.Timestamp, 10), env.Nonce, env.EncryptedMsg)
	if env.MsgSignature != wantSig {
		t.Errorf("reply msg_signature %q does not verify (want %q)", env.MsgSignature, wantSig)
	}
	_, plain, err := util.DecryptMsg(testAppID, env.EncryptedMsg, testAESKey)
	if err != nil {
		t.Fatalf("decrypt reply: %v", err)
	}
	want := passiveText{ToUserName: testOpenID, FromUserName: testAccount, CreateTime: testNow.Unix(), MsgType: "text", Content: "已收到"}
	if diff := cmp.Diff(want, decodePassive(t, plain)); diff != "" {
		t.Errorf("decrypted reply (-want +got):\n%s", diff)
	}
	if got := b.received(); len(got) != 1 || got[0].Text != "服务器无法登录" {
		t.Errorf("bot received %+v", got)
	}
}

func TestSafeModeNoReplyIsPlainSuccess(t *testing.T) {
	h := newTestHandler(t, safeConfig(), replying(), newRecordingMessenger())
	q := signedQuery(testNow)

	wantSuccess(t, serve(h, http.MethodPost, q, seal(t, q, textXML("100003", "谢谢"))))
}

func TestRefusedCallbacks(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		query func(t *testing.T) (url.Values, string)
	}{
		{"bad signature", testConfig(), func(*testing.T) (url.Values, string) {
			q := signedQuery(testNow)
			q.Set("signature", util.Signature("wrong-token", q.Get("timestamp"), q.Get("nonce")))
			return q, textXML("1", "hi")
		}},
		{"stale timestamp", testConfig(), func(*testing.T) (url.Values, string) {
			return signedQuery(testNow.Add(-time.Hour)), textXML("1", "hi")
		}},
		{"bad msg_signature", safeConfig(), func(t *testing.T) (url.Values, string) {
			q := signedQuery(testNow)
			body := seal(t, q, textXML("1", "hi"))
			q.Set("msg_signature", util.Signature(testToken, q.Get("timestamp"), q.Get("nonce"), "other"))
			return q, body
		}},
		{"tampered ciphertext", safeConfig(), func(t *testing.T) (url.Values, string) {
			q := signedQuery(testNow)
			body := seal(t, q, textXML("1", "hi"))
			return q, strings.Replace(body, "<![CDATA[", "<![CDATA[AAAA", 2)
		}},
		{"unencrypted in safe mode", safeConfig(), func(*testing.T) (url.Values, string) {
			return signedQuery(testNow), textXML("1", "hi")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := replying(bot.Reply{Text: "x"})
			h := newTestHandler(t, tt.cfg, b, newRecordingMessenger())
			q, body := tt.query(t)

			w := serve(h, http.MethodPost, q, body)

			if w.Code != http.StatusForbidden {
				t.Errorf("got %d, want 403", w.Code)
			}
			drain(t, h)
			if got := b.received(); len(got) != 0 {
				t.Errorf("the bot was called with %+v", got)
			}
		})
	}
}

func TestBodyTooLarge(t *testing.T) {
	b := replying()
	h := newTestHandler(t, testConfig(), b, newRecordingMessenger())
	body := textXML("1", strings.Repeat("长", 100<<10/3))

	w := serve(h, http.MethodPost, signedQuery(testNow), body)

	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("got %d, want 413", w.Code)
	}
	if len(b.received()) != 0 {
		t.Error("the bot was called")
	}
}

func TestUnreadableBodyAnsweredSuccess(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		body func(t *testing.T, q url.Values) string
	}{
		{"garbage", testConfig(), func(*testing.T, url.Values) string { return "not xml at all {" }},
		{"empty", testConfig(), func(*testing.T, url.Values) string { return "" }},
		{"other root", testConfig(), func(*testing.T, url.Values) string { return "<html><body/></html>" }},
		{"missing fields", testConfig(), func(*testing.T, url.Values) string { return "<xml><Content>hi</Content></xml>" }},
		{"non-numeric CreateTime", testConfig(), func(*testing.T, url.Values) string {
			return strings.Replace(textXML("1", "hi"), strconv.FormatInt(testNow.Unix(), 10), "yesterday", 1)
		}},
		{"safe mode, no Encrypt", safeConfig(), func(_ *testing.T, q url.Values) string {
			q.Set("encrypt_type", "aes")
			return "<xml><ToUserName>gh</ToUserName></xml>"
		}},
		{"safe mode, sealed for another app", safeConfig(), func(t *testing.T, q url.Values) string {
			enc, err := util.EncryptMsg(make([]byte, 16), []byte(textXML("1", "hi")), "wxother", testAESKey)
			if err != nil {
				t.Fatal(err)
			}
			q.Set("encrypt_type", "aes")
			q.Set("msg_signature", util.Signature(testToken, q.Get("timestamp"), q.Get("nonce"), string(enc)))
			return "<xml><Encrypt>" + string(enc) + "</Encrypt></xml>"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := replying(bot.Reply{Text: "x"})
			h := newTestHandler(t, tt.cfg, b, newRecordingMessenger())
			q := signedQuery(testNow)
			body := tt.body(t, q)

			wantSuccess(t, serve(h, http.MethodPost, q, body))
			if len(b.received()) != 0 {
				t.Error("the bot was called")
			}
		})
	}
}

func TestSlowBotIsPushed(t *testing.T) {
	api := newFakeAPI(t)
	m := newTestMessenger(t, api, nil)
	release := make(chan struct{})
	ctxErr := make(chan error, 1)
	b := &fakeBot{reply: func(ctx context.Context, in bot.Inbound) ([]bot.Reply, error) {
		<-release
		ctxErr <- ctx.Err()
		return []bot.Reply{{Text: "工单 T-1 已创建"}}, nil
	}}
	cfg := testConfig()
	cfg.ReplyBudget = 100 * time.Millisecond
	h := newTestHandler(t, cfg, b, m)
	reqCtx, endRequest := context.WithCancel(context.Background())
	r := httptest.NewRequestWithContext(reqCtx, http.MethodPost, "/wechat?"+signedQuery(testNow).Encode(),
		strings.NewReader(textXML("100004", "网络中断")))
	w := httptest.NewRecorder()

	h.ServeHTTP(w, r)
	endRequest() // WeChat has its answer; the bot must carry on regardless
	close(release)

	wantSuccess(t, w)
	if err := <-ctxErr; err != nil {
		t.Errorf("the bot's context ended with the request: %v", err)
	}
	want := message.CustomerMessage{ToUser: testOpenID, Msgtype: "text", Text: &message.MediaText{Content: "工单 T-1 已创建"}}
	if diff := cmp.Diff(want, api.next(t).customMessage(t)); diff != "" {
		t.Errorf("pushed message (-want +got):\n%s", diff)
	}
}

func TestMenuReplyIsPushed(t *testing.T) {
	api := newFakeAPI(t)
	m := newTestMessenger(t, api, nil)
	menu := &bot.Menu{Head: "故障严重程度？", Items: []bot.MenuItem{{ID: "sev1", Content: "1 全部中断"}, {ID: "sev2", Content: "2 部分受影响"}}}
	h := newTestHandler(t, testConfig(), replying(bot.Reply{Text: "1 全部中断\n2 部分受影响", Menu: menu}), m)

	wantSuccess(t, serve(h, http.MethodPost, signedQuery(testNow), textXML("100005", "报修")))

	got := api.next(t).customMessage(t)
	want := message.CustomerMessage{ToUser: testOpenID, Msgtype: "msgmenu", Msgmenu: &message.MediaMsgmenu{
		HeadContent: "故障严重程度？",
		List:        []message.MsgmenuItem{{ID: "sev1", Content: "1 全部中断"}, {ID: "sev2", Content: "2 部分受影响"}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("menu push (-want +got):\n%s", diff)
	}
}

func TestRepliesPushedInsteadOfPassive(t *testing.T) {
	long := strings.Repeat("很长的说明。", 200) // over 2048 bytes
	tests := []struct {
		name    string
		replies []bot.Reply
		err     error
		want    []bot.Reply
	}{
		{"several replies, in order", []bot.Reply{{Text: "第一条"}, {Text: "第二条"}, {Text: "第三条"}}, nil,
			[]bot.Reply{{Text: "第一条"}, {Text: "第二条"}, {Text: "第三条"}}},
		{"text too long for a passive reply", []bot.Reply{{Text: long}}, nil, []bot.Reply{{Text: long}}},
		{"error with the bot's apology", []bot.Reply{{Text: "抱歉，系统繁忙"}}, errors.New("open ticket: db down"),
			[]bot.Reply{{Text: "抱歉，系统繁忙"}}},
		{"error alone", nil, errors.New("open ticket: db down"), nil},
		{"nothing to say", nil, nil, nil},
		{"empty reply skipped", []bot.Reply{{}, {Text: "有内容"}}, nil, []bot.Reply{{Text: "有内容"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &fakeBot{reply: func(context.Context, bot.Inbound) ([]bot.Reply, error) { return tt.replies, tt.err }}
			out := newRecordingMessenger()
			h := newTestHandler(t, testConfig(), b, out)

			wantSuccess(t, serve(h, http.MethodPost, signedQuery(testNow), textXML("7", "你好")))

			var got []bot.Reply
			for range tt.want {
				n := out.next(t)
				if n.To != testOpenID || n.N.Template != nil {
					t.Errorf("push to %q with template %v", n.To, n.N.Template)
				}
				got = append(got, n.N.Reply)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("pushes (-want +got):\n%s", diff)
			}
			drain(t, h)
			out.none(t)
		})
	}
}

func TestPushStopsAtFirstFailure(t *testing.T) {
	out := newRecordingMessenger()
	out.err = fmt.Errorf("wechat send: %w", bot.ErrUnreachable)
	h := newTestHandler(t, testConfig(), replying(bot.Reply{Text: "一"}, bot.Reply{Text: "二"}), out)

	wantSuccess(t, serve(h, http.MethodPost, signedQuery(testNow), textXML("8", "你好")))

	if n := out.next(t); n.N.Text != "一" {
		t.Errorf("first push %q", n.N.Text)
	}
	drain(t, h)
	out.none(t)
}

func TestBotPanicAnswersSuccess(t *testing.T) {
	b := &fakeBot{reply: func(context.Context, bot.Inbound) ([]bot.Reply, error) { panic("bug") }}
	h := newTestHandler(t, testConfig(), b, newRecordingMessenger())

	wantSuccess(t, serve(h, http.MethodPost, signedQuery(testNow), textXML("9", "你好")))
}

func TestLogsHoldNoCustomerData(t *testing.T) {
	var buf bytes.Buffer
	cfg := testConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	out := newRecordingMessenger()
	out.err = errors.New("wechat send: errcode=45009")
	b := &fakeBot{reply: func(_ context.Context, in bot.Inbound) ([]bot.Reply, error) {
		if in.Text == "失败" {
			return nil, errors.New("bot failed")
		}
		return []bot.Reply{{Text: "回复一"}, {Text: "回复二"}}, nil
	}}
	h := newTestHandler(t, cfg, b, out)

	serve(h, http.MethodPost, signedQuery(testNow), textXML("10", "失败"))
	serve(h, http.MethodPost, signedQuery(testNow), textXML("11", "推送"))
	serve(h, http.MethodPost, signedQuery(testNow), textXML("12", "秘密\u0002"))
	drain(t, h)

	logs := buf.String()
	if !strings.Contains(logs, "level=WARN") {
		t.Fatalf("expected warnings, got %q", logs)
	}
	for _, secret := range []string{testOpenID, "失败", "推送", "秘密", "回复", testToken} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h := newTestHandler(t, testConfig(), replying(), newRecordingMessenger())

	w := serve(h, http.MethodPut, signedQuery(testNow), "")

	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("got %d, want 405", w.Code)
	}
}

func TestNewHandlerChecksConfig(t *testing.T) {
	tests := map[string]func(*Config){
		"no token":            func(c *Config) { c.Token = "" },
		"short AES key":       func(c *Config) { c.AESKey = "short" },
		"AES key, no app id":  func(c *Config) { c.AESKey, c.AppID = testAESKey, "" },
		"budget over 5s":      func(c *Config) { c.ReplyBudget = 5 * time.Second },
		"non-base64 AES key!": func(c *Config) { c.AESKey = strings.Repeat("!", 43) },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := testConfig()
			change(&cfg)
			if _, err := NewHandler(cfg, replying(), newRecordingMessenger()); err == nil {
				t.Error("NewHandler accepted it")
			}
		})
	}
}

// A control character (some phones send U+0002) would make the XML
// unreadable; it is dropped and the rest of the message kept.
func TestControlCharacterDropped(t *testing.T) {
	for _, cfg := range []Config{testConfig(), safeConfig()} {
		b := replying(bot.Reply{Text: "好的"})
		h := newTestHandler(t, cfg, b, newRecordingMessenger())
		q := signedQuery(testNow)
		body := textXML("1", "打印机\u0002坏了")
		if cfg.AESKey != "" {
			body = seal(t, q, body)
		}
		serve(h, http.MethodPost, q, body)
		got := b.received()
		if len(got) != 1 || got[0].Text != "打印机坏了" {
			t.Fatalf("bot received %+v, want the text without the control character", got)
		}
	}
}

// orderMessenger records pushes in the order they reach it; the push of
// slow takes a while, as a push to a slow WeChat API does.
type orderMessenger struct {
	slow string
	mu   sync.Mutex
	got  []string
}

func (m *orderMessenger) Notify(_ context.Context, _ string, n bot.Notice) error {
	if n.Reply.Text == m.slow {
		time.Sleep(200 * time.Millisecond)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.got = append(m.got, n.Reply.Text)
	return nil
}

// A customer who sends two messages quickly gets the answers in the order
// the bot gave them, even when the first answer's push is the slower one
// (issue 13, item 9: one goroutine per push, no order per customer).
func TestPushesKeepTheCustomersOrder(t *testing.T) {
	menu := &bot.Menu{Head: "请选择", Items: []bot.MenuItem{{ID: "a", Content: "甲"}}}
	answered := make(chan struct{}, 2)
	b := &fakeBot{reply: func(_ context.Context, in bot.Inbound) ([]bot.Reply, error) {
		defer func() { answered <- struct{}{} }()
		return []bot.Reply{{Text: "答" + in.Text, Menu: menu}}, nil // a menu: always pushed
	}}
	out := &orderMessenger{slow: "答一"}
	h := newTestHandler(t, testConfig(), b, out)
	wantSuccess(t, serve(h, http.MethodPost, signedQuery(testNow), textXML("200001", "一")))
	<-answered
	wantSuccess(t, serve(h, http.MethodPost, signedQuery(testNow), textXML("200002", "二")))
	<-answered
	drain(t, h)
	out.mu.Lock()
	defer out.mu.Unlock()
	if len(out.got) != 2 || out.got[0] != "答一" || out.got[1] != "答二" {
		t.Fatalf("pushed in the order %q", out.got)
	}
}

// flakyMessenger answers the first pushes with errors, then takes them.
type flakyMessenger struct {
	mu    sync.Mutex
	errs  []error
	tries int
	got   []string
}

func (m *flakyMessenger) Notify(_ context.Context, _ string, n bot.Notice) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tries++
	if len(m.errs) > 0 {
		err := m.errs[0]
		m.errs = m.errs[1:]
		return err
	}
	m.got = append(m.got, n.Reply.Text)
	return nil
}

// A push WeChat was too busy for (系统繁忙, -1: nothing was sent) is tried
// again until it goes, so the customer sees the question the dialogue
// asked (issue 13, item 10); a refusal that would come again (the customer
// unfollowed) is not.
func TestBusyPushIsTriedAgain(t *testing.T) {
	menu := &bot.Menu{Head: "请选择", Items: []bot.MenuItem{{ID: "a", Content: "甲"}}}
	for _, c := range []struct {
		name  string
		errs  []error
		tries int
		sent  int
	}{
		{"busy twice", []error{&APIError{Code: CodeSystemBusy}, &APIError{Code: CodeSystemBusy}}, 3, 1},
		{"unfollowed", []error{&APIError{Code: CodeUnsubscribed}}, 1, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := &flakyMessenger{errs: c.errs}
			cfg := testConfig()
			cfg.PushBackoff = 10 * time.Millisecond
			h := newTestHandler(t, cfg, replying(bot.Reply{Text: "严重程度？", Menu: menu}), out)
			wantSuccess(t, serve(h, http.MethodPost, signedQuery(testNow), textXML("300001", "报修")))
			drain(t, h)
			out.mu.Lock()
			defer out.mu.Unlock()
			if out.tries != c.tries || len(out.got) != c.sent {
				t.Fatalf("%d tries, %d sent; want %d and %d", out.tries, len(out.got), c.tries, c.sent)
			}
		})
	}
}
