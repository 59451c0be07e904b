package wechat

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/silenceper/wechat/v2/util"
)

// WeChat API error codes the adapter acts on.
const (
	CodeTokenInvalid    = 40001 // access token invalid (another process refreshed it)
	CodeTokenIllegal    = 40014 // access token malformed or revoked
	CodeTokenExpired    = 42001 // access token expired
	CodeUnsubscribed    = 43004 // the customer does not follow the account
	CodeTemplateRefused = 43101 // the customer refused the template
	CodeWindowClosed    = 45015 // outside the 48-hour customer-service window
	CodeReplyQuota      = 45047 // customer-service sends to this customer used up
	CodeSystemBusy      = -1    // 系统繁忙: not sent; WeChat asks for a retry
)

// APIError is an error code answered by the WeChat API.
type APIError struct {
	Code int
	Msg  string
}

// Error names the code and WeChat's message (which quotes no customer data).
func (e *APIError) Error() string {
	return fmt.Sprintf("wechat api errcode=%d: %s", e.Code, e.Msg)
}

// ErrorCode returns the WeChat error code in err's chain, or 0.
func ErrorCode(err error) int {
	var api *APIError
	if errors.As(err, &api) {
		return api.Code
	}
	return 0
}

// IsTokenInvalid reports whether WeChat rejected the access token, so a
// fresh one may succeed.
func IsTokenInvalid(err error) bool {
	switch ErrorCode(err) {
	case CodeTokenInvalid, CodeTokenIllegal, CodeTokenExpired:
		return true
	}
	return false
}

// IsWindowClosed reports whether a customer-service message may not be sent
// now: the 48-hour window is closed or its sends are used up. A template
// message may still go.
func IsWindowClosed(err error) bool {
	code := ErrorCode(err)
	return code == CodeWindowClosed || code == CodeReplyQuota
}

// IsUnsubscribed reports whether the customer will not receive anything:
// they unfollowed the account or refused its templates.
func IsUnsubscribed(err error) bool {
	code := ErrorCode(err)
	return code == CodeUnsubscribed || code == CodeTemplateRefused
}

// libraryError matches the library's errors, which come as text: "…
// errcode=45015 , errmsg=…" (and "errormsg=" from the token fetch).
var libraryError = regexp.MustCompile(`errcode=(-?\d+)\s*,\s*err(?:or)?msg=(.*)`)

// accessToken matches the access token in a URL quoted by an HTTP error.
var accessToken = regexp.MustCompile(`access_token=[^&\s"]*`)

// fromLibrary turns a library error into an *APIError when it carries a
// WeChat error code, and otherwise strips the access token that the
// library's HTTP errors quote in their URL.
func fromLibrary(err error) error {
	if err == nil {
		return nil
	}
	var api *APIError
	if errors.As(err, &api) {
		return err // ours already (media/get), its text holds no token
	}
	var common *util.CommonError
	if errors.As(err, &common) {
		return &APIError{Code: int(common.ErrCode), Msg: redact(common.ErrMsg)}
	}
	text := err.Error()
	if m := libraryError.FindStringSubmatch(text); m != nil {
		if code, convErr := strconv.Atoi(m[1]); convErr == nil {
			return &APIError{Code: code, Msg: redact(strings.TrimSpace(m[2]))}
		}
	}
	return &redactedError{msg: redact(text), err: err}
}

func redact(s string) string {
	return accessToken.ReplaceAllString(s, "access_token=REDACTED")
}

// redactedError keeps the cause for errors.Is (timeouts, cancellation)
// while its text holds no access token.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
