package telegram

import (
	"errors"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// apiError is a failed Bot API call. The SDK's URLs carry the bot token,
// and its network errors print the URL: the token is cut from the text so
// that it reaches no log and no outbox row.
type apiError struct {
	method string
	text   string
	err    error
}

func (e *apiError) Error() string { return e.method + ": " + e.text }
func (e *apiError) Unwrap() error { return e.err }

// redact wraps err from a call of method (nil stays nil).
func redact(method, token string, err error) error {
	if err == nil {
		return nil
	}
	return &apiError{method: method, text: strings.ReplaceAll(err.Error(), token, "<token>"), err: err}
}

// errNoMessage: an edit names a message the outbox has no record of.
var errNoMessage = errors.New("no message sent under this ref")

// telegramError is Telegram's own answer in err, if it answered.
func telegramError(err error) (*tgbotapi.Error, bool) {
	var tgErr *tgbotapi.Error
	ok := errors.As(err, &tgErr)
	return tgErr, ok
}

// retryAfter is how long Telegram asked to wait (flood control, 429).
func retryAfter(err error) (time.Duration, bool) {
	tgErr, ok := telegramError(err)
	if !ok || (tgErr.Code != 429 && tgErr.RetryAfter == 0) {
		return 0, false
	}
	return max(time.Duration(tgErr.RetryAfter)*time.Second, time.Second), true
}

// refused means Telegram understood the call and said no (chat not found,
// bot blocked, bad request): the same call would fail again, unlike after
// a network error or a 5xx.
func refused(err error) bool {
	if errors.Is(err, errNoMessage) {
		return true
	}
	tgErr, ok := telegramError(err)
	return ok && (tgErr.Code == 400 || tgErr.Code == 403)
}

// notModified is Telegram's answer to an edit that changes nothing: the
// message already shows what the edit wants, so the edit is done.
func notModified(err error) bool {
	tgErr, ok := telegramError(err)
	return ok && tgErr.Code == 400 && strings.Contains(tgErr.Message, "message is not modified")
}
