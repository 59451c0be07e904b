package wechattest_test

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/util"

	"github.com/hotline-desk/hotline/adapters/wechat"
	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
	"github.com/hotline-desk/hotline/bot"
)

// These tests build a wechat.Messenger, which sets the library's process
// globals: no t.Parallel.

const (
	appID   = "wx0123456789abcdef"
	secret  = "app-secret"
	token   = "callback-token"
	account = "gh_hotline"
	openID  = "oCustomer-1"
	wait    = 5 * time.Second
)

var (
	now    = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	aesKey = base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))[:43]
)

func TestSignIsSHA1OfSortedParts(t *testing.T) {
	parts := []string{token, "1772443800", "1357924680"}
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	if got, want := wechattest.Sign(token, "1772443800", "1357924680"), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	if got, want := wechattest.MsgSignature(token, "1", "2", "enc"), util.Signature(token, "1", "2", "enc"); got != want {
		t.Errorf("MsgSignature = %s, want %s", got, want)
	}
}

// echoBot answers every inbound with what the adapter parsed from it.
type echoBot struct{}

func (echoBot) HandleInbound(_ context.Context, in bot.Inbound) ([]bot.Reply, error) {
	return []bot.Reply{{Text: fmt.Sprintf("%s|%s|%s|%s|%s|%s|%d", in.Kind, in.Key, in.Text, in.MediaID, in.EventKey, in.MenuID, in.SentAt.Unix())}}, nil
}

// TestCallbacksReadByTheAdapter posts every kind of message the package
// builds, plain and sealed, to the real callback handler, and reads the
// passive reply back.
func TestCallbacksReadByTheAdapter(t *testing.T) {
	fake := wechattest.NewFakeAPI(appID, secret)
	defer fake.Close()
	at := now.Add(-time.Minute)
	messages := []struct {
		name string
		body []byte
		want string
	}{
		{"text", wechattest.TextMessage(account, openID, "打印机坏了 ]]> <b>", 101, at),
			fmt.Sprintf("text|msg:%s:101|打印机坏了 ]]> <b>||||%d", openID, at.Unix())},
		{"menu tap", wechattest.MenuTapMessage(account, openID, "严重问题", "sev2", 102, at),
			fmt.Sprintf("text|msg:%s:102|严重问题|||sev2|%d", openID, at.Unix())},
		{"image", wechattest.ImageMessage(account, openID, "media-1", 103, at),
			fmt.Sprintf("image|msg:%s:103||media-1|||%d", openID, at.Unix())},
		{"voice", wechattest.VoiceMessage(account, openID, "media-2", 104, at),
			fmt.Sprintf("voice|msg:%s:104||media-2|||%d", openID, at.Unix())},
		{"subscribe", wechattest.EventMessage(account, openID, "subscribe", "qrscene_7", at),
			fmt.Sprintf("subscribe|evt:%s:%d:subscribe:qrscene_7|||qrscene_7||%d", openID, at.Unix(), at.Unix())},
	}
	for _, safe := range []bool{false, true} {
		key := ""
		if safe {
			key = aesKey
		}
		srv := newCallbackServer(t, fake, key)
		for _, m := range messages {
			t.Run(fmt.Sprintf("safe=%v/%s", safe, m.name), func(t *testing.T) {
				resp, err := http.DefaultClient.Do(wechattest.SignedRequest(srv.URL+"/wechat", token, key, appID, m.body, now))
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d: %s", resp.StatusCode, body)
				}
				if safe {
					if body, err = wechattest.DecryptReply(token, key, appID, body); err != nil {
						t.Fatal(err)
					}
				}
				p, err := wechattest.ParsePassive(body)
				if err != nil {
					t.Fatal(err)
				}
				want := wechattest.Passive{ToUserName: openID, FromUserName: account, CreateTime: now.Unix(), MsgType: "text", Content: m.want}
				if diff := cmp.Diff(want, p); diff != "" {
					t.Errorf("reply (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func newCallbackServer(t *testing.T, fake *wechattest.FakeAPI, key string) *httptest.Server {
	t.Helper()
	cfg := wechat.Config{AppID: appID, AppSecret: secret, Token: token, AESKey: key, APIBase: fake.URL,
		Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)}
	h, err := wechat.NewHandler(cfg, echoBot{}, newMessenger(t, fake, nil))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestRequestSignaturesAreChecked(t *testing.T) {
	fake := wechattest.NewFakeAPI(appID, secret)
	defer fake.Close()
	srv := newCallbackServer(t, fake, aesKey)
	body := wechattest.TextMessage(account, openID, "hi", 1, now)
	for name, req := range map[string]*http.Request{
		"wrong token":    wechattest.SignedRequest(srv.URL, "other-token", aesKey, appID, body, now),
		"stale":          wechattest.SignedRequest(srv.URL, token, aesKey, appID, body, now.Add(-time.Hour)),
		"plain for safe": wechattest.SignedRequest(srv.URL, token, "", appID, body, now),
	} {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, resp.StatusCode)
		}
	}
}

func TestDecryptReplyChecksTheSignature(t *testing.T) {
	envelope, _, err := wechattest.Seal(token, aesKey, appID, []byte("<xml/>"), "1", "2")
	if err != nil {
		t.Fatal(err)
	}
	enc := between(string(envelope), "<Encrypt><![CDATA[", "]]>")
	reply := fmt.Sprintf("<xml><Encrypt><![CDATA[%s]]></Encrypt><MsgSignature>%s</MsgSignature><TimeStamp>1</TimeStamp><Nonce>2</Nonce></xml>",
		enc, wechattest.MsgSignature(token, "1", "2", enc))
	plain, err := wechattest.DecryptReply(token, aesKey, appID, []byte(reply))
	if err != nil || string(plain) != "<xml/>" {
		t.Fatalf("DecryptReply = %q, %v", plain, err)
	}
	if _, err := wechattest.DecryptReply("other", aesKey, appID, []byte(reply)); !errors.Is(err, wechattest.ErrReplySignature) {
		t.Errorf("wrong token: %v", err)
	}
	if _, err := wechattest.DecryptReply(token, aesKey, appID, []byte("success")); !errors.Is(err, wechattest.ErrNotEncrypted) {
		t.Errorf("plain success: %v", err)
	}
	if _, _, err := wechattest.Seal(token, "short", appID, []byte("<xml/>"), "1", "2"); err == nil {
		t.Error("Seal accepted a short key")
	}
}

func between(s, start, end string) string {
	_, rest, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(rest, end)
	return v
}

func newMessenger(t *testing.T, fake *wechattest.FakeAPI, templates map[string]wechat.TemplateConfig) *wechat.Messenger {
	t.Helper()
	m, err := wechat.NewMessenger(wechat.Config{AppID: appID, AppSecret: secret, Token: token, APIBase: fake.URL,
		HTTPTimeout: wait, Templates: templates, Logger: slog.New(slog.DiscardHandler)}, cache.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		util.SetURIModifier(nil)
		util.DefaultHTTPClient = http.DefaultClient
	})
	return m
}

func TestFakeAPIRecordsSends(t *testing.T) {
	fake := wechattest.NewFakeAPI(appID, secret)
	defer fake.Close()
	m := newMessenger(t, fake, map[string]wechat.TemplateConfig{
		"ticket": {ID: "tpl-ticket", Fields: map[string]string{"ticket": "character_string1", "status": "phrase2"}},
	})
	ctx := context.Background()
	menu := &bot.Menu{Head: "请选择", Items: []bot.MenuItem{{ID: "sev1", Content: "致命"}, {ID: "sev2", Content: "严重"}}, Tail: "或回复数字"}
	ticket := &bot.TemplateMessage{Kind: "ticket", Fields: map[string]string{"ticket": "#7", "status": "已受理"}, ClientMsgID: "ticket-7"}

	notify := func(to string, n bot.Notice) {
		t.Helper()
		if err := m.Notify(ctx, to, n); err != nil {
			t.Fatalf("Notify: %v", err)
		}
	}
	notify(openID, bot.Notice{Reply: bot.Reply{Text: "您好"}})
	notify(openID, bot.Notice{Reply: bot.Reply{Text: "1 致命\n2 严重", Menu: menu}})
	fake.FailCustomTo("oClosed", 45015)
	notify("oClosed", bot.Notice{Reply: bot.Reply{Text: "已受理"}, Template: ticket})
	fake.FailCustomTo("oClosed", 0)
	fake.RevokeTokens()
	notify("oClosed", bot.Notice{Reply: bot.Reply{Text: "窗口已开"}})

	got, err := fake.Wait(6, wait, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []wechattest.Message{
		{Kind: "custom", AccessToken: "fake-token-1", To: openID, MsgType: "text", Text: "您好"},
		{Kind: "custom", AccessToken: "fake-token-1", To: openID, MsgType: "msgmenu", Menu: &wechattest.Menu{
			Head: "请选择", Items: []wechattest.MenuItem{{ID: "sev1", Content: "致命"}, {ID: "sev2", Content: "严重"}}, Tail: "或回复数字"}},
		{Kind: "custom", AccessToken: "fake-token-1", To: "oClosed", MsgType: "text", Text: "已受理", ErrCode: 45015},
		{Kind: "template", AccessToken: "fake-token-1", To: "oClosed", MsgType: "template", TemplateID: "tpl-ticket",
			Data: map[string]string{"character_string1": "#7", "phrase2": "已受理"}, ClientMsgID: "ticket-7"},
		{Kind: "custom", AccessToken: "fake-token-1", To: "oClosed", MsgType: "text", Text: "窗口已开", ErrCode: 40001},
		{Kind: "custom", AccessToken: "fake-token-2", To: "oClosed", MsgType: "text", Text: "窗口已开"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sends (-want +got):\n%s", diff)
	}
	if n := fake.TokenFetches(); n != 2 {
		t.Errorf("%d token fetches, want 2", n)
	}
	if n := fake.Connections(); n < 1 || n > 8 {
		t.Errorf("%d connections for 8 calls from one sender in turn", n)
	}
}

func TestFakeAPIFailNextAndWait(t *testing.T) {
	fake := wechattest.NewFakeAPI(appID, secret)
	defer fake.Close()
	m := newMessenger(t, fake, nil)
	fake.FailNextCustom(45047, 2)

	errs := make(chan error, 3)
	go func() {
		for i := range 3 {
			errs <- m.Notify(context.Background(), fmt.Sprintf("o%d", i), bot.Notice{Reply: bot.Reply{Text: "x"}})
		}
	}()
	got, err := fake.Wait(1, wait, func(msg wechattest.Message) bool { return msg.ErrCode == 0 })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].To != "o2" {
		t.Errorf("delivered %+v, want only o2", got)
	}
	for i := range 3 {
		if err := <-errs; (err != nil) != (i < 2) {
			t.Errorf("send %d: %v", i, err)
		}
	}
	if _, err := fake.Wait(1, 10*time.Millisecond, wechattest.To("nobody")); err == nil {
		t.Error("Wait for a send that never comes returned no error")
	}
	fake.Reset()
	if n := fake.Count(); n != 0 {
		t.Errorf("%d sends after Reset", n)
	}
}

func TestFakeAPIRefusesWrongCredentials(t *testing.T) {
	fake := wechattest.NewFakeAPI(appID, secret)
	defer fake.Close()
	for _, u := range []string{
		fake.URL + "/cgi-bin/token?grant_type=client_credential&appid=wxother&secret=" + secret,
		fake.URL + "/cgi-bin/token?grant_type=client_credential&appid=" + appID + "&secret=wrong",
	} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `"errcode":40`) {
			t.Errorf("%s: %s", u, body)
		}
	}
	resp, err := http.Get(fake.URL + "/cgi-bin/token?grant_type=client_credential&appid=" + appID + "&secret=" + secret)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"access_token":"fake-token-1"`) {
		t.Errorf("token: %s", body)
	}
}

func TestFakeAPIRefuseCustomClosesTheWindow(t *testing.T) {
	fake := wechattest.NewFakeAPI(appID, secret)
	defer fake.Close()
	m := newMessenger(t, fake, map[string]wechat.TemplateConfig{
		"ticket": {ID: "tpl-ticket", Fields: map[string]string{"ticket": "character_string1"}},
	})
	fake.RefuseCustom(func(to string) int {
		if to == "oQuiet" {
			return 45015
		}
		return 0
	})
	ctx := context.Background()
	ticket := &bot.TemplateMessage{Kind: "ticket", Fields: map[string]string{"ticket": "#8"}, ClientMsgID: "ticket-8"}
	for _, to := range []string{"oQuiet", openID} {
		if err := m.Notify(ctx, to, bot.Notice{Reply: bot.Reply{Text: "已受理"}, Template: ticket}); err != nil {
			t.Fatalf("Notify %s: %v", to, err)
		}
	}
	fake.RefuseCustom(nil)
	if err := m.Notify(ctx, "oQuiet", bot.Notice{Reply: bot.Reply{Text: "窗口已开"}}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, msg := range fake.Messages() {
		got = append(got, fmt.Sprintf("%s %s %s %d", msg.Kind, msg.To, msg.Text, msg.ErrCode))
	}
	want := []string{"custom oQuiet 已受理 45015", "template oQuiet  0", "custom " + openID + " 已受理 0", "custom oQuiet 窗口已开 0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sends (-want +got):\n%s", diff)
	}
}
