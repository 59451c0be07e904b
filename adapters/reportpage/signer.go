package reportpage

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxToken bounds the tokens Verify reads: a unit name of some 300
// characters of Chinese still fits; anything longer is refused before the
// MAC is computed.
const maxToken = 512

// Signer makes and checks report links: /report/TOKEN, where the token
// names the month, the customer unit ("" for all units) and the time the
// link expires, signed with HMAC-SHA256 under the server's secret. The
// domain string differs from the survey links', so a survey token can
// never pass as a report token or the reverse.
type Signer struct {
	secret []byte
	base   string // the public URL, without a trailing slash
}

// NewSigner signs with secret; links start with publicURL
// (HOTLINE_PUBLIC_URL).
func NewSigner(secret []byte, publicURL string) *Signer {
	return &Signer{secret: secret, base: strings.TrimRight(publicURL, "/")}
}

// Link is the address that shows month's report ("2026-11") for unit to
// whoever holds it until expires.
func (s *Signer) Link(month, unit string, expires time.Time) string {
	return s.base + "/report/" + s.Token(month, unit, expires)
}

// Token is the signed part of a link: the month, the unit in base64url,
// the expiry in base 36, and 128 bits of the MAC, joined by dots.
func (s *Signer) Token(month, unit string, expires time.Time) string {
	body := month + "." + base64.RawURLEncoding.EncodeToString([]byte(unit)) + "." + strconv.FormatInt(expires.Unix(), 36)
	return body + "." + s.mac(body)
}

func (s *Signer) mac(body string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("hotline-report:" + body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// Verify checks a token's signature (in constant time) and returns what
// it names; ok false for anything forged, malformed or longer than
// maxToken. The caller checks the expiry.
func (s *Signer) Verify(token string) (month, unit string, expires time.Time, ok bool) {
	i := strings.LastIndexByte(token, '.')
	if i < 0 || len(token) > maxToken {
		return "", "", time.Time{}, false
	}
	body, sig := token[:i], token[i+1:]
	if !hmac.Equal([]byte(sig), []byte(s.mac(body))) {
		return "", "", time.Time{}, false
	}
	parts := strings.Split(body, ".")
	if len(parts) != 3 || !validMonth(parts[0]) {
		return "", "", time.Time{}, false
	}
	raw, err1 := base64.RawURLEncoding.DecodeString(parts[1])
	exp, err2 := strconv.ParseInt(parts[2], 36, 64)
	if err1 != nil || err2 != nil || !utf8.Valid(raw) {
		return "", "", time.Time{}, false
	}
	return parts[0], string(raw), time.Unix(exp, 0), true
}

// validMonth reports whether month is a calendar month written YYYY-MM.
func validMonth(month string) bool {
	t, err := time.Parse("2006-01", month)
	return err == nil && t.Format("2006-01") == month
}
