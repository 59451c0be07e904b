// Package wechattest stands in for WeChat in tests and load runs: it builds
// and signs callbacks the way WeChat posts them to an official account's
// server (plain or safe mode), reads the passive replies, and runs FakeAPI,
// an HTTP server that speaks the parts of the WeChat API Hotline calls and
// records what was sent.
//
// Like the adapter, it imports only the library's officialaccount/... and
// util packages, never its root package.
package wechattest

import (
	"bytes"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// Sign is the signature WeChat puts on every callback's query:
// sha1 of token, timestamp and nonce, sorted and joined.
func Sign(token, timestamp, nonce string) string {
	return util.Signature(token, timestamp, nonce)
}

// MsgSignature is the safe-mode signature, which also covers the
// encrypted body (the Encrypt element).
func MsgSignature(token, timestamp, nonce, encrypt string) string {
	return util.Signature(token, timestamp, nonce, encrypt)
}

// TextMessage is the XML of a text message from the customer from to the
// account to, sent at at.
func TextMessage(to, from, text string, msgID int64, at time.Time) []byte {
	b := header(to, from, "text", at)
	b = element(b, "Content", text)
	return footer(b, msgID)
}

// MenuTapMessage is the text message WeChat sends when the customer taps an
// option of a msgmenu customer-service message: the option's content as
// the text, and its id in bizmsgmenuid.
func MenuTapMessage(to, from, text, menuID string, msgID int64, at time.Time) []byte {
	b := header(to, from, "text", at)
	b = element(b, "Content", text)
	b = element(b, "bizmsgmenuid", menuID)
	return footer(b, msgID)
}

// ImageMessage is the XML of an image the customer sent.
func ImageMessage(to, from, mediaID string, msgID int64, at time.Time) []byte {
	b := header(to, from, "image", at)
	b = element(b, "PicUrl", "http://mmbiz.qpic.cn/fake/"+mediaID)
	b = element(b, "MediaId", mediaID)
	return footer(b, msgID)
}

// VoiceMessage is the XML of a voice message the customer sent.
func VoiceMessage(to, from, mediaID string, msgID int64, at time.Time) []byte {
	b := header(to, from, "voice", at)
	b = element(b, "MediaId", mediaID)
	b = element(b, "Format", "amr")
	return footer(b, msgID)
}

// EventMessage is the XML of an event: subscribe (eventKey qrscene_… after
// a parameterised QR code, else empty), unsubscribe, CLICK (the menu key),
// SCAN, VIEW… Events carry no MsgId.
func EventMessage(to, from, event, eventKey string, at time.Time) []byte {
	b := header(to, from, "event", at)
	b = element(b, "Event", event)
	b = element(b, "EventKey", eventKey)
	return append(b, "</xml>"...)
}

func header(to, from, msgType string, at time.Time) []byte {
	b := make([]byte, 0, 384)
	b = append(b, "<xml>"...)
	b = element(b, "ToUserName", to)
	b = element(b, "FromUserName", from)
	b = append(b, "<CreateTime>"...)
	b = strconv.AppendInt(b, at.Unix(), 10)
	b = append(b, "</CreateTime>"...)
	return element(b, "MsgType", msgType)
}

func footer(b []byte, msgID int64) []byte {
	b = append(b, "<MsgId>"...)
	b = strconv.AppendInt(b, msgID, 10)
	return append(b, "</MsgId></xml>"...)
}

// element appends <name><![CDATA[value]]></name>. A "]]>" inside value is
// split across two CDATA sections, as an XML writer must.
func element(b []byte, name, value string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, "><![CDATA["...)
	b = append(b, strings.ReplaceAll(value, "]]>", "]]]]><![CDATA[>")...)
	b = append(b, "]]></"...)
	b = append(b, name...)
	return append(b, '>')
}

// SignedRequest is the POST WeChat makes to the callback URL baseURL (for
// example server.URL+"/wechat") with body, signed with token at now. With
// aesKey set it is a safe-mode callback: the body is encrypted for appID
// and sent in an Encrypt envelope, with encrypt_type=aes and msg_signature
// in the query. It panics on a baseURL or aesKey that cannot work, which is
// a mistake in the calling test, not a condition to handle.
func SignedRequest(baseURL, token, aesKey, appID string, body []byte, now time.Time) *http.Request {
	ts := strconv.FormatInt(now.Unix(), 10)
	nonce := strconv.FormatUint(uint64(mrand.Uint32()), 10)
	q := url.Values{"signature": {Sign(token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}}
	if openID := fieldValue(body, "FromUserName"); openID != "" {
		q.Set("openid", openID)
	}
	if aesKey != "" {
		envelope, msgSig, err := Seal(token, aesKey, appID, body, ts, nonce)
		if err != nil {
			panic("wechattest.SignedRequest: " + err.Error())
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", msgSig)
		body = envelope
	}
	sep := "?"
	if strings.Contains(baseURL, "?") {
		sep = "&"
	}
	req, err := http.NewRequest(http.MethodPost, baseURL+sep+q.Encode(), bytes.NewReader(body))
	if err != nil {
		panic("wechattest.SignedRequest: " + err.Error())
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	return req
}

// Seal encrypts body for appID as WeChat does in safe mode and returns the
// envelope to post and its msg_signature for timestamp and nonce.
func Seal(token, aesKey, appID string, body []byte, timestamp, nonce string) (envelope []byte, msgSignature string, err error) {
	random := make([]byte, 16)
	_, _ = rand.Read(random)
	enc, err := encrypt(random, body, appID, aesKey)
	if err != nil {
		return nil, "", err
	}
	b := make([]byte, 0, len(enc)+128)
	b = append(b, "<xml>"...)
	b = element(b, "ToUserName", fieldValue(body, "ToUserName"))
	b = element(b, "Encrypt", string(enc))
	b = append(b, "</xml>"...)
	return b, MsgSignature(token, timestamp, nonce, string(enc)), nil
}

// encrypt calls the library, which panics on a key of the wrong length.
func encrypt(random, body []byte, appID, aesKey string) (enc []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("encrypt: %v", p)
		}
	}()
	return util.EncryptMsg(random, body, appID, aesKey)
}

// fieldValue finds a top-level element's text in a message built by this
// package (CDATA or plain); "" when it is not there.
func fieldValue(body []byte, name string) string {
	open := "<" + name + ">"
	i := bytes.Index(body, []byte(open))
	if i < 0 {
		return ""
	}
	rest := body[i+len(open):]
	j := bytes.Index(rest, []byte("</"+name+">"))
	if j < 0 {
		return ""
	}
	v := rest[:j]
	v = bytes.TrimPrefix(v, []byte("<![CDATA["))
	v = bytes.TrimSuffix(v, []byte("]]>"))
	return string(v)
}

// Errors of DecryptReply.
var (
	ErrNotEncrypted    = errors.New("reply is not an encrypted envelope")
	ErrReplySignature  = errors.New("reply MsgSignature does not verify")
	ErrReplyUnreadable = errors.New("reply cannot be decrypted")
)

// DecryptReply opens an encrypted passive reply as WeChat does: it checks
// MsgSignature over TimeStamp, Nonce and Encrypt, decrypts, checks the
// AppID inside, and returns the plain reply XML.
func DecryptReply(token, aesKey, appID string, body []byte) ([]byte, error) {
	var env message.ResponseEncryptedXMLMsg
	if err := xml.Unmarshal(body, &env); err != nil || env.EncryptedMsg == "" {
		return nil, fmt.Errorf("%w: %q", ErrNotEncrypted, truncate(body, 80))
	}
	want := MsgSignature(token, strconv.FormatInt(env.Timestamp, 10), env.Nonce, env.EncryptedMsg)
	if env.MsgSignature != want {
		return nil, ErrReplySignature
	}
	_, plain, err := util.DecryptMsg(appID, env.EncryptedMsg, aesKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrReplyUnreadable, err)
	}
	return plain, nil
}

// Passive is a passive reply as the customer's WeChat reads it.
type Passive struct {
	ToUserName   string
	FromUserName string
	CreateTime   int64
	MsgType      string
	Content      string // text replies
}

// ParsePassive reads the plain XML of a passive reply (for safe mode,
// what DecryptReply returns).
func ParsePassive(body []byte) (Passive, error) {
	var p Passive
	if err := xml.Unmarshal(body, &p); err != nil {
		return Passive{}, fmt.Errorf("passive reply is not XML: %w: %q", err, truncate(body, 80))
	}
	return p, nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
