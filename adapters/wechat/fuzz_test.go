package wechat

import (
	"context"
	"encoding/xml"
	"net/http"
	"testing"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"github.com/hotline-desk/hotline/bot"
)

// fuzzSeeds are bodies near the shapes WeChat sends and the ways they break.
var fuzzSeeds = []string{
	textXML("1", "你好"),
	textXML("2", "坏了\u0002"),
	wireXML("MsgType", "event", "Event", "subscribe", "EventKey", "qrscene_1"),
	wireXML("MsgType", "text", "Content", "1", "bizmsgmenuid", "101"),
	"<xml><CreateTime>99999999999999999999</CreateTime></xml>",
	"<xml><Encrypt>AAAA</Encrypt></xml>",
	"<xml><![CDATA[",
	"",
}

// fuzzBot answers every message with a passive-sized text and a menu, so
// both the passive and the push paths run.
func fuzzBot() *fakeBot {
	return &fakeBot{reply: func(_ context.Context, in bot.Inbound) ([]bot.Reply, error) {
		if len(in.Text)%2 == 0 {
			return []bot.Reply{{Text: in.Text + "!"}}, nil
		}
		return []bot.Reply{{Text: "x", Menu: &bot.Menu{Items: []bot.MenuItem{{ID: in.MenuID, Content: in.Text}}}}}, nil
	}}
}

// FuzzPlainCallback: a signed plain-mode body never panics and never gets a
// 5xx (or any refusal other than 413).
func FuzzPlainCallback(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out := newRecordingMessenger()
		out.notices = make(chan notice, 1<<10)
		h, err := NewHandler(testConfig(), fuzzBot(), out)
		if err != nil {
			t.Fatal(err)
		}
		w := serve(h, http.MethodPost, signedQuery(testNow), string(body))
		drain(t, h)
		if w.Code != http.StatusOK && w.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("got %d for %q", w.Code, body)
		}
	})
}

// FuzzSafeModeCallback: any plaintext, properly sealed and signed, never
// panics and is answered 200 (a reply that decrypts, or success) unless
// sealing made it too large.
func FuzzSafeModeCallback(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, plain []byte) {
		h, err := NewHandler(safeConfig(), fuzzBot(), &recordingMessenger{notices: make(chan notice, 1<<10)})
		if err != nil {
			t.Fatal(err)
		}
		q := signedQuery(testNow)
		w := serve(h, http.MethodPost, q, seal(t, q, string(plain)))
		drain(t, h)
		if w.Code == http.StatusRequestEntityTooLarge {
			return
		}
		if w.Code != http.StatusOK {
			t.Fatalf("got %d for %q", w.Code, plain)
		}
		if w.Body.String() == "success" {
			return
		}
		if _, _, err := util.DecryptMsg(testAppID, encryptedOf(t, w.Body.Bytes()), testAESKey); err != nil {
			t.Fatalf("reply does not decrypt: %v", err)
		}
	})
}

// encryptedOf returns the Encrypt element of a safe-mode reply.
func encryptedOf(t *testing.T, body []byte) string {
	t.Helper()
	var env message.ResponseEncryptedXMLMsg
	if err := xml.Unmarshal(body, &env); err != nil || env.EncryptedMsg == "" {
		t.Fatalf("not an encrypted reply: %v: %q", err, body)
	}
	return env.EncryptedMsg
}
