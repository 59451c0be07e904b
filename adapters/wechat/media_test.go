package wechat

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/util"

	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
	"github.com/hotline-desk/hotline/bot"
)

func newMediaMessenger(t *testing.T) (*Messenger, *wechattest.FakeAPI) {
	t.Helper()
	api := wechattest.NewFakeAPI(testAppID, testAppSecret)
	t.Cleanup(api.Close)
	m, err := NewMessenger(Config{AppID: testAppID, AppSecret: testAppSecret, Token: testToken,
		APIBase: api.URL, HTTPTimeout: wait, Logger: discardLogger()}, cache.NewMemory())
	if err != nil {
		t.Fatalf("NewMessenger: %v", err)
	}
	t.Cleanup(func() {
		util.SetURIModifier(nil)
		util.DefaultHTTPClient = http.DefaultClient
	})
	return m, api
}

func TestFetchMedia(t *testing.T) {
	m, api := newMediaMessenger(t)
	photo := []byte("\xff\xd8\xff customer jpeg")
	api.AddMedia("wx-media-1", photo)
	api.AddMedia("huge", make([]byte, MaxMedia+1))
	ctx := context.Background()

	got, err := m.FetchMedia(ctx, "wx-media-1")
	if err != nil || !bytes.Equal(got, photo) {
		t.Fatalf("fetched %q, %v", got, err)
	}
	_, err = m.FetchMedia(ctx, "unknown")
	if ErrorCode(err) != wechattest.CodeInvalidMedia {
		t.Errorf("unknown media: %v, want errcode %d", err, wechattest.CodeInvalidMedia)
	}
	if _, err = m.FetchMedia(ctx, "huge"); !errors.Is(err, errTooLarge) {
		t.Errorf("huge media: %v, want too large", err)
	}
}

// A token another process refreshed (40001) is dropped and the fetch made
// once more with a new one.
func TestFetchMediaRefetchesRejectedToken(t *testing.T) {
	m, api := newMediaMessenger(t)
	api.AddMedia("wx-media-1", []byte("jpeg"))
	ctx := context.Background()
	if _, err := m.FetchMedia(ctx, "wx-media-1"); err != nil {
		t.Fatal(err)
	}
	api.RevokeTokens()
	if _, err := m.FetchMedia(ctx, "wx-media-1"); err != nil {
		t.Fatalf("after the token was revoked: %v", err)
	}
	if n := api.TokenFetches(); n != 2 {
		t.Errorf("%d token fetches, want 2", n)
	}
}

// A failed download quotes no access token.
func TestFetchMediaErrorHidesToken(t *testing.T) {
	m, api := newMediaMessenger(t)
	if _, err := m.FetchMedia(context.Background(), "x"); err == nil { // fetches a token
		t.Fatal("fetched unknown media")
	}
	api.Close()
	_, err := m.FetchMedia(context.Background(), "x")
	if err == nil || strings.Contains(err.Error(), "fake-token") {
		t.Fatalf("error %v", err)
	}
}

func TestSendImage(t *testing.T) {
	m, api := newMediaMessenger(t)
	photo := []byte("\xff\xd8\xff staff jpeg")
	if err := m.SendImage(context.Background(), testOpenID, photo, "ticket-7.jpg"); err != nil {
		t.Fatal(err)
	}
	ups := api.Uploads()
	if len(ups) != 1 || ups[0].Type != "image" || ups[0].Name != "ticket-7.jpg" || !bytes.Equal(ups[0].Data, photo) {
		t.Fatalf("uploads %+v", ups)
	}
	msgs := api.Messages()
	if len(msgs) != 1 || msgs[0].MsgType != "image" || msgs[0].MediaID != ups[0].MediaID || msgs[0].To != testOpenID {
		t.Fatalf("sends %+v, want an image with %s", msgs, ups[0].MediaID)
	}
}

func TestSendImageWindowClosed(t *testing.T) {
	m, api := newMediaMessenger(t)
	api.FailCustomTo(testOpenID, CodeWindowClosed)
	err := m.SendImage(context.Background(), testOpenID, []byte("jpeg"), "a.jpg")
	if !errors.Is(err, bot.ErrUnreachable) || ErrorCode(err) != CodeWindowClosed {
		t.Fatalf("window closed: %v", err)
	}
}

func TestSendImageRefetchesRejectedToken(t *testing.T) {
	m, api := newMediaMessenger(t)
	ctx := context.Background()
	if err := m.SendImage(ctx, testOpenID, []byte("one"), "a.jpg"); err != nil {
		t.Fatal(err)
	}
	api.RevokeTokens()
	if err := m.SendImage(ctx, testOpenID, []byte("two"), "b.jpg"); err != nil {
		t.Fatalf("after the token was revoked: %v", err)
	}
	ups := api.Uploads()
	if len(ups) != 3 || ups[1].ErrCode != CodeTokenInvalid || ups[2].MediaID == "" {
		t.Fatalf("uploads %+v: want the refused one retried", ups)
	}
}

func TestSendImageRefusesEmpty(t *testing.T) {
	m, _ := newMediaMessenger(t)
	if err := m.SendImage(context.Background(), testOpenID, nil, "a.jpg"); err == nil {
		t.Fatal("sent no image")
	}
}
