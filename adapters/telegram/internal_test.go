package telegram

import (
	"errors"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"工单已经解决了", 5, "工单已经…"},
		{"ok😀😀", 5, "ok😀…"}, // an emoji is two UTF-16 units, as Telegram counts
		{"ok😀😀", 6, "ok😀😀"},
	} {
		if got := clip(tc.in, tc.limit); got != tc.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
		if n := utf16Len(clip(tc.in, tc.limit)); n > tc.limit {
			t.Errorf("clip(%q, %d) is %d units long", tc.in, tc.limit, n)
		}
	}
}

func TestBackoff(t *testing.T) {
	cfg := Config{RetryBase: time.Second, RetryMax: time.Minute}
	for attempts, want := range map[int]time.Duration{0: time.Second, 1: 2 * time.Second, 5: 32 * time.Second,
		6: time.Minute, 40: time.Minute, 100: time.Minute} {
		if got := cfg.backoff(attempts); got != want {
			t.Errorf("backoff(%d) = %v, want %v", attempts, got, want)
		}
	}
	cfg = Config{RetryBase: time.Hour, RetryMax: 24 * time.Hour}
	if got := cfg.backoff(29); got != 24*time.Hour {
		t.Errorf("backoff(29) from an hour = %v, want the cap", got)
	}
}

func TestErrorKinds(t *testing.T) {
	tooMany := redact("sendMessage", "tok", &tgbotapi.Error{Code: 429, Message: "Too Many Requests: retry after 7",
		ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 7}})
	if d, ok := retryAfter(tooMany); !ok || d != 7*time.Second {
		t.Errorf("retryAfter = %v, %v; want 7s", d, ok)
	}
	blocked := redact("sendMessage", "tok", &tgbotapi.Error{Code: 403, Message: "Forbidden: bot was blocked by the user"})
	if !refused(blocked) || refused(errors.New("connection reset")) || refused(tooMany) {
		t.Error("refused: want 403 yes, network error and 429 no")
	}
	same := &tgbotapi.Error{Code: 400, Message: "Bad Request: message is not modified: specified new message content"}
	if !notModified(same) || notModified(blocked) {
		t.Error("notModified misclassifies")
	}
	leak := redact("getMe", "123:SECRET", errors.New(`Post "https://api.telegram.org/bot123:SECRET/getMe": dial tcp: timeout`))
	if strings.Contains(leak.Error(), "SECRET") {
		t.Errorf("token in error: %v", leak)
	}
}
