package telegram_test

import (
	"strings"
	"testing"

	"github.com/hotline-desk/hotline/adapters/telegram"
	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/store/storetest"
)

// The SDK puts the token in every URL, and its network errors print the
// URL: none of that may reach an error message (and so a log).
func TestNewHidesTheToken(t *testing.T) {
	cfg := testConfig(telegramtest.New(t))
	cfg.APIEndpoint = "http://127.0.0.1:1/bot%s/%s" // nothing listens there
	_, err := telegram.New(cfg, &recorder{}, stores(storetest.Postgres(t)), nil)
	if err == nil {
		t.Fatal("New succeeded without a Bot API")
	}
	if strings.Contains(err.Error(), telegramtest.Token) {
		t.Errorf("token in %q", err)
	}
}

func TestNewRefusesAWrongToken(t *testing.T) {
	cfg := testConfig(telegramtest.New(t))
	cfg.Token = "999:wrong"
	if _, err := telegram.New(cfg, &recorder{}, stores(storetest.Postgres(t)), nil); err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("New with a wrong token: %v, want Unauthorized", err)
	}
}
