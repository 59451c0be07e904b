package surveypage

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Signer makes and checks survey links: /survey/TOKEN, where the token
// names the survey and the time it expires, signed with HMAC-SHA256 under
// the server's secret (HOTLINE_SURVEY_SECRET). Nobody can forge a link to
// another survey or stretch its time, and no login is needed.
type Signer struct {
	secret []byte
	base   string // the public URL, without a trailing slash
}

// NewSigner signs with secret; links start with publicURL
// (HOTLINE_PUBLIC_URL).
func NewSigner(secret []byte, publicURL string) *Signer {
	return &Signer{secret: secret, base: strings.TrimRight(publicURL, "/")}
}

// SurveyLink implements bot.SurveyLinker.
func (s *Signer) SurveyLink(survey int64, expires time.Time) string {
	return s.base + "/survey/" + s.Token(survey, expires)
}

// Token is the signed part of a link: survey and expiry in base 36, and
// 128 bits of the MAC.
func (s *Signer) Token(survey int64, expires time.Time) string {
	body := strconv.FormatInt(survey, 36) + "." + strconv.FormatInt(expires.Unix(), 36)
	return body + "." + s.mac(body)
}

func (s *Signer) mac(body string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("hotline-survey:" + body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// Verify checks a token's signature (in constant time) and returns what
// it names; ok false for anything forged or malformed. The caller checks
// the expiry.
func (s *Signer) Verify(token string) (survey int64, expires time.Time, ok bool) {
	i := strings.LastIndexByte(token, '.')
	if i < 0 || len(token) > 100 {
		return 0, time.Time{}, false
	}
	body, sig := token[:i], token[i+1:]
	if !hmac.Equal([]byte(sig), []byte(s.mac(body))) {
		return 0, time.Time{}, false
	}
	idText, expText, found := strings.Cut(body, ".")
	id, err1 := strconv.ParseInt(idText, 36, 64)
	exp, err2 := strconv.ParseInt(expText, 36, 64)
	if !found || err1 != nil || err2 != nil || id <= 0 {
		return 0, time.Time{}, false
	}
	return id, time.Unix(exp, 0), true
}
