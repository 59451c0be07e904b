package desk_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/cmd/internal/desk"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/redisstore"
	"github.com/hotline-desk/hotline/store/storetest"
)

// fixture is a desk on real PostgreSQL and Redis with a clock the test moves.
type fixture struct {
	t    *testing.T
	desk *desk.Desk
	rec  *store.Records
	rdb  *redisstore.Redis
	keys redisstore.Keys
	deps desk.Deps
	now  time.Time
	seq  atomic.Int64
}

const deskPolicy = `
units:
  - name: 市中心医院
    plan: 5x9
    service_start: 2025-01-01
    service_end: 2025-12-31
`

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, rec: storetest.Postgres(t), now: time.Date(2026, 3, 2, 9, 0, 0, 0, shanghai)}
	rdb, keys := storetest.Redis(t)
	f.rdb, f.keys = rdb, keys
	policy, err := parsePolicy([]byte(deskPolicy), "", shanghai, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.rec.Units.SyncUnits(context.Background(), policy.Units, f.now); err != nil {
		t.Fatal(err)
	}
	rec := f.rec
	f.deps = desk.Deps{Clock: func() time.Time { return f.now }, Policy: policy, Tickets: rec.Tickets,
		Customers: rec.Customers, Units: rec.Units, Sessions: redisstore.NewSessions(rdb, keys), Backlog: rec.Backlog,
		Staff: rec.Staff, States: redisstore.NewStaffStates(rdb, keys), Jobs: rec.Jobs, Log: quiet()}
	f.desk = desk.New(f.deps)
	return f
}

// reconnectRedis gives the desk a new Redis connection, as after an outage.
func (f *fixture) reconnectRedis() {
	f.t.Helper()
	rdb, err := redisstore.Open(context.Background(), storetest.RedisURL())
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { rdb.Close() })
	f.deps.Sessions, f.deps.States = redisstore.NewSessions(rdb, f.keys), redisstore.NewStaffStates(rdb, f.keys)
	f.desk = desk.New(f.deps)
}

// say sends a text as customer "o1" and returns the replies joined.
func (f *fixture) say(text string) string {
	f.t.Helper()
	return f.send(bot.Inbound{Kind: bot.InboundText, Text: text})
}

func (f *fixture) send(in bot.Inbound) string {
	f.t.Helper()
	in.Channel, in.From = "wechat", "o1"
	if in.Key == "" {
		in.Key = "msg:o1:" + string(rune('a'+f.seq.Add(1)))
	}
	replies, err := f.desk.Intake.HandleInbound(context.Background(), in)
	if err != nil {
		f.t.Fatalf("%q: %v", in.Text, err)
	}
	var texts []string
	for _, r := range replies {
		texts = append(texts, r.Text)
	}
	return strings.Join(texts, "\n")
}

// report walks a whole report through the dialogue and returns the reply
// to 确认.
func (f *fixture) report(desc, unit string) string {
	f.t.Helper()
	f.say(desc)
	f.say("3")
	f.say(unit)
	f.say("张三")
	f.say("13800138000")
	f.say("302")
	return f.say("确认")
}

func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.rec.DB.GetContext(context.Background(), &n, query, args...); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestDeskOpensTicketOnUnitPlan(t *testing.T) {
	f := newFixture(t)
	got := f.report("打印机不能用", "市中心医院")
	// 24 business hours on 5×9 from Monday 09:00: Mon 8h, Tue 9h, Wed 7h → Wed 16:00;
	// 3 working days after Monday → Thursday 18:00.
	for _, want := range []string{"工单号 #", "普通问题", "3月4日（周三）16:00 前响应", "3月5日（周四）18:00 前解决", "5×9", "有偿服务"} {
		if !strings.Contains(got, want) {
			t.Errorf("reply lacks %q:\n%s", want, got)
		}
	}
	if n := f.count(`SELECT count(*) FROM tickets WHERE paid_service AND plan = '5x9' AND room = '302'`); n != 1 {
		t.Fatalf("tickets = %d", n)
	}
}

// Two replicas take turns with one customer's messages: each steps from
// the session the other left, though each holds its own copy of it.
func TestDeskReplicasTakeTurns(t *testing.T) {
	f := newFixture(t)
	one := f.desk
	other := f.deps
	other.Sessions = redisstore.NewSessions(f.rdb, f.keys)
	two := desk.New(other)
	turns := []string{"打印机不能用", "3", "市中心医院", "张三", "13800138000", "302", "确认", "重启后还是不行"}
	var replies []string
	for i, text := range turns {
		f.desk = []*desk.Desk{one, two}[i%2]
		replies = append(replies, f.say(text))
	}
	if got := replies[6]; !strings.Contains(got, "工单号 #") {
		t.Fatalf("reply to 确认: %s", got)
	}
	if n := f.count(`SELECT count(*) FROM tickets WHERE unit_name = '市中心医院' AND contact_name = '张三' AND room = '302'`); n != 1 {
		t.Fatalf("tickets = %d", n)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE body = '重启后还是不行'`); n != 1 {
		t.Fatalf("follow-up recorded %d times", n)
	}
}

func TestDeskRetryChangesNothing(t *testing.T) {
	f := newFixture(t)
	f.report("打印机不能用", "某单位")
	in := bot.Inbound{Kind: bot.InboundText, Text: "还有扫描仪也坏了", Key: "msg:o1:retry"}
	first := f.send(in)
	second := f.send(in)
	if first != second {
		t.Fatalf("retry got %q, first %q", second, first)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE body = '还有扫描仪也坏了'`); n != 1 {
		t.Fatalf("message recorded %d times", n)
	}
}

func TestDeskMessageForClosedTicketStartsReport(t *testing.T) {
	f := newFixture(t)
	f.report("打印机不能用", "某单位")
	if _, err := f.rec.DB.ExecContext(context.Background(), `UPDATE tickets SET status = 'closed', closed_at = reported_at`); err != nil {
		t.Fatal(err)
	}
	got := f.say("网络又断了")
	if !strings.Contains(got, "严重程度") {
		t.Fatalf("a message after the ticket closed did not start a report:\n%s", got)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE body = '网络又断了'`); n != 0 {
		t.Fatal("the message went to the closed ticket")
	}
}

func TestDeskComplaintWithoutTicketOpensOne(t *testing.T) {
	f := newFixture(t)
	got := f.say("投诉 上周报的问题一直没人来")
	if !strings.Contains(got, "投诉已记录") {
		t.Fatalf("reply: %s", got)
	}
	if n := f.count(`SELECT count(*) FROM ticket_events WHERE kind = 'complaint' AND body LIKE '%一直没人来%'`); n != 1 {
		t.Fatalf("complaint events = %d", n)
	}
}

// With Redis gone, the customer gets an apology and the message is kept;
// once Redis is back, the kept message is handled as if it had just come.
func TestDeskKeepsMessageWhenRedisFails(t *testing.T) {
	f := newFixture(t)
	f.rdb.Close()
	got := f.say("服务器宕机了")
	if !strings.Contains(got, "已保存") {
		t.Fatalf("reply: %s", got)
	}
	if n := f.count(`SELECT count(*) FROM inbound_backlog WHERE payload LIKE '%服务器宕机了%'`); n != 1 {
		t.Fatalf("backlog rows = %d", n)
	}
	if _, err := f.desk.Intake.ReplayBacklog(context.Background()); err == nil {
		t.Fatal("replay succeeded with Redis still down")
	}
	f.reconnectRedis()
	n, err := f.desk.Intake.ReplayBacklog(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("replay: %d, %v", n, err)
	}
	if n := f.count(`SELECT count(*) FROM inbound_backlog WHERE handled_at IS NULL`); n != 0 {
		t.Fatalf("%d messages still waiting", n)
	}
	// The kept text started the report: the next answer is its severity.
	if got := f.say("2"); !strings.Contains(got, "单位") {
		t.Fatalf("after replay the dialogue is not at the unit question: %s", got)
	}
}

// Nothing a customer sends is dropped: a video sent with a report is kept
// on the ticket it opens, and a location, link or file sent to an open
// ticket is written to its log.
func TestEveryMessageKindIsKept(t *testing.T) {
	f := newFixture(t)
	f.say("打印机不能用")
	if got := f.send(bot.Inbound{Kind: bot.InboundVideo, MediaID: "video-1"}); !strings.Contains(got, "已收到视频") {
		t.Fatalf("video during the report: %q", got)
	}
	f.say("3")
	f.say("市中心医院")
	f.say("张三")
	f.say("13800138000")
	f.say("302")
	if got := f.say("确认"); !strings.Contains(got, "工单号 #1") {
		t.Fatalf("confirm: %q", got)
	}
	for _, in := range []bot.Inbound{
		{Kind: bot.InboundLocation, Text: "大庆市萨尔图区（46.58, 125.10）"},
		{Kind: bot.InboundLink, Text: "报错说明 https://example.com/a"},
		{Kind: bot.InboundFile, Text: "error.log"},
	} {
		if got := f.send(in); !strings.Contains(got, "已转达给处理您工单 #1") {
			t.Fatalf("%s to the open ticket: %q", in.Kind, got)
		}
	}
	var kept []struct {
		Kind    string `db:"kind"`
		Body    string `db:"body"`
		MediaID string `db:"media_id"`
	}
	if err := f.rec.DB.Select(&kept, `SELECT kind, body, media_id FROM ticket_events WHERE ticket_id = 1 AND kind IN ('video', 'location', 'link', 'file') ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(kept) != 4 || kept[0].MediaID != "video-1" || kept[1].Body != "大庆市萨尔图区（46.58, 125.10）" || kept[3].Body != "error.log" {
		t.Fatalf("kept on the ticket: %+v", kept)
	}
}

// A description longer than a report holds is not lost: the rest goes on
// the ticket the report opens, where staff see it, and the backlog's replay
// never waits behind it.
func TestLongDescriptionReachesTheTicket(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("打印机报错", 900) // 4,500 characters: over the 4,000 a report holds
	f.say(long)
	if n := f.count(`SELECT count(*) FROM inbound_backlog WHERE handled_at IS NULL`); n != 1 {
		t.Fatalf("%d overflow rows kept, want 1", n)
	}
	if items, err := f.rec.Backlog.Waiting(context.Background(), 100); err != nil || len(items) != 0 {
		t.Fatalf("replay would run the overflow text as a message: %d, %v", len(items), err)
	}
	f.say("3")
	f.say("市中心医院")
	f.say("张三")
	f.say("13800138000")
	f.say("302")
	if got := f.say("确认"); !strings.Contains(got, "工单号 #1") {
		t.Fatalf("confirm: %q", got)
	}
	var kept int
	for _, e := range f.events(bot.EventMessage) {
		if strings.HasPrefix(e, "（报修补充）") && len([]rune(e)) == 4500-4000+len([]rune("（报修补充）")) {
			kept++
		}
	}
	var opened string
	if err := f.rec.DB.Get(&opened, `SELECT description FROM tickets WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if kept != 1 || len([]rune(opened))+4500-4000 != 4500 {
		t.Fatalf("overflow events %d, description %d characters", kept, len([]rune(opened)))
	}
	if n := f.count(`SELECT count(*) FROM inbound_backlog WHERE handled_at IS NULL`); n != 0 {
		t.Errorf("%d overflow rows still waiting", n)
	}
}

// One message, one answer: 人工 and 投诉 are answered once, with the words
// that say what was done (the ticket, who has the complaint), not also
// with the dialogue's general acknowledgement; a reminder of the report
// in progress stays.
func TestCallbackAndComplaintAnswerOnce(t *testing.T) {
	f := newFixture(t)
	f.report("打印机不能用", "市中心医院")
	for text, want := range map[string]string{"人工": "已为您登记人工回电（工单 #1）", "投诉 工程师不接电话": "您的投诉已记录（工单 #1）"} {
		in := bot.Inbound{Kind: bot.InboundText, Text: text, Channel: "wechat", From: "o1", Key: "once:" + text}
		replies, err := f.desk.Intake.HandleInbound(context.Background(), in)
		if err != nil || len(replies) != 1 || !strings.HasPrefix(replies[0].Text, want) {
			t.Errorf("%s: %d replies %+v, %v; want one: %q", text, len(replies), replies, err, want)
		}
	}
	f.say("扫描仪也坏了") // the ticket is open: relayed, no draft
	f.say("报修")
	f.say("扫描仪卡纸") // a new report, at the severity question
	in := bot.Inbound{Kind: bot.InboundText, Text: "人工", Channel: "wechat", From: "o1", Key: "once:mid-report"}
	replies, err := f.desk.Intake.HandleInbound(context.Background(), in)
	if err != nil || len(replies) != 2 || !strings.Contains(replies[0].Text, "人工回电") || strings.Contains(replies[0].Text, "客服会尽快与您联系") {
		t.Errorf("人工 during a report: %+v, %v; want the callback's words, then the report's reminder", replies, err)
	}
}
