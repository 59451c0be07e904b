package main

// End-to-end tests of the WeChat intake: the app newApp assembles, served
// over HTTP, against a real PostgreSQL schema and a real Redis key prefix
// (or the embedded stores), with a fake WeChat API at the platform edge and
// the clock in the test's hand. They read like the customer's side of the
// conversation.
//
// newApp builds a wechat.Messenger, which sets the library's process-wide
// HTTP client and URL modifier: none of these tests may call t.Parallel.

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/silenceper/wechat/v2/util"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/conversation"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/redisstore"
	"github.com/hotline-desk/hotline/store/storetest"
)

const (
	intakeAppID   = "wx0123456789abcdef"
	intakeSecret  = "app-secret"
	intakeToken   = "callback-token"
	intakeAccount = "gh_hotline"
	intakeUnit    = "大庆市住房公积金管理中心"
	pushWait      = 5 * time.Second // bounds every wait for a push
)

var intakeAESKey = base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))[:43]

// intakePolicy puts the unit on the 5x9 plan inside its free service
// period, and configures the ticket template for the 45015 fallback.
const intakePolicy = `
units:
  - name: 大庆市住房公积金管理中心
    plan: 5x9
    service_start: 2026-01-01
    service_end: 2026-12-31
wechat:
  templates:
    ticket:
      id: tpl-ticket
      fields: {ticket: character_string1, status: phrase2, time: time3, note: thing4}
`

// reportedAt is a Friday, 17:00 in Shanghai, an hour before the close of
// business on the 5x9 calendar (Mon–Fri 08:00–12:00, 13:00–18:00).
//
// A severity 2 (严重问题) ticket on 5x9 is owed a response within 4
// business hours: 1 hour on Friday (17:00–18:00), then 3 on Monday
// (08:00–11:00), so Monday 16 March 11:00. Its resolution is due at the
// close of business of the 2nd working day after the day of the report:
// Monday is the 1st, Tuesday 17 March the 2nd, so 18:00 on Tuesday.
var (
	shanghai, _       = time.LoadLocation("Asia/Shanghai")
	reportedAt        = time.Date(2026, 3, 13, 17, 0, 0, 0, shanghai)
	wantResponseDue   = time.Date(2026, 3, 16, 11, 0, 0, 0, shanghai)
	wantResolutionDue = time.Date(2026, 3, 17, 18, 0, 0, 0, shanghai)
	wantCommitment    = "我们将在 3月16日（周一）11:00 前响应，3月17日（周二）18:00 前解决（按 5×9 服务时间计算，节假日顺延）"
)

// The customer's report, as typed.
const (
	faultText = "打印机无法连接，所有窗口都不能打印"
	sev2Text  = "严重问题：系统不能正常运行，多项功能受影响" // the menu option's content
	nameText  = "张三"
	phoneText = "138 0013 8000"
	phoneNorm = "13800138000"
	roomText  = "302"
)

// The questions, as the customer reads them (conversation/text.go).
const (
	askUnitText  = "请问您的单位名称是？"
	askNameText  = "请问怎么称呼您？（联系人姓名）"
	askPhoneText = "请留下联系电话：11 位手机号，或带区号的座机（如 0459-1234567）。"
	askRoomText  = "请问您的房间号是？没有请回复「无」。"
	askDescText  = "请简单描述您遇到的问题。"
)

func openedText(id int64) string {
	return fmt.Sprintf("您的报修已受理，工单号 #%d（严重问题）。\n%s。\n工程师会尽快与您联系；如需补充情况，直接回复即可。", id, wantCommitment)
}

func severityMenu() *wechattest.Menu {
	return &wechattest.Menu{
		Head: "收到，已记下您的问题。\n请选择问题的严重程度：",
		Items: []wechattest.MenuItem{
			{ID: "sev1", Content: "致命性问题：系统瘫痪，业务无法进行"},
			{ID: "sev2", Content: sev2Text},
			{ID: "sev3", Content: "普通问题：部分功能失效，业务基本可以进行"},
			{ID: "sev4", Content: "小问题：不影响基本服务"},
			{ID: "sev5", Content: "功能建议：希望增加或改进的功能"},
		},
		Tail: "也可以直接回复数字 1-5。",
	}
}

func summaryMenu(description string, severity string) *wechattest.Menu {
	return &wechattest.Menu{
		Head: "请核对报修信息：\n问题描述：" + description + "\n严重程度：" + severity + "\n单位：" + intakeUnit +
			"\n联系人：" + nameText + "\n电话：" + phoneNorm + "\n房间号：" + roomText,
		Items: []wechattest.MenuItem{{ID: "confirm", Content: "确认提交"}, {ID: "edit", Content: "修改"}, {ID: "cancel", Content: "取消"}},
		Tail:  "也可以回复数字 1-3。",
	}
}

// intakeOptions choose the variant of the app under test.
type intakeOptions struct {
	safe        bool                     // safe mode: AES-encrypted callbacks and replies
	replyBudget time.Duration            // 0: the adapter's default (3s)
	embedded    bool                     // embedded SQLite and in-process Redis instead of the real servers
	policy      string                   // extra policy YAML after intakePolicy (staff)
	telegram    *telegramtest.FakeBotAPI // set: the staff bot runs against it, in webhook mode
}

// harness is Hotline as a customer's WeChat meets it: its HTTP server, the
// fake WeChat API it pushes to, its stores, and the clock.
type harness struct {
	t      testing.TB
	app    *app
	srv    *httptest.Server
	fake   *wechattest.FakeAPI
	rec    *store.Records
	rdb    *redisstore.Redis
	keys   redisstore.Keys
	aesKey string

	mu     sync.Mutex
	now    time.Time
	msgID  int64
	pushes map[string]int // pushes to each openid already read by the test
}

func newHarness(t testing.TB, opt intakeOptions) *harness {
	t.Helper()
	ctx := context.Background()
	h := &harness{t: t, now: reportedAt, msgID: 1_000_000, pushes: map[string]int{}}
	if opt.safe {
		h.aesKey = intakeAESKey
	}
	h.fake = wechattest.NewFakeAPI(intakeAppID, intakeSecret)
	t.Cleanup(h.fake.Close)
	t.Cleanup(func() { // newApp set the library's globals
		util.SetURIModifier(nil)
		util.DefaultHTTPClient = http.DefaultClient
	})
	h.openStores(opt.embedded)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	settings, err := policyfile.Parse([]byte(intakePolicy+opt.policy), "", shanghai, log)
	if err != nil {
		t.Fatal(err)
	}
	b := &backends{rec: h.rec, redis: h.rdb}
	if err := syncPolicy(ctx, b, settings.Policy, h.clock()); err != nil { // as serve does
		t.Fatal(err)
	}
	cfg := &Config{Location: shanghai, WeChat: WeChatConfig{AppID: intakeAppID, AppSecret: intakeSecret,
		Token: intakeToken, AESKey: h.aesKey, APIBase: h.fake.URL}}
	appOpt := appOptions{clock: h.clock, keys: h.keys, replyBudget: opt.replyBudget}
	if opt.telegram != nil {
		cfg.Telegram = TelegramConfig{Token: telegramtest.Token, APIEndpoint: opt.telegram.Endpoint(),
			WebhookURL: "https://hotline.example/telegram", WebhookSecret: staffWebhookSecret}
		appOpt.telegram = fastTelegram
	}
	h.app, err = newApp(cfg, settings, b, log, appOpt)
	if err != nil {
		t.Fatal(err)
	}
	h.srv = httptest.NewServer(h.app.mux)
	t.Cleanup(func() {
		h.srv.Close()
		h.drain()
		if t.Failed() {
			t.Logf("hotline's warnings:\n%s", logs.String())
		}
	})
	return h
}

// openStores opens the real servers (a fresh schema, a fresh key prefix)
// or the embedded ones, migrated.
func (h *harness) openStores(embedded bool) {
	t, ctx := h.t, context.Background()
	var db *store.DB
	var err error
	if embedded {
		if db, err = store.OpenEmbedded(ctx, t.TempDir()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if h.rdb, err = redisstore.OpenEmbedded(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.rdb.Close() })
		h.keys = redisstore.DefaultKeys
	} else {
		if db, err = store.OpenPostgres(ctx, storetest.PostgresSchemaURL(t)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		h.rdb, h.keys = storetest.Redis(t)
	}
	if err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	h.rec = store.NewRecords(db)
}

// syncBuffer collects hotline's log lines from any goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *harness) advance(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now = h.now.Add(d)
}

// lastKey is the dedupe key of openID's last message (bot.Inbound.Key).
func (h *harness) lastKey(openID string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return fmt.Sprintf("msg:%s:%d", openID, h.msgID)
}

func (h *harness) nextMsgID() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.msgID++
	return h.msgID
}

// drain waits for pushes still under way.
func (h *harness) drain() {
	ctx, cancel := context.WithTimeout(context.Background(), pushWait)
	defer cancel()
	h.app.drain(ctx)
}

// text is a text message from openID, sent now, with a new MsgId.
func (h *harness) text(openID, s string) []byte {
	return wechattest.TextMessage(intakeAccount, openID, s, h.nextMsgID(), h.clock())
}

// tap is a tap on a msgmenu option.
func (h *harness) tap(openID string, it wechattest.MenuItem) []byte {
	return wechattest.MenuTapMessage(intakeAccount, openID, it.Content, it.ID, h.nextMsgID(), h.clock())
}

func (h *harness) event(openID, event, key string) []byte {
	return wechattest.EventMessage(intakeAccount, openID, event, key, h.clock())
}

// post sends body as WeChat would, signed with token, and returns the
// status and the raw answer.
func (h *harness) post(token string, body []byte) (int, []byte) {
	h.t.Helper()
	req := wechattest.SignedRequest(h.srv.URL+"/wechat", token, h.aesKey, intakeAppID, body, h.clock())
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("read answer: %v", err)
	}
	return resp.StatusCode, raw
}

// answer is what the customer got back for one message: a passive reply in
// the HTTP answer, or `success` and a customer-service push.
type answer struct {
	passive bool
	text    string             // the passive reply's content, or a pushed text
	push    wechattest.Message // when pushed
}

// says sends body from openID and returns the answer, waiting for the
// push when the HTTP answer is `success`.
func (h *harness) says(openID string, body []byte) answer {
	h.t.Helper()
	code, raw := h.post(intakeToken, body)
	if code != http.StatusOK {
		h.t.Fatalf("status %d: %s", code, raw)
	}
	if string(raw) == "success" {
		m := h.nextPush(openID)
		return answer{text: m.Text, push: m}
	}
	return answer{passive: true, text: h.passiveText(openID, raw)}
}

// passiveText decrypts (in safe mode) and reads a passive text reply.
func (h *harness) passiveText(openID string, raw []byte) string {
	h.t.Helper()
	if h.aesKey != "" {
		var err error
		if raw, err = wechattest.DecryptReply(intakeToken, h.aesKey, intakeAppID, raw); err != nil {
			h.t.Fatalf("encrypted reply: %v", err)
		}
	}
	p, err := wechattest.ParsePassive(raw)
	if err != nil {
		h.t.Fatal(err)
	}
	want := wechattest.Passive{ToUserName: openID, FromUserName: intakeAccount, CreateTime: h.clock().Unix(), MsgType: "text", Content: p.Content}
	if diff := cmp.Diff(want, p); diff != "" {
		h.t.Fatalf("passive reply envelope (-want +got):\n%s", diff)
	}
	return p.Content
}

// nextPush waits for the next message pushed to openID.
func (h *harness) nextPush(openID string) wechattest.Message {
	h.t.Helper()
	h.mu.Lock()
	n := h.pushes[openID] + 1
	h.pushes[openID] = n
	h.mu.Unlock()
	got, err := h.fake.Wait(n, pushWait, wechattest.To(openID))
	if err != nil {
		h.t.Fatalf("push to %s: %v", openID, err)
	}
	return got[n-1]
}

// noMorePushes checks, once background work is done, that nothing was
// pushed to openID beyond what the test has read.
func (h *harness) noMorePushes(openID string) {
	h.t.Helper()
	h.drain()
	got, _ := h.fake.Wait(0, 0, wechattest.To(openID))
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(got) != h.pushes[openID] {
		h.t.Errorf("%d pushes to %s, the test read %d: %+v", len(got), openID, h.pushes[openID], got[h.pushes[openID]:])
	}
}

// step is one message of a dialogue and the answer it must get.
type step struct {
	says    func(h *harness, openID string) []byte
	passive bool              // answered in the HTTP response (else pushed)
	text    string            // the reply's text; for a menu, ignored
	menu    *wechattest.Menu  // a pushed msgmenu
	check   func(text string) // for replies only known at run time
}

func saying(s string) func(*harness, string) []byte {
	return func(h *harness, openID string) []byte { return h.text(openID, s) }
}

func tapping(it wechattest.MenuItem) func(*harness, string) []byte {
	return func(h *harness, openID string) []byte { return h.tap(openID, it) }
}

// converse sends each step's message from openID and checks its answer.
// With pushOnly (a reply budget too short for any passive reply) every
// answer is expected as a push.
func (h *harness) converse(openID string, pushOnly bool, steps []step) []answer {
	h.t.Helper()
	var out []answer
	for i, s := range steps {
		a := h.says(openID, s.says(h, openID))
		out = append(out, a)
		if want := s.passive && !pushOnly; a.passive != want {
			h.t.Fatalf("step %d: passive reply %v, want %v (answer %q)", i+1, a.passive, want, a.text)
		}
		switch {
		case s.menu != nil:
			want := wechattest.Message{Kind: wechattest.KindCustom, To: openID, MsgType: "msgmenu", Menu: s.menu}
			got := a.push
			got.AccessToken = ""
			if diff := cmp.Diff(want, got); diff != "" {
				h.t.Fatalf("step %d: menu (-want +got):\n%s", i+1, diff)
			}
		case s.check != nil:
			s.check(a.text)
		case a.text != s.text:
			h.t.Fatalf("step %d: reply %q, want %q", i+1, a.text, s.text)
		}
	}
	return out
}

// reportSteps is a new customer's whole report up to the summary: the
// severity is tapped in the menu, the rest typed.
func reportSteps() []step {
	return []step{
		{says: saying(faultText), menu: severityMenu()},
		{says: tapping(severityMenu().Items[1]), passive: true, text: askUnitText},
		{says: saying(intakeUnit), passive: true, text: askNameText},
		{says: saying(nameText), passive: true, text: askPhoneText},
		{says: saying(phoneText), passive: true, text: askRoomText},
		{says: saying(roomText), menu: summaryMenu(faultText, "2 严重问题")},
	}
}

var ticketNumber = regexp.MustCompile(`工单号 #(\d+)`)

// reportFault takes openID through a whole report and 确认, and returns
// the ticket number the reply names.
func (h *harness) reportFault(openID string) int64 {
	h.t.Helper()
	h.converse(openID, false, reportSteps())
	a := h.says(openID, h.text(openID, "确认"))
	if !a.passive {
		h.t.Fatalf("the ticket reply was pushed: %q", a.text)
	}
	return h.checkOpened(a.text)
}

// checkOpened checks the ticket-opened reply word for word and returns the
// ticket number it names.
func (h *harness) checkOpened(text string) int64 {
	h.t.Helper()
	m := ticketNumber.FindStringSubmatch(text)
	if m == nil {
		h.t.Fatalf("no ticket number in %q", text)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	if text != openedText(id) {
		h.t.Fatalf("ticket reply:\n%s\nwant:\n%s", text, openedText(id))
	}
	for _, want := range []string{"严重问题", wantCommitment, "工程师会尽快与您联系"} {
		if !strings.Contains(text, want) {
			h.t.Errorf("ticket reply lacks %q", want)
		}
	}
	return id
}

// ticketRow is what the test checks of a ticket row.
type ticketRow struct {
	OpenedBy, Unit, Contact, Phone, Room, Description, Plan string
	Severity                                                int
	Status                                                  bot.Status
	Paid                                                    bool
	ReportedAt, ResponseDue, ResolutionDue                  time.Time
}

func (h *harness) ticketRow(id int64) ticketRow {
	h.t.Helper()
	tk, err := h.rec.Tickets.Ticket(context.Background(), id)
	if err != nil {
		h.t.Fatalf("ticket %d: %v", id, err)
	}
	row := ticketRow{OpenedBy: tk.OpenedBy, Unit: tk.UnitName, Contact: tk.ContactName, Phone: tk.Phone, Room: tk.Room,
		Description: tk.Description, Plan: tk.Plan, Severity: tk.Severity, Status: tk.Status, Paid: tk.PaidService,
		ReportedAt: tk.ReportedAt.UTC(), ResponseDue: tk.ResponseDue.UTC()}
	if tk.ResolutionDue != nil {
		row.ResolutionDue = tk.ResolutionDue.UTC()
	}
	return row
}

// wantTicket is the row of the report of reportSteps, opened at reportedAt.
func wantTicket(openedBy string) ticketRow {
	return ticketRow{OpenedBy: openedBy, Unit: intakeUnit, Contact: nameText, Phone: phoneNorm, Room: roomText,
		Description: faultText, Plan: "5x9", Severity: 2, Status: bot.StatusOpen,
		ReportedAt: reportedAt.UTC(), ResponseDue: wantResponseDue.UTC(), ResolutionDue: wantResolutionDue.UTC()}
}

// eventRow is what the test checks of a ticket event.
type eventRow struct{ ActorKind, Actor, Kind, Body, MsgKey string }

// customerEvents is the part of a ticket's service log that records what
// the customer did; the desk's own entries (assignment, queueing) are
// other features' business.
func (h *harness) customerEvents(id int64) []eventRow {
	h.t.Helper()
	var out []eventRow
	for _, e := range h.events(id) {
		if e.ActorKind == bot.ActorCustomer {
			out = append(out, e)
		}
	}
	return out
}

func (h *harness) events(id int64) []eventRow {
	h.t.Helper()
	es, err := h.rec.Tickets.Events(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []eventRow
	for _, e := range es {
		r := eventRow{ActorKind: e.ActorKind, Actor: e.Actor, Kind: e.Kind, Body: e.Body}
		if e.MsgKey != nil {
			r.MsgKey = *e.MsgKey
		}
		out = append(out, r)
	}
	return out
}

// count counts the rows of a table.
func (h *harness) count(table string) int {
	h.t.Helper()
	var n int
	if err := h.rec.DB.GetContext(context.Background(), &n, "SELECT count(*) FROM "+table); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// redisKeys lists the keys under the test's prefix.
func (h *harness) redisKeys() []string {
	h.t.Helper()
	keys, err := h.rdb.Keys(context.Background(), h.keys.Prefix+"*").Result()
	if err != nil {
		h.t.Fatal(err)
	}
	return keys
}

// checkWholeReport runs a new customer's report and checks the ticket row,
// its first event and the customer's record.
func checkWholeReport(t *testing.T, h *harness) {
	const openID = "oCustomer-whole"
	id := h.reportFault(openID)
	confirmKey := h.lastKey(openID)

	if diff := cmp.Diff(wantTicket(confirmKey), h.ticketRow(id)); diff != "" {
		t.Errorf("ticket row (-want +got):\n%s", diff)
	}
	wantEvents := []eventRow{{ActorKind: "customer", Actor: openID, Kind: "opened", Body: faultText}}
	if diff := cmp.Diff(wantEvents, h.customerEvents(id)); diff != "" {
		t.Errorf("customer's ticket events (-want +got):\n%s", diff)
	}
	if evs := h.events(id); len(evs) == 0 || evs[0].Kind != bot.EventOpened {
		t.Errorf("the service log %+v does not start with the opened event", evs)
	}
	c, err := h.rec.Customers.Customer(context.Background(), "wechat", openID)
	if err != nil {
		t.Fatal(err)
	}
	if c.UnitName != intakeUnit || c.Name != nameText || c.Phone != phoneNorm || c.Room != roomText || !c.Subscribed {
		t.Errorf("customer record %+v", c)
	}
	if n := h.count("tickets"); n != 1 {
		t.Errorf("%d tickets, want 1", n)
	}
	h.noMorePushes(openID)
}

func TestIntakeWholeReportPlain(t *testing.T) {
	checkWholeReport(t, newHarness(t, intakeOptions{}))
}

func TestIntakeWholeReportSafeMode(t *testing.T) {
	checkWholeReport(t, newHarness(t, intakeOptions{safe: true}))
}

func TestIntakeWholeReportEmbeddedStores(t *testing.T) {
	checkWholeReport(t, newHarness(t, intakeOptions{embedded: true}))
}

// TestIntakeRetriedConfirmation sends three copies of the 确认 at once, as
// WeChat does when the first is slow. The first copy opens the ticket; the
// others wait for its replies (redisstore.Sessions.Replies), so all three answer
// the same passive reply and nothing is pushed.
func TestIntakeRetriedConfirmation(t *testing.T) {
	h := newHarness(t, intakeOptions{})
	const openID = "oCustomer-retry"
	h.converse(openID, false, reportSteps())
	confirm := h.text(openID, "确认")

	var wg sync.WaitGroup
	start := make(chan struct{})
	codes := make([]int, 3)
	bodies := make([][]byte, 3)
	for i := range 3 {
		req := wechattest.SignedRequest(h.srv.URL+"/wechat", intakeToken, "", intakeAppID, confirm, h.clock())
		wg.Go(func() {
			<-start
			resp, err := h.srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			codes[i] = resp.StatusCode
			bodies[i], _ = io.ReadAll(resp.Body)
		})
	}
	close(start)
	wg.Wait()

	for i := range 3 {
		if codes[i] != http.StatusOK {
			t.Fatalf("copy %d: status %d %q", i+1, codes[i], bodies[i])
		}
		if !bytes.Equal(bodies[i], bodies[0]) {
			t.Errorf("copy %d answered %q, copy 1 %q", i+1, bodies[i], bodies[0])
		}
	}
	id := h.checkOpened(h.passiveText(openID, bodies[0]))
	if n := h.count("tickets"); n != 1 {
		t.Errorf("%d tickets, want 1", n)
	}
	if evs := h.customerEvents(id); len(evs) != 1 || evs[0].Kind != bot.EventOpened {
		t.Errorf("customer's ticket events %+v, want one opened", evs)
	}
	h.noMorePushes(openID)
}

// nothingStored checks that a refused or unreadable callback left no trace.
func nothingStored(t *testing.T, h *harness) {
	t.Helper()
	h.drain()
	for _, table := range []string{"customers", "tickets", "inbound_backlog"} {
		if n := h.count(table); n != 0 {
			t.Errorf("%d rows in %s", n, table)
		}
	}
	if keys := h.redisKeys(); len(keys) != 0 {
		t.Errorf("redis keys written: %v", keys)
	}
	if n := h.fake.Count(); n != 0 {
		t.Errorf("%d pushes", n)
	}
}

func TestIntakeBadSignatureRefused(t *testing.T) {
	for _, safe := range []bool{false, true} {
		t.Run(fmt.Sprintf("safe=%v", safe), func(t *testing.T) {
			h := newHarness(t, intakeOptions{safe: safe})
			code, _ := h.post("not-the-token", h.text("oCustomer-forger", faultText))
			if code != http.StatusForbidden {
				t.Errorf("status %d, want 403", code)
			}
			nothingStored(t, h)
		})
	}
}

func TestIntakeBodyTooLarge(t *testing.T) {
	h := newHarness(t, intakeOptions{})
	body := h.text("oCustomer-big", strings.Repeat("x", 100<<10))
	if code, raw := h.post(intakeToken, body); code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d %q, want 413", code, raw)
	}
	nothingStored(t, h)
}

func TestIntakeGarbageAnsweredSuccess(t *testing.T) {
	bodies := map[string][]byte{
		"not XML":       []byte("not xml at all {"),
		"unclosed":      []byte("<xml><ToUserName><![CDATA[gh_hotline]]></ToUserName><Content>"),
		"no CreateTime": []byte("<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>yesterday</CreateTime><MsgType>text</MsgType><Content>坏了</Content><MsgId>1</MsgId></xml>"),
		"not a message": []byte("<xml><Content>hi</Content></xml>"),
	}
	for _, safe := range []bool{false, true} {
		for name, body := range bodies {
			t.Run(fmt.Sprintf("safe=%v/%s", safe, name), func(t *testing.T) {
				h := newHarness(t, intakeOptions{safe: safe})
				code, raw := h.post(intakeToken, body)
				if code != http.StatusOK || string(raw) != "success" {
					t.Errorf("got %d %q, want 200 success", code, raw)
				}
				nothingStored(t, h)
			})
		}
	}
}

// TestIntakeSlowAnswerIsPushed: when the bot's answer misses the reply
// budget, WeChat gets `success` at once and the reply follows as a
// customer-service message. The budget is 1ns (any positive budget under
// 5s is valid, adapters/wechat/config.go), so no answer is ever in time.
func TestIntakeSlowAnswerIsPushed(t *testing.T) {
	h := newHarness(t, intakeOptions{replyBudget: time.Nanosecond})
	const openID = "oCustomer-slow"
	answers := h.converse(openID, true, reportSteps()[:2])
	want := wechattest.Message{Kind: wechattest.KindCustom, AccessToken: "fake-token-1", To: openID, MsgType: "text", Text: askUnitText}
	if diff := cmp.Diff(want, answers[1].push); diff != "" {
		t.Errorf("pushed reply (-want +got):\n%s", diff)
	}
	h.noMorePushes(openID)
}

// TestIntakeWindowClosedFallsBackToTemplate: the ticket-opened reply is
// pushed (reply budget too short), WeChat refuses it with 45015, and it goes
// out as the configured ticket template, with a client_msg_id.
func TestIntakeWindowClosedFallsBackToTemplate(t *testing.T) {
	h := newHarness(t, intakeOptions{replyBudget: time.Nanosecond})
	const openID = "oCustomer-window"
	h.converse(openID, true, reportSteps())
	h.fake.FailCustomTo(openID, 45015)

	code, raw := h.post(intakeToken, h.text(openID, "确认"))
	if code != http.StatusOK || string(raw) != "success" {
		t.Fatalf("got %d %q, want 200 success", code, raw)
	}
	refused := h.nextPush(openID)
	if refused.Kind != wechattest.KindCustom || refused.ErrCode != 45015 {
		t.Fatalf("first push %+v, want the refused customer-service message", refused)
	}
	id := h.checkOpened(refused.Text)
	tpl := h.nextPush(openID)
	want := wechattest.Message{Kind: wechattest.KindTemplate, AccessToken: "fake-token-1", To: openID, MsgType: "template",
		TemplateID: "tpl-ticket", ClientMsgID: fmt.Sprintf("ticket-%d-已受理", id),
		Data: map[string]string{
			"character_string1": fmt.Sprintf("#%d", id),
			"phrase2":           "已受理",
			"time3":             "2026-03-16 11:00", // the response due, in Shanghai
			"thing4":            faultText,          // 17 characters: under WeChat's 20
		}}
	if diff := cmp.Diff(want, tpl); diff != "" {
		t.Errorf("template message (-want +got):\n%s", diff)
	}
	h.noMorePushes(openID)
}

// TestIntakeReturningCustomer: a customer who reported before is asked
// once whether the details on file still hold, and 是 goes straight to the
// summary — while the session lasts, and after it expired from Redis, when
// the details come from the database.
func TestIntakeReturningCustomer(t *testing.T) {
	for _, expired := range []bool{false, true} {
		t.Run(fmt.Sprintf("session expired=%v", expired), func(t *testing.T) {
			h := newHarness(t, intakeOptions{})
			const openID = "oCustomer-returning"
			first := h.reportFault(openID)
			h.advance(2 * time.Hour)
			if expired {
				// Past SessionTTL (7 days) Redis has dropped the session.
				h.advance(8 * 24 * time.Hour)
				if err := h.rdb.Del(context.Background(), h.keys.Session("wechat", openID)).Err(); err != nil {
					t.Fatal(err)
				}
			}
			profile := &wechattest.Menu{
				Head:  "还是" + intakeUnit + "的" + nameText + "（138****8000，房间号 302）吗？",
				Items: []wechattest.MenuItem{{ID: "yes", Content: "是"}, {ID: "no", Content: "否"}},
			}
			const second = "扫描仪也无法使用"
			answers := h.converse(openID, false, []step{
				{says: saying("报修"), passive: true, text: askDescText},
				{says: saying(second), menu: severityMenu()},
				{says: tapping(severityMenu().Items[1]), menu: profile},
				{says: tapping(profile.Items[0]), menu: summaryMenu(second, "2 严重问题")},
			})
			for i, a := range answers {
				for _, asked := range []string{askUnitText, askNameText, askPhoneText, askRoomText} {
					if strings.Contains(a.text, asked) || (a.push.Menu != nil && strings.Contains(a.push.Menu.Head, asked)) {
						t.Errorf("answer %d asks again %q", i+1, asked)
					}
				}
			}
			a := h.says(openID, h.text(openID, "确认"))
			id, _ := strconv.ParseInt(ticketNumber.FindStringSubmatch(a.text)[1], 10, 64)
			if id == first {
				t.Fatalf("the second report reused ticket #%d", id)
			}
			got := h.ticketRow(id)
			if got.Unit != intakeUnit || got.Contact != nameText || got.Phone != phoneNorm || got.Room != roomText || got.Description != second {
				t.Errorf("second ticket %+v", got)
			}
			h.noMorePushes(openID)
		})
	}
}

// TestIntakeQueryAndFollowUp: 查询 lists the open ticket, and what the
// customer sends next is added to the ticket's service log.
func TestIntakeQueryAndFollowUp(t *testing.T) {
	h := newHarness(t, intakeOptions{})
	const openID = "oCustomer-query"
	id := h.reportFault(openID)
	confirmKey := h.lastKey(openID)
	h.advance(10 * time.Minute)

	list := h.says(openID, h.text(openID, "查询"))
	wantList := fmt.Sprintf("您有 1 张处理中的工单：\n\n#%d 严重问题｜待处理\n%s\n响应时限：3月16日（周一）11:00\n解决时限：3月17日（周二）18:00", id, faultText)
	if !list.passive || list.text != wantList {
		t.Errorf("查询 answered (passive %v):\n%s\nwant:\n%s", list.passive, list.text, wantList)
	}

	const more = "又试了一次，还是不行，打印时提示脱机"
	relayed := h.says(openID, h.text(openID, more))
	if want := fmt.Sprintf("已转达给处理您工单 #%d 的工程师。报修新问题请回复「报修」。", id); !relayed.passive || relayed.text != want {
		t.Errorf("follow-up answered %q, want %q", relayed.text, want)
	}
	wantEvents := []eventRow{
		{ActorKind: "customer", Actor: openID, Kind: "opened", Body: faultText},
		{ActorKind: "customer", Actor: openID, Kind: "message", Body: more, MsgKey: h.lastKey(openID)},
	}
	if diff := cmp.Diff(wantEvents, h.customerEvents(id)); diff != "" {
		t.Errorf("customer's ticket events (-want +got):\n%s", diff)
	}
	if got := h.ticketRow(id); got != wantTicket(confirmKey) {
		t.Errorf("the follow-up changed the ticket: %+v", got)
	}
	h.noMorePushes(openID)
}

func TestIntakeSubscribeAndUnsubscribe(t *testing.T) {
	h := newHarness(t, intakeOptions{})
	const openID = "oCustomer-follower"

	welcome := h.says(openID, h.event(openID, "subscribe", ""))
	if !welcome.passive || welcome.text != conversation.WelcomeText() {
		t.Errorf("subscribe answered %q (passive %v), want the welcome text", welcome.text, welcome.passive)
	}

	h.advance(time.Minute)
	code, raw := h.post(intakeToken, h.event(openID, "unsubscribe", ""))
	if code != http.StatusOK || string(raw) != "success" {
		t.Fatalf("unsubscribe answered %d %q", code, raw)
	}
	c, err := h.rec.Customers.Customer(context.Background(), "wechat", openID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subscribed {
		t.Error("customers.subscribed is still true after unsubscribe")
	}
	h.noMorePushes(openID)
}

// The benchmarks run the intake's hot paths in one process, over loopback
// HTTP against the real stores, so a CPU profile shows where hotline's time
// goes (the profile also holds the client side and the fake WeChat API,
// which are easy to tell apart: net/http.(*Transport), wechattest):
//
//	go test -run '^$' -bench IntakeSteps -benchtime 20000x -cpuprofile steps.prof ./cmd/hotline/
//	go tool pprof -top steps.prof
//
// 25 goroutines per CPU stand for the load command's 50 connections on
// two CPUs.

// BenchmarkIntakeSteps: each goroutine walks customers of its own through
// the report dialogue and 取消, round and round, as phase (b) of
// cmd/hotline-load does.
func BenchmarkIntakeSteps(b *testing.B) {
	h := newHarness(b, intakeOptions{})
	client := benchClient(h)
	steps := append(reportSteps(), step{says: saying("取消"), passive: true, text: "已取消本次报修。需要时直接发送问题描述即可重新报修。"})
	var customers atomic.Int64
	b.SetParallelism(25)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		openID := fmt.Sprintf("oBench-%d", customers.Add(1))
		for i := 0; pb.Next(); i++ {
			s := steps[i%len(steps)]
			if err := h.benchPost(client, s.says(h, openID), s.passive); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkIntakeOpenTicket: each of b.N customers, whose session sits at
// the summary, sends 确认 and opens a ticket, as phase (c) of the load
// command does. The sessions are written straight to Redis beforehand
// (not timed), so that a profile shows the opening alone.
func BenchmarkIntakeOpenTicket(b *testing.B) {
	h := newHarness(b, intakeOptions{})
	client := benchClient(h)
	sessions := redisstore.NewSessions(h.rdb, h.keys)
	openIDs := make(chan string, b.N)
	for i := range b.N {
		openID := fmt.Sprintf("oBench-%d", i)
		s := conversation.Session{State: conversation.StateSummary, UpdatedAt: h.clock(), Draft: &conversation.Draft{
			Description: faultText, Severity: 2, Unit: intakeUnit, Name: nameText, Phone: phoneNorm, Room: roomText,
			StartedAt: h.clock()}}
		if err := sessions.SaveSession(context.Background(), "wechat", openID, s); err != nil {
			b.Fatal(err)
		}
		openIDs <- openID
	}
	close(openIDs)
	b.SetParallelism(25)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := h.benchPost(client, h.text(<-openIDs, "确认"), true); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if n := h.count("tickets"); n != b.N && !b.Failed() {
		b.Fatalf("%d tickets, want %d", n, b.N)
	}
}

func benchClient(h *harness) *http.Client {
	tr := h.srv.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 100
	return &http.Client{Transport: tr}
}

// benchPost sends one message and checks only the kind of answer, cheaply.
// It runs on the benchmark's own goroutines, so it returns its failure.
func (h *harness) benchPost(client *http.Client, body []byte, passive bool) error {
	req := wechattest.SignedRequest(h.srv.URL+"/wechat", intakeToken, "", intakeAppID, body, h.clock())
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || (string(raw) == "success") == passive {
		return fmt.Errorf("answer %d %q, want passive=%v", resp.StatusCode, raw, passive)
	}
	return nil
}
