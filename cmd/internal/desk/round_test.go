package desk_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/cmd/internal/desk"
	"github.com/hotline-desk/hotline/store/redisstore"
)

// roundCustomers writes the customers served in November 2026, straight
// into the database: c1 … c1040 with one ticket each, resolved in November
// by engineer 001 (odd) or 002 (even); c1 … c50 also have an earlier
// November ticket and c1 … c5 an October one. c1001 … c1020 replied TD,
// c1021 … c1040 unfollowed. Every fourth customer wrote two hours ago (the
// 48-hour window is open), the others ten days ago.
func (f *surveyFixture) roundCustomers() {
	f.t.Helper()
	now := f.now().UTC()
	stmts := []string{
		`INSERT INTO customers (channel, open_id, unit_name, name, phone, subscribed, last_seen_at, created_at, updated_at)
			SELECT 'wechat', 'c' || g, CASE WHEN g % 2 = 0 THEN '市中心医院' ELSE '第二医院' END, '客户' || g, '138' || g,
				g NOT BETWEEN 1021 AND 1040,
				CASE WHEN g % 4 = 0 THEN $1::timestamptz - interval '2 hours' ELSE $1::timestamptz - interval '10 days' END, $1, $1
			FROM generate_series(1, 1040) g`,
		`INSERT INTO tickets (opened_by, customer_id, channel, unit_name, contact_name, phone, description, severity, status,
				plan, reported_at, response_due, resolved_at, closed_at, staff_number, staff_name, created_at, updated_at)
			SELECT 'seed:' || k || ':' || c.id, c.id, 'wechat', c.unit_name, c.name, c.phone, '故障', 2 + c.id % 3, 'closed', '7x12',
				r - interval '1 day', r, r, r, CASE WHEN c.id % 2 = 1 THEN '001' ELSE '002' END,
				CASE WHEN c.id % 2 = 1 THEN '工001' ELSE '工002' END, r, r
			FROM customers c, LATERAL (VALUES
				('main', timestamptz '2026-11-02 10:00+08' + (c.id % 28) * interval '1 day'),
				('early', timestamptz '2026-11-01 08:00+08'),
				('october', timestamptz '2026-10-15 08:00+08')) AS t(k, r)
			WHERE k = 'main' OR (k = 'early' AND c.id <= 50) OR (k = 'october' AND c.id <= 5)`,
		`INSERT INTO survey_optouts (customer_id, at) SELECT id, $1 FROM customers WHERE id BETWEEN 1001 AND 1020`,
	}
	for _, q := range stmts {
		var err error
		if strings.Contains(q, "$1") {
			_, err = f.rec.DB.ExecContext(context.Background(), q, now)
		} else {
			_, err = f.rec.DB.ExecContext(context.Background(), q)
		}
		if err != nil {
			f.t.Fatal(err)
		}
	}
}

// postSurvey submits the survey page at link.
func postSurvey(t *testing.T, link string, form url.Values) (int, string) {
	t.Helper()
	resp, err := http.PostForm(link, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// maxInWindow is the most sends that arrived within any window of length w.
func maxInWindow(at []time.Time, w time.Duration) int {
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	most, lo := 0, 0
	for hi := range at {
		for at[hi].Sub(at[lo]) >= w {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

// A revisit round over 1,000 customers, against the fake WeChat API with
// the real messenger. The preview counts what was seeded; the invitations
// go out at the configured 200 per second, measured where they arrive;
// failed sends are retried, then given up and reported; answers come on
// the page (through the links the templates carried) and in the chat, each
// counted once; and the figures match the hand-computed ones below.
func TestRoundOfAThousand(t *testing.T) {
	f := newSurveyFixture(t, surveyPolicy)
	ctx := context.Background()
	qa := f.addStaff("088", "quality")
	boss := f.addStaff("099", "manager")
	if err := f.desk.Surveys.Stats.ScheduleChecks(ctx); err != nil {
		t.Fatal(err)
	}
	f.roundCustomers()
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai)
	spec := survey.RoundSpec{From: nov, To: nov.AddDate(0, 1, 0), SampleRate: 1, Questionnaire: "revisit", Seed: 42}

	// Preview: 1,090 tickets of 1,040 customers; 20 replied TD, 20
	// unfollowed; 1,000 to ask. A 30% sample asks 300.
	p, err := f.desk.Surveys.Rounds.Preview(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if p.Tickets != 1090 || p.Customers != 1040 || p.OptedOut != 20 || p.Unsubscribed != 20 || p.Capped != 0 || p.Eligible != 1000 || len(p.Chosen) != 1000 {
		t.Fatalf("preview: tickets %d customers %d opted out %d unsubscribed %d capped %d eligible %d chosen %d",
			p.Tickets, p.Customers, p.OptedOut, p.Unsubscribed, p.Capped, p.Eligible, len(p.Chosen))
	}
	sample := spec
	sample.SampleRate = 0.3
	if p30, _ := f.desk.Surveys.Rounds.Preview(ctx, sample); len(p30.Chosen) != 300 {
		t.Fatalf("a 30%% sample chose %d", len(p30.Chosen))
	}

	// Failures: five chat customers' window is in fact closed (the link
	// goes instead); ten refuse with a quota error every time (retried,
	// then given up); five refused templates (given up at once); the first
	// 30 templates meet a passing quota error (retried, then delivered).
	for _, g := range []int{4, 8, 12, 16, 20} {
		f.wx.FailCustomTo(fmt.Sprintf("c%d", g), wechat45015)
	}
	for g := 1; g <= 19; g += 2 {
		f.wx.FailTemplateTo(fmt.Sprintf("c%d", g), 45009)
	}
	for g := 21; g <= 29; g += 2 {
		f.wx.FailTemplateTo(fmt.Sprintf("c%d", g), 43101)
	}
	f.wx.FailNextTemplate(45009, 30)
	f.wx.Reset()

	r, _, err := f.desk.Surveys.Rounds.Start(ctx, spec, "088", &qa)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	f.advance(f.now())
	firstPass := time.Since(start)
	for range 5 { // retries after 1, then 2 minutes
		f.advance(f.now().Add(time.Minute))
	}
	progress := func() survey.RoundProgress {
		t.Helper()
		_, pr, err := f.desk.Surveys.Rounds.Status(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return pr
	}
	pr := progress()
	if pr.Selected != 1000 || pr.Delivered != 985 || pr.Failed != 15 || pr.Pending != 0 {
		t.Fatalf("after the retries: %+v", pr)
	}
	if len(pr.Errors) != 2 || !strings.Contains(pr.Errors[0], "45009") || !strings.Contains(pr.Errors[1], "43101") {
		t.Fatalf("failure reasons %q", pr.Errors)
	}
	f.staffSaw(qa, "回访轮次 #1 已发送完毕：邀请 1000 位，送达 985，失败 15", "45009", "43101")

	// The rate, measured at the fake: never more than 200 in any second,
	// and 1,000 sends took their 5 s.
	arrivals := f.wx.Arrivals()
	if most := maxInWindow(slices.Clone(arrivals), time.Second); most > 200 {
		t.Fatalf("%d sends arrived within one second; the limit is 200", most)
	}
	if firstPass < 4900*time.Millisecond {
		t.Fatalf("the first pass of 1,000+ sends took %v, under 5 s at 200/s", firstPass)
	}
	t.Logf("%d sends; first pass %v", len(arrivals), firstPass)

	// Who got what: 245 in the chat, 740 by template with their link.
	chat, links := map[int]*wechattest.Menu{}, map[int]string{}
	for _, m := range f.wx.Messages() {
		g, _ := strconv.Atoi(strings.TrimPrefix(m.To, "c"))
		switch {
		case m.ErrCode != 0:
		case m.Menu != nil:
			chat[g] = m.Menu
		case m.Kind == wechattest.KindTemplate:
			links[g] = m.URL
		}
	}
	if len(chat) != 245 || len(links) != 740 {
		t.Fatalf("%d invited in the chat, %d by link; want 245 and 740", len(chat), len(links))
	}

	// The page: the first 300 by link answer every question; the first 20
	// of them submit twice.
	pageRatings := []string{"1", "1", "1", "1", "1", "1", "2", "2", "3", "4"}
	for i, g := range sortedKeys(links)[:300] {
		form := url.Values{"overall": {pageRatings[i%10]}, "speed": {"2"}, "attitude": {"1"}, "solved": {"1"}, "comment": {""}}
		if i%7 == 0 {
			form.Set("comment", "希望响应再快一些")
		}
		if code, body := postSurvey(t, links[g], form); code != http.StatusOK || !strings.Contains(body, "感谢您的宝贵意见") {
			t.Fatalf("c%d on the page: %d\n%s", g, code, body)
		}
		if i < 20 {
			if code, body := postSurvey(t, links[g], form); code != http.StatusConflict || !strings.Contains(body, "您已提交过") {
				t.Fatalf("c%d submitting twice: %d\n%s", g, code, body)
			}
		}
	}

	// The chat: the first 150 invited there tap a rating; every fifth also
	// answers the other four questions, tapping and typing.
	chatRatings := []string{"满意", "满意", "满意", "满意", "满意", "满意", "满意", "较满意", "较满意", "一般"}
	for i, g := range sortedKeys(chat)[:150] {
		who := fmt.Sprintf("c%d", g)
		rs := f.replies(who, bot.Inbound{Kind: bot.InboundText, Text: chatRatings[i%10], MenuID: menuID(chat[g], chatRatings[i%10])})
		if len(rs) != 1 || !strings.Contains(rs[0].Text, "（2/5）您觉得我们的响应速度如何") {
			t.Fatalf("%s after the rating: %+v", who, rs)
		}
		if i%5 != 0 {
			continue
		}
		f.tapAs(who, replyMenuID(t, rs, "及时"), "及时")
		f.sayAs(who, "1")
		f.sayAs(who, "是")
		if got := f.sayAs(who, "工程师很专业"); !strings.Contains(got, "已收到您的意见") {
			t.Fatalf("%s at the end: %q", who, got)
		}
		// Their survey is done: the page refuses a second answer.
		id := f.surveyOf(who)
		link := f.signer.SurveyLink(id, f.now().Add(time.Hour))
		if code, body := postSurvey(t, link, url.Values{"overall": {"4"}, "speed": {"4"}, "attitude": {"4"}, "solved": {"2"}}); code != http.StatusConflict || !strings.Contains(body, "您已提交过") {
			t.Fatalf("%s on the page after the chat: %d", who, code)
		}
	}
	if n := f.count(`SELECT count(*) FROM survey_answers a JOIN surveys s ON s.id = a.survey_id WHERE s.answered_via = 'chat'`); n != 150+30*4 {
		t.Fatalf("chat answers recorded: %d, want %d", n, 150+30*4)
	}

	// After the expiry, answers are thanked and not counted.
	f.advance(f.now().Add(8 * 24 * time.Hour))
	late := sortedKeys(links)[400]
	if code, body := postSurvey(t, links[late], url.Values{"overall": {"1"}, "speed": {"1"}, "attitude": {"1"}, "solved": {"1"}}); code != http.StatusGone || !strings.Contains(body, "调查已结束") {
		t.Fatalf("a late page answer: %d", code)
	}
	lateChat := sortedKeys(chat)[200]
	if got := f.tapAs(fmt.Sprintf("c%d", lateChat), menuID(chat[lateChat], "满意"), "满意"); !strings.Contains(got, "不再计入统计") {
		t.Fatalf("a late chat answer: %q", got)
	}

	// The hand-computed figures. Page: 300 answers, ratings 1,1,1,1,1,1,2,2,3,4
	// repeating: 180 满意, 60 较满意, 30 一般, 30 不满意. Chat: 150 answers,
	// 满意×7, 较满意×2, 一般×1 repeating: 105, 30, 15, 0. Together 450
	// answers: 285 满意, 90 较满意, 45 一般, 30 不满意; satisfaction
	// (285+90)/450 = 83.3%; participation 450/985 = 45.7%; 75 revisits.
	want := survey.Tally{Delivered: 985, Ratings: [4]int{285, 90, 45, 30}}
	if got := progress().Tally(); got != want {
		t.Fatalf("round tally %+v, want %+v", got, want)
	}
	st, err := f.desk.Surveys.Stats.Compute(ctx, time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai), time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai))
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != want || survey.SatisfactionLine(st.Total) != "满意率 83.3%（375/450），参与率 45.7%" {
		t.Fatalf("statistics %+v: %s", st.Total, survey.SatisfactionLine(st.Total))
	}
	answered := 0
	for _, l := range st.Staff {
		answered += l.Answered()
	}
	if answered != 450 || len(st.Months) != 1 || st.Months[0].Key != "2026-12" {
		t.Fatalf("by engineer %d answers, months %+v", answered, st.Months)
	}
	if n := f.count(`SELECT count(*) FROM revisit_tasks WHERE status = 'open'`); n != 75 {
		t.Fatalf("revisit tasks %d, want 75", n)
	}

	// One round a month: the same selection now asks nobody.
	if again, _ := f.desk.Surveys.Rounds.Preview(ctx, spec); again.Capped != 1000 || len(again.Chosen) != 0 {
		t.Fatalf("a second round this month: capped %d, chosen %d", again.Capped, len(again.Chosen))
	}

	// December's 83.3% is under the 90% target: on the first working day
	// of January, quality staff and the manager are told.
	f.advance(time.Date(2027, 1, 4, 9, 0, 0, 0, shanghai))
	f.staffSaw(boss, "2026年12月客户满意度低于目标 90%", "满意率 83.3%（375/450）")
	f.staffSaw(qa, "低于目标 90%")
}

const wechat45015 = 45015

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (f *surveyFixture) surveyOf(openID string) int64 {
	f.t.Helper()
	var id int64
	if err := f.rec.DB.GetContext(context.Background(), &id, `SELECT s.id FROM surveys s JOIN customers c ON c.id = s.customer_id
		WHERE c.open_id = $1 ORDER BY s.id DESC LIMIT 1`, openID); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// Two replicas send two rounds at once: the pace is shared through Redis,
// so together they stay within the configured 200 per second.
func TestReplicasShareTheSendRate(t *testing.T) {
	f := newSurveyFixture(t, surveyPolicy)
	ctx := context.Background()
	f.roundCustomers()
	a, b := &countingPacer{Pacer: redisstore.NewPacer(f.rdb, f.keys, 200)}, &countingPacer{Pacer: redisstore.NewPacer(f.rdb, f.keys, 200)}
	first, replica := f.replica(a), f.replica(b)
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai)
	for _, unit := range []string{"第二医院", "市中心医院"} {
		spec := survey.RoundSpec{From: nov, To: nov.AddDate(0, 1, 0), Unit: unit, SampleRate: 1, Questionnaire: "revisit", Seed: 1}
		if _, _, err := f.desk.Surveys.Rounds.Start(ctx, spec, "cli", nil); err != nil {
			t.Fatal(err)
		}
	}
	f.wx.Reset()
	start := time.Now()
	errs := make(chan error, 2)
	for _, d := range []*desk.Desk{first, replica} {
		go func() {
			for {
				n, err := d.Engine.RunDue(ctx)
				if err != nil || (n == 0 && f.count(`SELECT count(*) FROM surveys WHERE status = 'pending'`) == 0) {
					errs <- err
					return
				}
			}
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	took := time.Since(start)
	if n := f.count(`SELECT count(*) FROM surveys WHERE sent_at IS NOT NULL`); n != 1000 {
		t.Fatalf("%d sent, want 1000", n)
	}
	if most := maxInWindow(f.wx.Arrivals(), time.Second); most > 200 {
		t.Fatalf("%d sends arrived within one second from two replicas; the limit is 200", most)
	}
	if took < 4900*time.Millisecond {
		t.Fatalf("two replicas sent 1,000 in %v: faster than 200 per second", took)
	}
	if a.n.Load() == 0 || b.n.Load() == 0 || a.n.Load()+b.n.Load() != 1000 {
		t.Fatalf("the replicas sent %d and %d", a.n.Load(), b.n.Load())
	}
	t.Logf("replica A sent %d, replica B %d, in %v", a.n.Load(), b.n.Load(), took)
}

// countingPacer counts the sends a replica paced.
type countingPacer struct {
	survey.Pacer
	n atomic.Int64
}

func (p *countingPacer) Wait(ctx context.Context) error {
	p.n.Add(1)
	return p.Pacer.Wait(ctx)
}

// replica is another desk on the same stores, with its own pacer (on the
// same Redis key), as another replica of hotline serve would be.
func (f *surveyFixture) replica(pacer survey.Pacer) *desk.Desk {
	rec := f.rec
	return desk.New(desk.Deps{Clock: f.now, Policy: f.policy, Tickets: rec.Tickets, Customers: rec.Customers, Units: rec.Units,
		Sessions: f.sessions, Backlog: rec.Backlog, Staff: rec.Staff, States: f.states, Jobs: rec.Jobs,
		Customer: f.messenger, Log: quiet(),
		Surveys: desk.SurveyStores{Store: rec.Surveys, Rounds: rec.Rounds, Revisits: rec.Revisits, Stats: rec.Stats, Pending: f.pending,
			Links: f.signer, Pacer: pacer}})
}
