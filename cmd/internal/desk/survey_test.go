package desk_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/reportfile"
	"github.com/hotline-desk/hotline/adapters/reportpage"
	"github.com/hotline-desk/hotline/adapters/surveypage"
	"github.com/hotline-desk/hotline/adapters/telegram"
	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/adapters/wechat"
	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/cmd/internal/desk"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/redisstore"
	"github.com/hotline-desk/hotline/store/reportstore"
	"github.com/hotline-desk/hotline/store/storetest"
)

// surveyFixture is a desk with everything surveys use: real PostgreSQL and
// Redis, the real WeChat messenger against the fake WeChat API, the real
// Telegram adapter against the fake Bot API, the survey page, and a clock
// the test moves (read from several goroutines, so behind a lock).
type surveyFixture struct {
	t            *testing.T
	desk         *desk.Desk
	rec          *store.Records
	rdb          *redisstore.Redis
	keys         redisstore.Keys
	sessions     *redisstore.Sessions
	states       *redisstore.StaffStates
	pending      *redisstore.PendingSurveys
	messenger    *wechat.Messenger
	policy       *policy.Policy
	wx           *wechattest.FakeAPI
	tg           *telegramtest.FakeBotAPI
	signer       *surveypage.Signer
	reportSigner *reportpage.Signer
	staffBot     *telegram.Bot
	page         *httptest.Server
	seq          atomic.Int64

	mu sync.Mutex
	at time.Time
}

const surveyPolicy = `
units:
  - name: 市中心医院
    plan: 7x12
surveys:
  send_rate: 200
`

func newSurveyFixture(t *testing.T, policyYAML string) *surveyFixture {
	t.Helper()
	f := &surveyFixture{t: t, rec: storetest.Postgres(t), at: time.Date(2026, 12, 2, 9, 0, 0, 0, shanghai)}
	rdb, keys := storetest.Redis(t)
	f.rdb, f.keys = rdb, keys
	f.sessions, f.states, f.pending = redisstore.NewSessions(rdb, keys), redisstore.NewStaffStates(rdb, keys), redisstore.NewPendingSurveys(rdb, keys)
	policy, err := parsePolicy([]byte(policyYAML), "", shanghai, quiet())
	if err != nil {
		t.Fatal(err)
	}
	f.policy = policy
	ctx := context.Background()
	if err := f.rec.Units.SyncUnits(ctx, policy.Units, f.now()); err != nil {
		t.Fatal(err)
	}
	f.wx = wechattest.NewFakeAPI("wx-app", "wx-secret")
	t.Cleanup(f.wx.Close)
	messenger, err := wechat.NewMessenger(wechat.Config{AppID: "wx-app", AppSecret: "wx-secret", Token: "tok", APIBase: f.wx.URL,
		Logger: quiet(), Templates: map[string]wechat.TemplateConfig{
			"survey": {ID: "tpl-survey", Fields: map[string]string{"title": "thing1", "ticket": "character_string2", "time": "time3", "note": "thing4"}},
			"ticket": {ID: "tpl-ticket", Fields: map[string]string{"ticket": "character_string1", "status": "phrase2"}},
			"report": {ID: "tpl-report", Fields: map[string]string{"title": "thing1", "unit": "thing2", "time": "time3", "note": "thing4"}},
			"upkeep": {ID: "tpl-upkeep", Fields: map[string]string{"title": "thing1", "unit": "thing2", "time": "time3", "note": "thing4"}},
		}}, redisstore.NewTokenCache(rdb, keys))
	if err != nil {
		t.Fatal(err)
	}
	f.messenger = messenger
	staffChat := f.startTelegram()
	f.staffBot = staffChat
	mux := http.NewServeMux()
	f.page = httptest.NewServer(mux)
	t.Cleanup(f.page.Close)
	f.signer = surveypage.NewSigner([]byte("a test secret of at least thirty-two characters"), f.page.URL)
	rec := f.rec
	f.reportSigner = reportpage.NewSigner([]byte("a test secret of at least thirty-two characters"), f.page.URL)
	f.desk = desk.New(desk.Deps{Clock: f.now, Policy: policy, Tickets: rec.Tickets, Customers: rec.Customers, Units: rec.Units,
		Sessions: f.sessions, Backlog: rec.Backlog, Staff: rec.Staff, States: f.states, Jobs: rec.Jobs,
		StaffChat: staffChat, Answerer: staffChat, Customer: messenger, Log: quiet(),
		Surveys: desk.SurveyStores{Store: rec.Surveys, Rounds: rec.Rounds, Revisits: rec.Revisits, Stats: rec.Stats, Pending: f.pending,
			Links: f.signer, Pacer: redisstore.NewPacer(rdb, keys, policy.Surveys.SendRate)},
		Reports: desk.ReportDeps{Store: reportstore.New(rec.DB), Files: reportfile.Workbook{}, Links: f.reportSigner, Documents: staffChat}})
	page := surveypage.New(surveypage.Config{Book: f.desk.Surveys.Page, Signer: f.signer, Location: shanghai, Now: f.now, Log: quiet()})
	mux.Handle("GET /survey/{token}", page) // as cmd/hotline mounts it
	mux.Handle("POST /survey/{token}", page)
	mux.Handle("GET /report/{token}", reportpage.New(reportpage.Config{Signer: f.reportSigner, Build: f.desk.Reports.Monthly, Now: f.now, Log: quiet()}))
	return f
}

// startTelegram runs the real staff bot's outbox against the fake Bot API.
func (f *surveyFixture) startTelegram() *telegram.Bot {
	f.tg = telegramtest.New(f.t)
	cfg := telegram.Config{Token: telegramtest.Token, APIEndpoint: f.tg.Endpoint(), HTTPTimeout: 2 * time.Second,
		GlobalRate: 1000, PerChatInterval: time.Millisecond, PollInterval: 20 * time.Millisecond,
		RetryBase: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond}
	nobody := telegram.HandlerFunc(func(context.Context, bot.StaffUpdate) error { return nil })
	out := f.rec.Outbox
	stores := telegram.Stores{Outbox: out, Deliveries: out, Messages: out, Updates: out}
	b, err := telegram.New(cfg, nobody, stores, quiet())
	if err != nil {
		f.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); b.RunOutbox(ctx) }()
	f.t.Cleanup(func() { cancel(); <-done })
	return b
}

func (f *surveyFixture) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.at
}

func (f *surveyFixture) setNow(at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.at = at
}

// advance moves the clock to at and runs whatever is due.
func (f *surveyFixture) advance(at time.Time) {
	f.t.Helper()
	f.setNow(at)
	for {
		n, err := f.desk.Engine.RunDue(context.Background())
		if err != nil {
			f.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// sayAs sends a text as the customer and returns the replies joined.
func (f *surveyFixture) sayAs(openID, text string) string {
	f.t.Helper()
	return f.sendAs(openID, bot.Inbound{Kind: bot.InboundText, Text: text})
}

// tapAs taps a menu choice as the customer.
func (f *surveyFixture) tapAs(openID, menuID, content string) string {
	f.t.Helper()
	return f.sendAs(openID, bot.Inbound{Kind: bot.InboundText, Text: content, MenuID: menuID})
}

func (f *surveyFixture) sendAs(openID string, in bot.Inbound) string {
	f.t.Helper()
	replies := f.replies(openID, in)
	var texts []string
	for _, r := range replies {
		texts = append(texts, r.Text)
	}
	return strings.Join(texts, "\n")
}

// replies sends as the customer and returns the passive replies.
func (f *surveyFixture) replies(openID string, in bot.Inbound) []bot.Reply {
	f.t.Helper()
	in.Channel, in.From = "wechat", openID
	in.Key = fmt.Sprintf("msg:%s:%d", openID, f.seq.Add(1))
	replies, err := f.desk.Intake.HandleInbound(context.Background(), in)
	if err != nil {
		f.t.Fatalf("%s says %q: %v", openID, in.Text, err)
	}
	return replies
}

// replyMenuID is the id of a choice in the menu of the last reply.
func replyMenuID(t *testing.T, replies []bot.Reply, content string) string {
	t.Helper()
	if len(replies) == 0 || replies[len(replies)-1].Menu == nil {
		t.Fatalf("the reply has no menu: %+v", replies)
	}
	for _, it := range replies[len(replies)-1].Menu.Items {
		if it.Content == content {
			return it.ID
		}
	}
	t.Fatalf("the menu has no %q: %+v", content, replies[len(replies)-1].Menu)
	return ""
}

func (f *surveyFixture) addStaff(number, roles string) int64 {
	f.t.Helper()
	tg := telegramOf(number)
	s := bot.Staff{Number: number, Name: "工" + number, RolesText: roles, TelegramUserID: &tg, Active: true, CreatedAt: f.now(), UpdatedAt: f.now()}
	if err := f.rec.Staff.AddStaff(context.Background(), &s); err != nil {
		f.t.Fatal(err)
	}
	return tg
}

func (f *surveyFixture) staff(tgUser int64, u bot.StaffUpdate) {
	f.t.Helper()
	u.UserID, u.ChatID = tgUser, tgUser
	if err := f.desk.Staff.HandleStaff(context.Background(), u); err != nil {
		f.t.Fatalf("staff %d: %v", tgUser, err)
	}
}

func (f *surveyFixture) staffText(tgUser int64, text string) {
	f.t.Helper()
	f.staff(tgUser, bot.StaffUpdate{Text: text})
}

func (f *surveyFixture) press(tgUser int64, data string) {
	f.t.Helper()
	f.staff(tgUser, bot.StaffUpdate{Callback: &bot.Callback{ID: "cb", Data: data}})
}

func (f *surveyFixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.rec.DB.GetContext(context.Background(), &n, query, args...); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// staffSaw waits until the staff chat got a message containing all of want.
func (f *surveyFixture) staffSaw(chat int64, want ...string) telegramtest.Call {
	f.t.Helper()
	var found telegramtest.Call
	f.tg.Wait(f.t, 10*time.Second, fmt.Sprintf("a message to %d with %q", chat, want), func() bool {
		for _, c := range f.tg.Sent() {
			if c.ChatID() == chat && containsAll(c.Text(), want) {
				found = c
				return true
			}
		}
		return false
	})
	return found
}

func containsAll(s string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// lastMenu is the latest tap-to-answer message the customer received.
func (f *surveyFixture) lastMenu(openID string) *wechattest.Menu {
	f.t.Helper()
	msgs := f.wx.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := msgs[i]; m.To == openID && m.Menu != nil && m.ErrCode == 0 {
			return m.Menu
		}
	}
	f.t.Fatalf("%s got no menu", openID)
	return nil
}

func menuID(m *wechattest.Menu, content string) string {
	for _, it := range m.Items {
		if it.Content == content {
			return it.ID
		}
	}
	return ""
}

// The whole story of one unhappy customer: the ticket is resolved and
// confirmed, the survey arrives in the chat, the customer rates 一般 and
// explains, quality staff are alerted with the ticket and its service log,
// a revisit task is open, and the revisit's result lands on the ticket.
func TestSurveyAfterTicketAlertsQuality(t *testing.T) {
	f := newSurveyFixture(t, surveyPolicy)
	eng := f.addStaff("001", "engineer")
	qa := f.addStaff("088", "quality")
	for _, text := range []string{"打印机不能用", "3", "市中心医院", "张三", "13800138000", "302", "确认"} {
		f.sayAs("o1", text)
	}
	f.press(eng, "ack:1")
	f.press(eng, "res:1")
	f.staffText(eng, "更换了打印机驱动")
	f.press(eng, "how:1:remote")
	f.setNow(f.now().Add(10 * time.Minute))
	if got := f.sayAs("o1", "1"); !strings.Contains(got, "已关闭") {
		t.Fatalf("confirmation answered %q", got)
	}

	f.advance(f.now())
	menu := f.lastMenu("o1")
	if !strings.Contains(menu.Head, "工单 #1 已处理完毕") || !strings.Contains(menu.Head, "您对本次服务满意吗") || len(menu.Items) != 4 {
		t.Fatalf("survey question: %+v", menu)
	}
	f.advance(f.now().Add(time.Minute))
	got := f.tapAs("o1", menuID(menu, "一般"), "一般")
	if !strings.Contains(got, "很抱歉这次没有让您满意") || !strings.Contains(got, "还有什么意见或建议吗") {
		t.Fatalf("after 一般: %q", got)
	}
	alert := f.staffSaw(qa, "满意度预警：工单 #1 客户评价「一般」", "回访任务 #1", "联系人：张三", "服务记录：", "更换了打印机驱动")
	if kb, err := alert.Keyboard(); err != nil || len(kb) != 1 || kb[0][0].CallbackData != "rv:1" {
		t.Fatalf("alert buttons %+v, %v", kb, err)
	}
	if n := f.count(`SELECT count(*) FROM revisit_tasks WHERE status = 'open' AND ticket_id = 1 AND rating = 3`); n != 1 {
		t.Fatalf("open revisit tasks = %d", n)
	}

	if got := f.sayAs("o1", "工程师第二天才来，耽误了工作"); !strings.Contains(got, "已收到您的意见") {
		t.Fatalf("after the comment: %q", got)
	}
	f.staffSaw(qa, "回访任务 #1（工单 #1）客户意见：工程师第二天才来")
	if n := f.count(`SELECT count(*) FROM revisit_tasks WHERE comment LIKE '%第二天才来%'`); n != 1 {
		t.Fatal("the comment is not on the revisit task")
	}
	if got := f.sayAs("o1", "网络又断了"); !strings.Contains(got, "严重程度") {
		t.Fatalf("after the survey a new message starts a report, got %q", got)
	}
	f.sayAs("o1", "取消")

	f.press(qa, "rv:1")
	f.staffText(qa, "已电话回访，客户接受道歉；安排工程师当天到场")
	f.staffSaw(qa, "回访任务 #1 已完成")
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE ticket_id = 1 AND kind = 'revisit' AND body LIKE '%接受道歉%'`); n != 1 {
		t.Fatal("the revisit's result is not in the service log")
	}
	var sv struct {
		Status string `db:"status"`
		Rating int    `db:"rating"`
		Via    string `db:"answered_via"`
	}
	if err := f.rec.DB.GetContext(context.Background(), &sv, `SELECT status, rating, answered_via FROM surveys WHERE ticket_id = 1`); err != nil || sv.Status != "answered" || sv.Rating != 3 || sv.Via != "chat" {
		t.Fatalf("survey row %+v, %v", sv, err)
	}
}

// Typed answers work too; a reminder goes once after a day; a survey
// answered after its expiry is thanked and not counted; TD stops surveys.
func TestSurveyReminderExpiryAndOptOut(t *testing.T) {
	f := newSurveyFixture(t, surveyPolicy)
	eng := f.addStaff("001", "engineer")
	report := func(openID, desc string) {
		for _, text := range []string{desc, "3", "市中心医院", "李四", "13900139000", "101", "确认"} {
			f.sayAs(openID, text)
		}
	}
	report("o2", "扫描仪坏了")
	f.press(eng, "ack:1")
	f.press(eng, "res:1")
	f.staffText(eng, "已修复")
	f.press(eng, "how:1:phone")
	f.sayAs("o2", "1")
	sent := f.now()
	f.advance(sent)
	first := f.lastMenu("o2")

	f.advance(sent.Add(24*time.Hour - time.Minute))
	if menu := f.lastMenu("o2"); menu.Head != first.Head {
		t.Fatal("reminded early")
	}
	f.advance(sent.Add(24 * time.Hour))
	reminder := f.lastMenu("o2")
	if !strings.Contains(reminder.Head, "还在等您回复") {
		t.Fatalf("reminder: %+v", reminder)
	}
	f.advance(sent.Add(48 * time.Hour))
	if n := f.count(`SELECT count(*) FROM jobs WHERE kind = 'survey_remind' AND outcome = 'sent'`); n != 1 {
		t.Fatalf("reminders sent = %d, want 1", n)
	}

	f.advance(sent.Add(7*24*time.Hour + time.Minute))
	if got := f.tapAs("o2", menuID(first, "满意"), "满意"); !strings.Contains(got, "调查已经结束") || !strings.Contains(got, "不再计入统计") {
		t.Fatalf("an answer after expiry: %q", got)
	}
	if n := f.count(`SELECT count(*) FROM surveys WHERE status = 'expired' AND rating IS NULL`); n != 1 {
		t.Fatal("the late answer was counted")
	}

	if got := f.sayAs("o2", "TD"); !strings.Contains(got, "已为您退订") {
		t.Fatalf("TD: %q", got)
	}
	report("o2", "显示器黑屏")
	f.press(eng, "ack:2")
	f.press(eng, "res:2")
	f.staffText(eng, "更换了电源线")
	f.press(eng, "how:2:onsite")
	f.sayAs("o2", "1")
	before := f.wx.Count()
	f.advance(f.now())
	if n := f.count(`SELECT count(*) FROM surveys WHERE ticket_id = 2`); n != 0 || f.wx.Count() != before {
		t.Fatalf("a customer who replied TD got a survey (%d rows)", n)
	}
}

// A ticket that closes itself gets its survey too; a typed digit answers.
func TestSurveyAfterAutoClose(t *testing.T) {
	f := newSurveyFixture(t, surveyPolicy)
	eng := f.addStaff("001", "engineer")
	for _, text := range []string{"打印机不能用", "3", "市中心医院", "张三", "13800138000", "302", "确认"} {
		f.sayAs("o3", text)
	}
	f.press(eng, "res:1")
	f.staffText(eng, "已修复")
	f.press(eng, "how:1:onsite")
	f.advance(f.now().Add(5 * 24 * time.Hour)) // 3 working days on 7x12, then the survey a minute later
	if n := f.count(`SELECT count(*) FROM tickets WHERE status = 'closed'`); n != 1 {
		t.Fatal("the ticket did not close itself")
	}
	msgs := f.wx.Messages()
	last := msgs[len(msgs)-1]
	if last.Kind != wechattest.KindTemplate || !strings.Contains(last.URL, "/survey/") || last.Data["character_string2"] != "#1" {
		t.Fatalf("five days later the survey goes as a template with the link: %+v", last)
	}
	f.setNow(f.now().Add(time.Hour))
	if got := f.sayAs("o3", "2"); strings.Contains(got, "感谢您的评价") {
		t.Fatalf("a typed 2 answered a survey the customer was not asked in the chat: %q", got)
	}
}
