package wechat

import (
	"crypto/subtle"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

var (
	errBadSignature = errors.New("bad signature")
	errStale        = errors.New("timestamp outside the freshness window")
)

// verifier checks the signatures WeChat puts on a callback's query. The
// library's own Validate compares with == and never looks at the timestamp,
// so a captured URL would stay valid for ever.
type verifier struct {
	token  string
	now    func() time.Time
	window time.Duration
}

// checkQuery verifies signature = sha1(sort(token, timestamp, nonce)) and
// that the timestamp is fresh.
func (v verifier) checkQuery(q url.Values) error {
	want := util.Signature(v.token, q.Get("timestamp"), q.Get("nonce"))
	if !equalSignature(q.Get("signature"), want) {
		return errBadSignature
	}
	return v.checkFresh(q.Get("timestamp"))
}

// checkMsgSignature verifies the safe-mode signature, which also covers the
// encrypted body: msg_signature = sha1(sort(token, timestamp, nonce, Encrypt)).
func (v verifier) checkMsgSignature(q url.Values, encrypted string) error {
	want := util.Signature(v.token, q.Get("timestamp"), q.Get("nonce"), encrypted)
	if !equalSignature(q.Get("msg_signature"), want) {
		return errBadSignature
	}
	return nil
}

// checkFresh accepts a Unix timestamp within the window either side of now.
func (v verifier) checkFresh(timestamp string) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errStale
	}
	skew := v.now().Sub(time.Unix(sec, 0))
	if skew > v.window || skew < -v.window {
		return errStale
	}
	return nil
}

// equalSignature compares in constant time, so response timing does not
// reveal how much of a forged signature was right.
func equalSignature(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
