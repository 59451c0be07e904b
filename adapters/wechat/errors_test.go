package wechat

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/silenceper/wechat/v2/util"
)

func TestFromLibrary(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want *APIError
	}{
		{"customer send", errors.New("customer msg send error : errcode=45015 , errmsg=response out of time limit rid: 1"),
			&APIError{Code: 45015, Msg: "response out of time limit rid: 1"}},
		{"template send", errors.New("template msg send error : errcode=43101 , errmsg=user refuse to accept the msg"),
			&APIError{Code: 43101, Msg: "user refuse to accept the msg"}},
		{"stable token", errors.New("get stable access_token error : errcode=40013 , errormsg=invalid appid"),
			&APIError{Code: 40013, Msg: "invalid appid"}},
		{"common error", util.NewCommonError("SendX", 40001, "invalid credential"),
			&APIError{Code: 40001, Msg: "invalid credential"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *APIError
			if !errors.As(fromLibrary(tt.err), &got) {
				t.Fatalf("no APIError from %v", tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFromLibraryRedactsAccessToken(t *testing.T) {
	cause := &url.Error{Op: "Post", URL: "https://api.weixin.qq.com/cgi-bin/message/custom/send?access_token=SECRET123&x=1",
		Err: context.DeadlineExceeded}
	status := fmt.Errorf("http get error : uri=https://api.weixin.qq.com/cgi-bin/message/custom/send?access_token=SECRET123 , statusCode=502")

	for _, err := range []error{cause, status} {
		got := fromLibrary(err)
		if strings.Contains(got.Error(), "SECRET123") || ErrorCode(got) != 0 {
			t.Errorf("got %q (code %d)", got, ErrorCode(got))
		}
	}
	if !errors.Is(fromLibrary(cause), context.DeadlineExceeded) {
		t.Error("the redacted error lost its cause")
	}
}

func TestErrorHelpers(t *testing.T) {
	tests := []struct {
		code                        int
		token, window, unsubscribed bool
	}{
		{CodeTokenInvalid, true, false, false},
		{CodeTokenIllegal, true, false, false},
		{CodeTokenExpired, true, false, false},
		{CodeWindowClosed, false, true, false},
		{CodeReplyQuota, false, true, false},
		{CodeUnsubscribed, false, false, true},
		{CodeTemplateRefused, false, false, true},
		{45009, false, false, false},
	}
	for _, tt := range tests {
		err := fmt.Errorf("wechat send: %w", &APIError{Code: tt.code})
		got := [3]bool{IsTokenInvalid(err), IsWindowClosed(err), IsUnsubscribed(err)}
		if want := [3]bool{tt.token, tt.window, tt.unsubscribed}; got != want {
			t.Errorf("code %d: got %v, want %v", tt.code, got, want)
		}
	}
}
