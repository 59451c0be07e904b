package telegram_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/adapters/telegram"
	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/store/storetest"
)

const (
	webhookURL = "https://hotline.example/telegram"
	secret     = "s3cret_T0ken-for-tests"
)

func webhookConfig(fake *telegramtest.FakeBotAPI) telegram.Config {
	cfg := testConfig(fake)
	cfg.WebhookURL, cfg.WebhookSecret = webhookURL, secret
	return cfg
}

// post sends body to the webhook with the secret header (none when "")
// and returns the status.
func post(t *testing.T, h http.Handler, secretHeader string, body []byte) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/telegram", bytes.NewReader(body))
	if secretHeader != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secretHeader)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestWebhookSecret(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	for _, tc := range []struct {
		name    string
		header  string
		status  int
		handled int
	}{
		{"wrong", secret + "x", http.StatusUnauthorized, 0},
		{"missing", "", http.StatusUnauthorized, 0},
		{"prefix", secret[:5], http.StatusUnauthorized, 0},
		{"right", secret, http.StatusOK, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &recorder{}
			b, _ := newBot(t, webhookConfig(fake), h, rec)
			body := telegramtest.Body(fake.Text(100001, "/mine"))
			if got := post(t, b.WebhookHandler(), tc.header, body); got != tc.status {
				t.Errorf("status %d, want %d", got, tc.status)
			}
			if got := len(h.got()); got != tc.handled {
				t.Errorf("handler called %d times, want %d", got, tc.handled)
			}
		})
	}
}

func TestWebhookBodies(t *testing.T) {
	fake := telegramtest.New(t)
	h := &recorder{}
	b, logs := newBot(t, webhookConfig(fake), h, storetest.Postgres(t))

	big := append([]byte(`{"update_id":1,"message":{"text":"`), bytes.Repeat([]byte("x"), 1<<20)...)
	if got := post(t, b.WebhookHandler(), secret, big); got != http.StatusRequestEntityTooLarge {
		t.Errorf("body over 1 MiB: status %d, want 413", got)
	}
	if got := post(t, b.WebhookHandler(), secret, []byte("<xml>not json</xml>")); got != http.StatusOK {
		t.Errorf("undecodable body: status %d, want 200 (a retry would not help)", got)
	}
	if !strings.Contains(logs.String(), "no update") {
		t.Errorf("undecodable body not logged:\n%s", logs)
	}
	req := httptest.NewRequest(http.MethodGet, "/telegram", nil)
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	rec := httptest.NewRecorder()
	b.WebhookHandler().ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", rec.Code)
	}
	if n := len(h.got()); n != 0 {
		t.Errorf("handler called %d times for no update", n)
	}
}

// Two replicas share the database; Telegram retries an update, and the
// retry lands on the other replica. The desk sees it once.
func TestWebhookTwoReplicasHandleOnce(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	h := &recorder{}
	a, _ := newBot(t, webhookConfig(fake), h, rec)
	b, _ := newBot(t, webhookConfig(fake), h, rec)

	body := telegramtest.Body(fake.Text(100001, "确认"))
	for i, replica := range []*telegram.Bot{a, b, a} {
		if got := post(t, replica.WebhookHandler(), secret, body); got != http.StatusOK {
			t.Errorf("post %d: status %d, want 200", i, got)
		}
	}

	// The same at once: one replica takes it, the others answer 200 after
	// it is done, or 503 (Telegram retries) while it is at it.
	body = telegramtest.Body(fake.Text(100001, "并发"))
	var wg sync.WaitGroup
	for i := range 10 {
		replica := []*telegram.Bot{a, b}[i%2]
		wg.Go(func() {
			if got := post(t, replica.WebhookHandler(), secret, body); got != http.StatusOK && got != http.StatusServiceUnavailable {
				t.Errorf("concurrent post: status %d", got)
			}
		})
	}
	wg.Wait()

	var texts []string
	for _, u := range h.got() {
		texts = append(texts, u.Text)
	}
	if diff := cmp.Diff([]string{"确认", "并发"}, texts); diff != "" {
		t.Errorf("handled (-want +got):\n%s", diff)
	}
}

func TestRegisterWebhook(t *testing.T) {
	fake := telegramtest.New(t)
	b, _ := newBot(t, webhookConfig(fake), nil, storetest.Postgres(t))
	if err := b.RegisterWebhook(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := fake.Webhook()
	want := map[string]string{"url": webhookURL, "secret_token": secret, "allowed_updates": `["message","callback_query"]`}
	for k, v := range want {
		if got.Get(k) != v {
			t.Errorf("setWebhook %s = %q, want %q", k, got.Get(k), v)
		}
	}
}

// Run in webhook mode registers the webhook and waits.
func TestRunRegistersWebhook(t *testing.T) {
	fake := telegramtest.New(t)
	b, _ := newBot(t, webhookConfig(fake), nil, storetest.Postgres(t))
	stop := start(t, b.Run)
	fake.Wait(t, wait, "setWebhook", func() bool { return fake.Webhook() != nil })
	stop()
	if n := len(fake.Calls("getUpdates")); n != 0 {
		t.Errorf("webhook mode polled %d times", n)
	}
}

func TestConfigRefusesWebhookWithoutSecret(t *testing.T) {
	fake := telegramtest.New(t)
	cfg := webhookConfig(fake)
	cfg.WebhookSecret = ""
	if _, err := telegram.New(cfg, &recorder{}, stores(storetest.Postgres(t)), nil); err == nil {
		t.Fatal("New accepted a webhook without a secret")
	}
}
