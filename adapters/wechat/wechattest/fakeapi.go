package wechattest

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Kinds of Message.
const (
	KindCustom   = "custom"   // /cgi-bin/message/custom/send
	KindTemplate = "template" // /cgi-bin/message/template/send
)

// Error codes the fake answers on its own.
const (
	CodeInvalidAppID  = 40013 // token fetch with another AppID
	CodeInvalidSecret = 40125 // token fetch with the wrong AppSecret
	CodeInvalidToken  = 40001 // a send with an access token not issued, or revoked
	CodeInvalidMedia  = 40007 // media/get of a media id the fake does not hold
	CodeTemplateValue = 47003 // a template value that breaks its keyword type's rule
)

// Upload is one media/upload the fake received.
type Upload struct {
	AccessToken string
	Type        string // image, voice…
	Name        string // the file name sent
	Data        []byte
	MediaID     string // what the fake answered; empty when refused
	ErrCode     int
}

// Message is one send the fake received: a customer-service or a template
// message, with what it answered.
type Message struct {
	Kind        string // KindCustom or KindTemplate
	AccessToken string
	To          string // touser
	MsgType     string // custom: text, msgmenu, image, voice…; template: "template"
	Text        string // text.content
	Menu        *Menu  // msgmenu
	MediaID     string // image or voice
	TemplateID  string
	URL         string
	Data        map[string]string // template keyword → value
	ClientMsgID string
	ErrCode     int // what the fake answered; 0 means delivered
}

// Menu is a msgmenu customer-service message's choices.
type Menu struct {
	Head  string
	Items []MenuItem
	Tail  string
}

// MenuItem is one choice of a Menu.
type MenuItem struct{ ID, Content string }

// FakeAPI is an httptest server speaking the WeChat API endpoints Hotline
// uses: the access token (/cgi-bin/stable_token and /cgi-bin/token),
// customer-service sends, template sends, and temporary media
// (/cgi-bin/media/get for media added with AddMedia, /cgi-bin/media/upload). It records every send, safe
// for concurrent use, and can be told to refuse sends with an error code.
// Point the adapter at URL (wechat.Config.APIBase, HOTLINE_WECHAT_API_BASE).
// It logs nothing, and is meant to be quick enough for load runs.
type FakeAPI struct {
	URL string

	appID, secret string
	srv           *httptest.Server
	conns         atomic.Int64 // TCP connections accepted

	mu           sync.Mutex
	messages     []Message
	arrivals     []time.Time   // when each message arrived, by the real clock
	changed      chan struct{} // made by a waiter, closed on the next send
	issued       int           // tokens handed out: fake-token-1 … fake-token-issued
	validFrom    int           // tokens numbered below this are revoked
	failTo       map[string]int
	failTplTo    map[string]int
	failCustom   []int
	failTemplate []int
	templateIDs  int64
	media        map[string][]byte // media id → bytes, served by media/get
	uploads      []Upload
	customCheck  func(openID string) int // asked before each customer-service send; nil: none
}

// NewFakeAPI starts a fake for the account appID with appSecret; token
// requests with other credentials are refused as WeChat refuses them.
// Close it when done.
func NewFakeAPI(appID, appSecret string) *FakeAPI {
	f := &FakeAPI{appID: appID, secret: appSecret, validFrom: 1, failTo: map[string]int{}, failTplTo: map[string]int{},
		media: map[string][]byte{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cgi-bin/stable_token", f.stableToken)
	mux.HandleFunc("GET /cgi-bin/token", f.token)
	mux.HandleFunc("POST /cgi-bin/message/custom/send", f.customSend)
	mux.HandleFunc("POST /cgi-bin/message/template/send", f.templateSend)
	mux.HandleFunc("GET /cgi-bin/media/get", f.mediaGet)
	mux.HandleFunc("POST /cgi-bin/media/upload", f.mediaUpload)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, 48001, "api unauthorized (not faked)")
	})
	f.srv = httptest.NewUnstartedServer(mux)
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	f.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			f.conns.Add(1)
		}
	}
	f.srv.Start()
	f.URL = f.srv.URL
	return f
}

// Close stops the server.
func (f *FakeAPI) Close() { f.srv.Close() }

// FailCustomTo makes every customer-service send to openID answer errcode
// (45015: window closed, 43004: unsubscribed…); errcode 0 lifts it.
func (f *FakeAPI) FailCustomTo(openID string, errcode int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if errcode == 0 {
		delete(f.failTo, openID)
		return
	}
	f.failTo[openID] = errcode
}

// FailTemplateTo makes every template send to openID answer errcode
// (43101: the customer refused templates…); errcode 0 lifts it.
func (f *FakeAPI) FailTemplateTo(openID string, errcode int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if errcode == 0 {
		delete(f.failTplTo, openID)
		return
	}
	f.failTplTo[openID] = errcode
}

// RefuseCustom sets a check asked before every customer-service send to
// openID: a non-zero errcode it returns refuses the send with that code,
// as WeChat answers 45015 when the customer has not written for 48 hours
// (the sandbox keeps that window by its clock). nil removes the check.
func (f *FakeAPI) RefuseCustom(check func(openID string) int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.customCheck = check
}

// FailNextCustom makes the next n customer-service sends, to anyone,
// answer errcode.
func (f *FakeAPI) FailNextCustom(errcode, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.failCustom = append(f.failCustom, errcode)
	}
}

// FailNextTemplate makes the next n template sends answer errcode.
func (f *FakeAPI) FailNextTemplate(errcode, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.failTemplate = append(f.failTemplate, errcode)
	}
}

// RevokeTokens makes every access token issued so far invalid (40001), as
// when another process refreshed the token.
func (f *FakeAPI) RevokeTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.validFrom = f.issued + 1
}

// TokenFetches is how many access tokens were handed out.
func (f *FakeAPI) TokenFetches() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.issued
}

// Messages returns a copy of every send so far, in the order received,
// refused ones included (ErrCode set).
func (f *FakeAPI) Messages() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.messages)
}

// Arrivals returns when each send arrived, by the real clock, in the
// order of Messages: send rates are measured on them.
func (f *FakeAPI) Arrivals() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.arrivals)
}

// Connections is how many TCP connections clients opened to the fake: with
// keep-alive working, far fewer than the calls made.
func (f *FakeAPI) Connections() int { return int(f.conns.Load()) }

// Count is how many sends were received.
func (f *FakeAPI) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.messages)
}

// Reset forgets the sends received so far.
func (f *FakeAPI) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.messages = nil
	f.arrivals = nil
}

// To matches sends to openID.
func To(openID string) func(Message) bool {
	return func(m Message) bool { return m.To == openID }
}

// Wait waits until at least n sends matching match (nil: any) have been
// received, and returns them all, in order. It gives up after timeout,
// returning those received and an error saying how many were missing.
func (f *FakeAPI) Wait(n int, timeout time.Duration, match func(Message) bool) ([]Message, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		got := f.matching(match)
		if len(got) >= n {
			f.mu.Unlock()
			return got, nil
		}
		if f.changed == nil {
			f.changed = make(chan struct{})
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return got, fmt.Errorf("wechattest: %d of %d sends within %v", len(got), n, timeout)
		}
	}
}

func (f *FakeAPI) matching(match func(Message) bool) []Message {
	var out []Message
	for _, m := range f.messages {
		if match == nil || match(m) {
			out = append(out, m)
		}
	}
	return out
}

// record keeps m and its arrival time, and wakes waiters. The caller holds
// f.mu.
func (f *FakeAPI) record(m Message) {
	f.messages = append(f.messages, m)
	f.arrivals = append(f.arrivals, time.Now())
	if f.changed != nil {
		close(f.changed)
		f.changed = nil
	}
}

func (f *FakeAPI) stableToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AppID  string `json:"appid"`
		Secret string `json:"secret"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, 47001, "data format error")
		return
	}
	f.issueToken(w, req.AppID, req.Secret)
}

func (f *FakeAPI) token(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.issueToken(w, q.Get("appid"), q.Get("secret"))
}

func (f *FakeAPI) issueToken(w http.ResponseWriter, appID, secret string) {
	switch {
	case appID != f.appID:
		writeError(w, CodeInvalidAppID, "invalid appid")
		return
	case secret != f.secret:
		writeError(w, CodeInvalidSecret, "invalid appsecret")
		return
	}
	f.mu.Lock()
	f.issued++
	n := f.issued
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":"fake-token-%d","expires_in":7200}`, n)
}

// tokenValid reports whether token was issued and not revoked. The caller
// holds f.mu.
func (f *FakeAPI) tokenValid(token string) bool {
	n, err := strconv.Atoi(strings.TrimPrefix(token, "fake-token-"))
	return err == nil && strings.HasPrefix(token, "fake-token-") && n >= f.validFrom && n <= f.issued
}

// customBody is a customer-service message as the API takes it.
type customBody struct {
	ToUser  string `json:"touser"`
	MsgType string `json:"msgtype"`
	Text    *struct {
		Content string `json:"content"`
	} `json:"text"`
	Image *struct {
		MediaID string `json:"media_id"`
	} `json:"image"`
	Voice *struct {
		MediaID string `json:"media_id"`
	} `json:"voice"`
	Msgmenu *struct {
		HeadContent string `json:"head_content"`
		List        []struct {
			ID      string `json:"id"`
			Content string `json:"content"`
		} `json:"list"`
		TailContent string `json:"tail_content"`
	} `json:"msgmenu"`
}

func (b *customBody) message(token string) Message {
	m := Message{Kind: KindCustom, AccessToken: token, To: b.ToUser, MsgType: b.MsgType}
	switch {
	case b.Text != nil:
		m.Text = b.Text.Content
	case b.Image != nil:
		m.MediaID = b.Image.MediaID
	case b.Voice != nil:
		m.MediaID = b.Voice.MediaID
	}
	if b.Msgmenu != nil {
		m.Menu = &Menu{Head: b.Msgmenu.HeadContent, Tail: b.Msgmenu.TailContent}
		for _, it := range b.Msgmenu.List {
			m.Menu.Items = append(m.Menu.Items, MenuItem{ID: it.ID, Content: it.Content})
		}
	}
	return m
}

func (f *FakeAPI) customSend(w http.ResponseWriter, r *http.Request) {
	var body customBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.ToUser == "" {
		writeError(w, 47001, "data format error")
		return
	}
	m := body.message(r.URL.Query().Get("access_token"))
	f.mu.Lock()
	check := f.customCheck
	f.mu.Unlock()
	checked := 0
	if check != nil { // asked without the lock: it may take its own
		checked = check(m.To)
	}
	f.mu.Lock()
	if m.ErrCode = f.refusalLocked(m, f.failTo, &f.failCustom); m.ErrCode == 0 {
		m.ErrCode = checked
	}
	f.record(m)
	f.mu.Unlock()
	if m.ErrCode != 0 {
		writeError(w, m.ErrCode, "fake refusal")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

// refusalLocked is the error code the fake answers m with: an invalid
// token, a refusal set for its recipient, or the next queued refusal; 0
// delivers it.
func (f *FakeAPI) refusalLocked(m Message, byTo map[string]int, queued *[]int) int {
	if !f.tokenValid(m.AccessToken) {
		return CodeInvalidToken
	}
	if code, ok := byTo[m.To]; ok {
		return code
	}
	if len(*queued) > 0 {
		code := (*queued)[0]
		*queued = (*queued)[1:]
		return code
	}
	return 0
}

// templateBody is a template message as the API takes it.
type templateBody struct {
	ToUser      string `json:"touser"`
	TemplateID  string `json:"template_id"`
	URL         string `json:"url"`
	ClientMsgID string `json:"client_msg_id"`
	Data        map[string]struct {
		Value string `json:"value"`
	} `json:"data"`
}

func (f *FakeAPI) templateSend(w http.ResponseWriter, r *http.Request) {
	var body templateBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.ToUser == "" || body.TemplateID == "" {
		writeError(w, 47001, "data format error")
		return
	}
	m := Message{Kind: KindTemplate, AccessToken: r.URL.Query().Get("access_token"), To: body.ToUser,
		MsgType: "template", TemplateID: body.TemplateID, URL: body.URL, ClientMsgID: body.ClientMsgID,
		Data: make(map[string]string, len(body.Data))}
	for k, v := range body.Data {
		m.Data[k] = v.Value
	}
	f.mu.Lock()
	m.ErrCode = f.refusalLocked(m, f.failTplTo, &f.failTemplate)
	if m.ErrCode == 0 && !valuesFit(m.Data) {
		m.ErrCode = CodeTemplateValue
	}
	f.record(m)
	f.templateIDs++
	id := f.templateIDs
	f.mu.Unlock()
	if m.ErrCode != 0 {
		writeError(w, m.ErrCode, "fake refusal")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","msgid":%d}`, id)
}

// AddMedia makes media/get serve data for mediaID, as for an image a
// customer sent.
func (f *FakeAPI) AddMedia(mediaID string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.media[mediaID] = slices.Clone(data)
}

// Media returns a copy of the bytes media/get serves for mediaID (added
// with AddMedia or uploaded), and whether it holds any.
func (f *FakeAPI) Media(mediaID string) ([]byte, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, ok := f.media[mediaID]
	return slices.Clone(data), ok
}

// Uploads returns a copy of every media/upload so far, refused ones
// included (ErrCode set).
func (f *FakeAPI) Uploads() []Upload {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.uploads)
}

func (f *FakeAPI) mediaGet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	data, known := f.media[q.Get("media_id")]
	valid := f.tokenValid(q.Get("access_token"))
	f.mu.Unlock()
	switch {
	case !valid:
		writeError(w, CodeInvalidToken, "invalid credential")
	case !known:
		writeError(w, CodeInvalidMedia, "invalid media_id")
	default:
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(data)
	}
}

// mediaUpload takes a temporary media upload (multipart, field "media"),
// keeps it so that media/get serves it too, and answers its media_id.
func (f *FakeAPI) mediaUpload(w http.ResponseWriter, r *http.Request) {
	up := Upload{AccessToken: r.URL.Query().Get("access_token"), Type: r.URL.Query().Get("type")}
	file, header, err := r.FormFile("media")
	if err != nil {
		writeError(w, 41005, "media data missing")
		return
	}
	up.Name = header.Filename
	up.Data, err = io.ReadAll(file)
	file.Close()
	if err != nil {
		writeError(w, 47001, "data format error")
		return
	}
	f.mu.Lock()
	if f.tokenValid(up.AccessToken) {
		up.MediaID = fmt.Sprintf("fake-media-%d", len(f.uploads)+1)
		f.media[up.MediaID] = up.Data
	} else {
		up.ErrCode = CodeInvalidToken
	}
	f.uploads = append(f.uploads, up)
	f.mu.Unlock()
	if up.ErrCode != 0 {
		writeError(w, up.ErrCode, "invalid credential")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"type":%q,"media_id":%q,"created_at":%d}`, up.Type, up.MediaID, time.Now().Unix())
}

// writeError answers an error the way WeChat does: HTTP 200 with errcode.
func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"errcode":%d,"errmsg":"%s rid: fake"}`, code, msg)
}

// The keyword types' rules as WeChat states them (official-account
// templates share them with subscription messages since 2023), written
// here apart from the adapter's code, so that a test against the fake
// catches a value the adapter gets wrong.
var (
	fakeTime   = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?|\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?|\d{2}:\d{2})$`)
	fakePhrase = regexp.MustCompile(`^\p{Han}{1,5}$`)
	fakeString = regexp.MustCompile(`^[\x21-\x7e]{1,32}$`)
	fakeNumber = regexp.MustCompile(`^\d{1,32}$`)
	fakePhone  = regexp.MustCompile(`^[0-9+\-]{1,20}$`)
)

// valuesFit reports whether every value fits its keyword's type (thing3 →
// thing; an unknown type counts as thing).
func valuesFit(data map[string]string) bool {
	for k, v := range data {
		ok := true
		switch strings.TrimRight(k, "0123456789") {
		case "phrase":
			ok = fakePhrase.MatchString(v)
		case "character_string":
			ok = fakeString.MatchString(v)
		case "time", "date":
			ok = fakeTime.MatchString(v)
		case "number":
			ok = fakeNumber.MatchString(v)
		case "name":
			ok = utf8.RuneCountInString(v) <= 10
		case "phone_number":
			ok = fakePhone.MatchString(v)
		default:
			ok = utf8.RuneCountInString(v) <= 20
		}
		if !ok {
			return false
		}
	}
	return true
}
