// Package telegramtest is a fake Telegram Bot API for tests and for the
// sandbox: an httptest server that speaks enough of the API for
// go-telegram-bot-api v5.5.1 (getMe, getUpdates, sendMessage, sendPhoto,
// sendDocument, editMessageText, answerCallbackQuery, setWebhook,
// deleteWebhook, getFile and file downloads), records every call with the
// time it arrived, and can be told to throttle (429) or to be down. It does
// not import package testing, so the binary may use it (hotline sandbox).
package telegramtest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Token is the only token the fake accepts; any other gets 401, as from
// Telegram.
const Token = "123456:TEST-fake-token"

// BotUserName is the bot's username, as getMe reports it.
const BotUserName = "hotline_test_bot"

// botUser is the bot itself, as Telegram describes it.
func botUser() *tgbotapi.User {
	return &tgbotapi.User{ID: 123456, IsBot: true, FirstName: "Hotline", UserName: BotUserName}
}

// Call is one request the fake answered.
type Call struct {
	Method    string
	Params    url.Values
	At        time.Time // when it arrived, by the fake's (real) clock
	OK        bool      // answered ok: true
	ErrorCode int       // the error_code answered, when not OK (502 for an outage)
	MessageID int       // the message sent or edited, when OK
	Upload    []byte    // the file uploaded with the call (sendPhoto with bytes), nil for none
	FileName  string    // the uploaded file's name
}

// ChatID is the chat_id parameter.
func (c Call) ChatID() int64 {
	id, _ := strconv.ParseInt(c.Params.Get("chat_id"), 10, 64)
	return id
}

// Text is the text of a message or the caption of a photo or document.
func (c Call) Text() string {
	if c.Method == "sendPhoto" || c.Method == "sendDocument" {
		return c.Params.Get("caption")
	}
	return c.Params.Get("text")
}

// Button is one inline keyboard button as sent.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

// Keyboard decodes the inline keyboard sent with the call (nil for none).
func (c Call) Keyboard() ([][]Button, error) {
	raw := c.Params.Get("reply_markup")
	if raw == "" {
		return nil, nil
	}
	var m struct {
		InlineKeyboard [][]Button `json:"inline_keyboard"`
	}
	err := json.Unmarshal([]byte(raw), &m)
	return m.InlineKeyboard, err
}

// FakeBotAPI is the fake server. Its zero value is not usable: call New.
type FakeBotAPI struct {
	URL string
	srv *httptest.Server

	mu          sync.Mutex
	changed     chan struct{} // closed and replaced whenever a call or an update comes: waiters look again
	calls       []Call
	queue       []tgbotapi.Update // updates not yet confirmed by a getUpdates offset
	nextUpdate  int
	nextMessage int
	messages    map[[2]int64]shown // (chat, message id) → what it shows, for edits
	throttled   int                // how many more sends answer 429
	retryAfter  int
	down        bool
	blocked     map[int64]bool
	badPhotos   bool              // sendPhoto answers 400 (an image Telegram cannot process)
	webhook     url.Values        // the last setWebhook's parameters; nil for none
	files       map[string][]byte // file id → bytes, for getFile and downloads
}

// shown is what a sent message shows now.
type shown struct{ text, markup string }

// TB is what the fake needs of a test: *testing.T, *testing.B and
// testing.TB satisfy it. The fake takes it instead of testing.TB so that it
// does not import package testing, which the binary must not link.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// New starts a fake, closed when the test ends. Its update ids start at
// 100000 and its message ids at 1.
func New(t TB) *FakeBotAPI {
	f := start(100000, 1)
	t.Cleanup(f.Close)
	return f
}

// NewServer starts a fake outside a test (the sandbox); Close it when done.
// Its update and message ids start at the wall clock's milliseconds, so a
// sandbox started again on the same database never repeats an id the
// adapter has already seen (it remembers update ids to drop retries).
func NewServer() *FakeBotAPI {
	first := int(time.Now().UnixMilli())
	return start(first, first)
}

// start runs a fake whose update and message ids start where told.
func start(firstUpdate, firstMessage int) *FakeBotAPI {
	f := &FakeBotAPI{
		changed:     make(chan struct{}),
		nextUpdate:  firstUpdate,
		nextMessage: firstMessage,
		messages:    map[[2]int64]shown{},
		blocked:     map[int64]bool{},
		files:       map[string][]byte{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	return f
}

// Close stops the server; a second Close does nothing.
func (f *FakeBotAPI) Close() { f.srv.Close() }

// Endpoint is the API endpoint pattern for the SDK and the adapter.
func (f *FakeBotAPI) Endpoint() string { return f.URL + "/bot%s/%s" }

// TooManyRequests makes the next k sendMessage or sendPhoto calls answer
// 429 with retry_after seconds.
func (f *FakeBotAPI) TooManyRequests(k, retryAfter int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttled, f.retryAfter = k, retryAfter
}

// SetOutage makes every call fail (502 from a proxy, not JSON) while down.
func (f *FakeBotAPI) SetOutage(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

// Block makes sends to chatID fail as from a user who blocked the bot.
func (f *FakeBotAPI) Block(chatID int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.blocked[chatID] = true
}

// RefusePhotos makes every sendPhoto fail as for an image Telegram cannot
// process (400).
func (f *FakeBotAPI) RefusePhotos(refuse bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.badPhotos = refuse
}

// AddFile makes getFile and the file download serve data under fileID,
// as for a photo a staff member sent.
func (f *FakeBotAPI) AddFile(fileID string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[fileID] = append([]byte(nil), data...)
}

// Webhook returns the parameters of the last setWebhook (nil for none).
func (f *FakeBotAPI) Webhook() url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.webhook
}

// Calls returns the calls of the given methods (all calls when none given),
// in the order they arrived.
func (f *FakeBotAPI) Calls(methods ...string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.callsLocked(methods)
}

func (f *FakeBotAPI) callsLocked(methods []string) []Call {
	var out []Call
	for _, c := range f.calls {
		if len(methods) == 0 || contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// Sent returns the sendMessage and sendPhoto calls that succeeded.
func (f *FakeBotAPI) Sent() []Call {
	var out []Call
	for _, c := range f.Calls("sendMessage", "sendPhoto") {
		if c.OK {
			out = append(out, c)
		}
	}
	return out
}

// WaitSent waits until at least n sends succeeded and returns them; the
// test fails after timeout.
func (f *FakeBotAPI) WaitSent(t TB, n int, timeout time.Duration) []Call {
	t.Helper()
	f.Wait(t, timeout, fmt.Sprintf("%d successful sends", n), func() bool { return len(f.Sent()) >= n })
	return f.Sent()
}

// Wait waits until cond holds, looking again after every call the fake
// answers; the test fails after timeout, naming what it waited for.
func (f *FakeBotAPI) Wait(t TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		f.mu.Lock()
		changed := f.changed
		f.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("telegramtest: waited %v for %s", timeout, what)
		}
	}
}

// notifyLocked wakes everyone waiting for a change.
func (f *FakeBotAPI) notifyLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// serve answers one Bot API call: /bot<token>/<method>.
func (f *FakeBotAPI) serve(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	if rest, isFile := strings.CutPrefix(r.URL.Path, "/file/bot"); isFile {
		f.download(w, rest)
		return
	}
	token, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	params, upload, err := parseParams(r)
	var name string
	if upload != nil {
		name = upload.name
	}
	if !ok || err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if method == "getUpdates" {
		f.getUpdates(w, r, params, at)
		return
	}
	f.mu.Lock()
	call := Call{Method: method, Params: params, At: at, Upload: upload.bytes(), FileName: name}
	res := f.answerLocked(&call, token)
	f.calls = append(f.calls, call)
	f.notifyLocked()
	f.mu.Unlock()
	res.write(w)
}

// parseParams reads a call's parameters and the bytes of the file it
// uploads, if any (the SDK sends one file per call here).
func parseParams(r *http.Request) (url.Values, *file, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return nil, nil, err
		}
		upload, err := uploaded(r.MultipartForm)
		return url.Values(r.MultipartForm.Value), upload, err
	}
	if err := r.ParseForm(); err != nil {
		return nil, nil, err
	}
	return r.PostForm, nil, nil
}

// file is an uploaded file.
type file struct {
	name string
	data []byte
}

func (f *file) bytes() []byte {
	if f == nil {
		return nil
	}
	return f.data
}

func uploaded(form *multipart.Form) (*file, error) {
	for _, headers := range form.File {
		for _, h := range headers {
			r, err := h.Open()
			if err != nil {
				return nil, err
			}
			defer r.Close()
			data, err := io.ReadAll(r)
			return &file{name: h.Filename, data: data}, err
		}
	}
	return nil, nil
}

// download serves /file/bot<token>/<file path> as Telegram's file
// endpoint does; file paths are "photos/<file id>".
func (f *FakeBotAPI) download(w http.ResponseWriter, rest string) {
	token, path, _ := strings.Cut(rest, "/")
	f.mu.Lock()
	data, found := f.files[strings.TrimPrefix(path, "photos/")]
	f.mu.Unlock()
	switch {
	case token != Token:
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
	case !found:
		http.Error(w, "Not Found", http.StatusNotFound)
	default:
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(data)
	}
}

// answerLocked decides the answer to a call and notes it on the call.
func (f *FakeBotAPI) answerLocked(call *Call, token string) reply {
	res := f.resultLocked(call, token)
	call.OK = res.ok
	call.ErrorCode = res.code
	return res
}

func (f *FakeBotAPI) resultLocked(call *Call, token string) reply {
	switch {
	case f.down:
		return reply{code: http.StatusBadGateway, raw: "<html><body>502 Bad Gateway</body></html>"}
	case token != Token:
		return apiError(http.StatusUnauthorized, "Unauthorized")
	}
	switch call.Method {
	case "getMe":
		return ok(botUser())
	case "sendMessage", "sendPhoto":
		return f.sendLocked(call)
	case "sendDocument":
		return f.documentLocked(call)
	case "editMessageText":
		return f.editLocked(call)
	case "answerCallbackQuery":
		return ok(true)
	case "getFile":
		return f.fileLocked(call.Params.Get("file_id"))
	case "setWebhook":
		f.webhook = call.Params
		return ok(true)
	case "deleteWebhook":
		f.webhook = nil
		return ok(true)
	}
	return apiError(http.StatusNotFound, "Not Found")
}

func (f *FakeBotAPI) sendLocked(call *Call) reply {
	chat := call.ChatID()
	switch {
	case f.throttled > 0:
		f.throttled--
		r := apiError(http.StatusTooManyRequests, fmt.Sprintf("Too Many Requests: retry after %d", f.retryAfter))
		r.retryAfter = f.retryAfter
		return r
	case chat == 0:
		return apiError(http.StatusBadRequest, "Bad Request: chat not found")
	case f.blocked[chat]:
		return apiError(http.StatusForbidden, "Forbidden: bot was blocked by the user")
	case f.badPhotos && call.Method == "sendPhoto":
		return apiError(http.StatusBadRequest, "Bad Request: IMAGE_PROCESS_FAILED")
	}
	id := f.nextMessage
	f.nextMessage++
	call.MessageID = id
	f.messages[[2]int64{chat, int64(id)}] = shown{call.Text(), call.Params.Get("reply_markup")}
	return ok(f.message(chat, id, call))
}

// documentLocked takes a file upload (sendDocument) as Telegram does: a
// file of at most 50 MB with a caption of at most 1,024 UTF-16 units.
func (f *FakeBotAPI) documentLocked(call *Call) reply {
	switch {
	case call.Upload == nil && call.Params.Get("document") == "":
		return apiError(http.StatusBadRequest, "Bad Request: there is no document in the request")
	case len(call.Upload) > 50<<20:
		return apiError(http.StatusRequestEntityTooLarge, "Request Entity Too Large")
	case len(utf16.Encode([]rune(call.Params.Get("caption")))) > 1024:
		return apiError(http.StatusBadRequest, "Bad Request: message caption is too long")
	}
	return f.sendLocked(call)
}

func (f *FakeBotAPI) fileLocked(id string) reply {
	data, found := f.files[id]
	if !found {
		return apiError(http.StatusBadRequest, "Bad Request: invalid file_id")
	}
	return ok(tgbotapi.File{FileID: id, FileUniqueID: "u" + id, FileSize: len(data), FilePath: "photos/" + id})
}

func (f *FakeBotAPI) editLocked(call *Call) reply {
	chat := call.ChatID()
	id, _ := strconv.Atoi(call.Params.Get("message_id"))
	key := [2]int64{chat, int64(id)}
	old, found := f.messages[key]
	now := shown{call.Params.Get("text"), call.Params.Get("reply_markup")}
	switch {
	case !found:
		return apiError(http.StatusBadRequest, "Bad Request: message to edit not found")
	case old == now:
		return apiError(http.StatusBadRequest, "Bad Request: message is not modified: specified new message "+
			"content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	f.messages[key] = now
	call.MessageID = id
	return ok(f.message(chat, id, call))
}

// message is the Message object the API returns for a send or an edit.
func (f *FakeBotAPI) message(chat int64, id int, call *Call) tgbotapi.Message {
	m := tgbotapi.Message{
		MessageID: id,
		Date:      int(call.At.Unix()),
		Chat:      &tgbotapi.Chat{ID: chat, Type: "private"},
		From:      botUser(),
		Text:      call.Params.Get("text"),
	}
	if call.Method == "sendPhoto" {
		m.Text = ""
		m.Caption = call.Params.Get("caption")
		fileID := call.Params.Get("photo")
		if call.Upload != nil { // an upload gets a file id, and can be fetched again
			fileID = "photo-" + strconv.Itoa(id)
			f.files[fileID] = call.Upload
		}
		m.Photo = []tgbotapi.PhotoSize{{FileID: fileID, FileUniqueID: "u" + strconv.Itoa(id)}}
	}
	return m
}

// reply is an answer to write.
type reply struct {
	ok         bool
	code       int
	result     any
	desc       string
	retryAfter int
	raw        string // written as is (an HTML error page) when set
}

func ok(result any) reply { return reply{ok: true, code: http.StatusOK, result: result} }

func apiError(code int, desc string) reply { return reply{code: code, desc: desc} }

func (r reply) write(w http.ResponseWriter) {
	if r.raw != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(r.code)
		fmt.Fprint(w, r.raw)
		return
	}
	body := map[string]any{"ok": r.ok}
	if r.ok {
		body["result"] = r.result
	} else {
		body["error_code"] = r.code
		body["description"] = r.desc
	}
	if r.retryAfter > 0 {
		body["parameters"] = map[string]int{"retry_after": r.retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(r.code)
	json.NewEncoder(w).Encode(body)
}
