package surveypage_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/surveypage"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/redisstore"
	"github.com/hotline-desk/hotline/store/storetest"
)

var shanghai = time.FixedZone("CST", 8*3600)

// pageFixture is the survey page on the real desk and stores, with one
// revisit survey delivered to a customer and a clock the test sets.
type pageFixture struct {
	t      *testing.T
	rec    *store.Records
	page   *survey.Page
	signer *surveypage.Signer
	srv    *httptest.Server
	survey int64
	now    time.Time
	expiry time.Time
}

func newPageFixture(t *testing.T) *pageFixture {
	t.Helper()
	f := &pageFixture{t: t, rec: storetest.Postgres(t), now: time.Date(2026, 12, 2, 10, 0, 0, 0, shanghai)}
	f.expiry = f.now.Add(7 * 24 * time.Hour)
	rdb, keys := storetest.Redis(t)
	log := slog.New(slog.DiscardHandler)
	pol, err := policy.Default(policy.Options{Location: shanghai, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.signer = surveypage.NewSigner([]byte("page test secret, thirty-two characters or more"), f.srv.URL)
	clock := func() time.Time { return f.now }
	rec := f.rec
	n := notify.New(notify.Deps{Clock: clock, Policy: pol, Staff: rec.Staff, Customers: rec.Customers, Tickets: rec.Tickets, Log: log})
	sessions := redisstore.NewSessions(rdb, keys)
	f.page = survey.New(survey.Deps{Clock: clock, Policy: pol, Customers: rec.Customers, Tickets: rec.Tickets, Jobs: rec.Jobs,
		Store: rec.Surveys, RoundStore: rec.Rounds, RevisitStore: rec.Revisits, StatsStore: rec.Stats,
		Pending: redisstore.NewPendingSurveys(rdb, keys), Sessions: sessions, States: redisstore.NewStaffStates(rdb, keys),
		Links: f.signer, Notify: n, Log: log}).Page
	page := surveypage.New(surveypage.Config{Book: f.page, Signer: f.signer, Location: shanghai, Now: clock, Log: log})
	mux.Handle("GET /survey/{token}", page)
	mux.Handle("POST /survey/{token}", page)
	f.survey = f.delivered("o1")
	return f
}

// delivered writes a customer, their closed ticket and its revisit survey,
// sent now.
func (f *pageFixture) delivered(openID string) int64 {
	f.t.Helper()
	ctx := context.Background()
	c := &bot.Customer{Channel: "wechat", OpenID: openID, Subscribed: true, UpdatedAt: f.now}
	if err := f.rec.Customers.SaveCustomer(ctx, c); err != nil {
		f.t.Fatal(err)
	}
	tk := &bot.Ticket{OpenedBy: "seed:" + openID, CustomerID: c.ID, Channel: "wechat", UnitName: "市中心医院", ContactName: "张三",
		Phone: "13800138000", Description: "打印机不能用", Severity: 3, Status: bot.StatusClosed, Plan: "7x12",
		ReportedAt: f.now, ResponseDue: f.now, CreatedAt: f.now}
	if _, err := f.rec.Tickets.OpenTicket(ctx, bot.Opening{Ticket: tk}); err != nil {
		f.t.Fatal(err)
	}
	sv := &survey.Survey{Key: "test:" + openID, TicketID: tk.ID, CustomerID: c.ID, Questionnaire: "revisit", Severity: 3,
		Status: survey.StatusPending, CreatedAt: f.now}
	if _, err := f.rec.Surveys.CreateSurvey(ctx, sv); err != nil {
		f.t.Fatal(err)
	}
	if err := f.rec.Surveys.MarkSurveySent(ctx, sv.ID, survey.ViaTemplate, f.now, f.expiry, nil); err != nil {
		f.t.Fatal(err)
	}
	return sv.ID
}

func (f *pageFixture) link(id int64) string { return f.signer.SurveyLink(id, f.expiry) }

func fetch(t *testing.T, method, link string, form url.Values) (*http.Response, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = http.PostForm(link, form)
	} else {
		resp, err = http.Get(link)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestSignerRefusesForgeries(t *testing.T) {
	s := surveypage.NewSigner([]byte("secret one, thirty-two characters long"), "https://desk.example.com/")
	exp := time.Unix(1_800_000_000, 0)
	link := s.SurveyLink(42, exp)
	if !strings.HasPrefix(link, "https://desk.example.com/survey/") {
		t.Fatalf("link %s", link)
	}
	token := strings.TrimPrefix(link, "https://desk.example.com/survey/")
	if id, e, ok := s.Verify(token); !ok || id != 42 || !e.Equal(exp) {
		t.Fatalf("verify own token: %d %v %v", id, e, ok)
	}
	other := surveypage.NewSigner([]byte("secret two, thirty-two characters long"), "")
	longer := s.Token(42, exp.Add(time.Hour))
	for name, forged := range map[string]string{
		"another secret":     other.Token(42, exp),
		"another survey":     strings.Replace(token, "16.", "17.", 1),
		"a later expiry":     longer[:strings.LastIndexByte(longer, '.')] + token[strings.LastIndexByte(token, '.'):],
		"a flipped MAC byte": token[:len(token)-1] + map[bool]string{true: "A", false: "B"}[!strings.HasSuffix(token, "A")],
		"empty":              "",
		"no MAC":             "16.abc",
	} {
		if _, _, ok := s.Verify(forged); ok {
			t.Errorf("%s: accepted %q", name, forged)
		}
	}
}

func TestPageAnswersOnce(t *testing.T) {
	f := newPageFixture(t)
	resp, body := fetch(t, http.MethodGet, f.link(f.survey), nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "售后服务回访") || !strings.Contains(body, "关于工单 #1 的服务") {
		t.Fatalf("GET: %d\n%s", resp.StatusCode, body)
	}
	for h, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "Content-Security-Policy": "default-src 'none'"} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("%s: %q", h, resp.Header.Get(h))
		}
	}
	resp, body = fetch(t, http.MethodPost, f.link(f.survey), url.Values{"overall": {"2"}, "comment": {"还行"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "还有题目没有选择") || !strings.Contains(body, "还行</textarea>") {
		t.Fatalf("an incomplete form: %d\n%s", resp.StatusCode, body)
	}
	full := url.Values{"overall": {"2"}, "speed": {"3"}, "attitude": {"1"}, "solved": {"2"}, "comment": {"希望早点上门"}, "td": {"1"}}
	if resp, body = fetch(t, http.MethodPost, f.link(f.survey), full); resp.StatusCode != http.StatusOK || !strings.Contains(body, "提交成功") {
		t.Fatalf("POST: %d\n%s", resp.StatusCode, body)
	}
	if resp, body = fetch(t, http.MethodPost, f.link(f.survey), full); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "您已提交过") {
		t.Fatalf("second POST: %d\n%s", resp.StatusCode, body)
	}
	var answers []survey.Answer
	f.rec.DB.SelectContext(context.Background(), &answers, `SELECT question, value FROM survey_answers WHERE survey_id = $1 ORDER BY question`, f.survey)
	want := "[{attitude 1} {comment 希望早点上门} {overall 2} {solved no} {speed 较慢}]"
	if got := fmtAnswers(answers); got != want {
		t.Fatalf("answers %s, want %s", got, want)
	}
	if out, _ := f.rec.Surveys.OptedOut(context.Background(), 1); !out {
		t.Fatal("the opt-out box was not honoured")
	}
}

func fmtAnswers(as []survey.Answer) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = "{" + a.Question + " " + a.Value + "}"
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func TestPageRefusesBadLinks(t *testing.T) {
	f := newPageFixture(t)
	good := f.link(f.survey)
	cases := []struct {
		name, link string
		code       int
		want       string
	}{
		{"forged", good[:len(good)-2] + "xx", http.StatusNotFound, "链接无效"},
		{"not a token", f.srv.URL + "/survey/hello", http.StatusNotFound, "链接无效"},
		{"no such survey", f.signer.SurveyLink(999, f.expiry), http.StatusNotFound, "没有找到这份调查"},
		{"expired link", f.signer.SurveyLink(f.survey, f.now.Add(-time.Minute)), http.StatusGone, "调查已结束"},
	}
	for _, c := range cases {
		resp, body := fetch(t, http.MethodGet, c.link, nil)
		if resp.StatusCode != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d, want %d with %q", c.name, resp.StatusCode, c.code, c.want)
		}
	}
	// The survey expired in the database (a closed round): its link is
	// refused even before the time it names.
	if _, err := f.rec.Surveys.ExpireSurvey(context.Background(), f.survey, f.now); err != nil {
		t.Fatal(err)
	}
	resp, body := fetch(t, http.MethodPost, good, url.Values{"overall": {"1"}, "speed": {"1"}, "attitude": {"1"}, "solved": {"1"}})
	if resp.StatusCode != http.StatusGone || !strings.Contains(body, "调查已结束") {
		t.Fatalf("a closed survey: %d", resp.StatusCode)
	}
}
