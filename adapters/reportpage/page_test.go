package reportpage_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/reportpage"
	"github.com/hotline-desk/hotline/bot/report"
)

const secret = "report test secret, thirty-two characters or more"

func TestSignerRoundTrip(t *testing.T) {
	s := reportpage.NewSigner([]byte(secret), "https://desk.example.com/")
	exp := time.Unix(1_800_000_000, 0)
	for _, unit := range []string{"市中心医院", "", "A/B 院区?x=1&y=.."} {
		link := s.Link("2026-11", unit, exp)
		token, found := strings.CutPrefix(link, "https://desk.example.com/report/")
		if !found || strings.ContainsAny(token, "/?#&=+ ") {
			t.Fatalf("link %q", link)
		}
		month, u, e, ok := s.Verify(token)
		if !ok || month != "2026-11" || u != unit || !e.Equal(exp) {
			t.Errorf("verify %q: %q %q %v %v", token, month, u, e, ok)
		}
	}
}

func TestSignerRefusesForgeries(t *testing.T) {
	s := reportpage.NewSigner([]byte(secret), "")
	exp := time.Unix(1_800_000_000, 0)
	token := s.Token("2026-11", "市中心医院", exp)
	other := s.Token("2026-11", "第二人民医院", exp)
	later := s.Token("2026-11", "市中心医院", exp.Add(24*time.Hour))
	body, mac := func(tk string) string { return tk[:strings.LastIndexByte(tk, '.')] }, func(tk string) string { return tk[strings.LastIndexByte(tk, '.'):] }
	otherSecret := reportpage.NewSigner([]byte("another secret, thirty-two characters"), "")
	for name, forged := range map[string]string{
		"another secret":     otherSecret.Token("2026-11", "市中心医院", exp),
		"another unit":       body(other) + mac(token),
		"another month":      strings.Replace(token, "2026-11", "2026-10", 1),
		"a later expiry":     body(later) + mac(token),
		"a flipped MAC byte": token[:len(token)-1] + map[bool]string{true: "A", false: "B"}[!strings.HasSuffix(token, "A")],
		"a truncated MAC":    token[:len(token)-2],
		"empty":              "",
		"no MAC":             "2026-11.abc.xyz",
		"too long":           s.Token("2026-11", strings.Repeat("医", 200), exp),
		"not a month":        s.Token("2026-13", "市中心医院", exp),
		"extra field":        s.Token("2026-11.x", "市中心医院", exp),
	} {
		if m, u, _, ok := s.Verify(forged); ok {
			t.Errorf("%s: accepted %q as %s %s", name, forged, m, u)
		}
	}
	// An expired link still verifies: the handler tells it apart (410).
	if _, _, e, ok := s.Verify(s.Token("2026-11", "市中心医院", exp.Add(-48*time.Hour))); !ok || !e.Before(exp) {
		t.Fatalf("expired token: %v %v", e, ok)
	}
}

// pageServer is the handler behind a test server, with a clock, a builder
// that records what it was asked for, and the log it writes.
type pageServer struct {
	srv    *httptest.Server
	signer *reportpage.Signer
	now    time.Time
	log    *bytes.Buffer

	mu     sync.Mutex
	asked  []string
	report *report.Monthly
	err    error
}

func newPageServer(t *testing.T) *pageServer {
	t.Helper()
	p := &pageServer{now: time.Date(2026, 12, 1, 10, 0, 0, 0, cst), log: &bytes.Buffer{}, report: fixture()}
	mux := http.NewServeMux()
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	p.signer = reportpage.NewSigner([]byte(secret), p.srv.URL)
	mux.Handle("/report/{token}", reportpage.New(reportpage.Config{
		Signer: p.signer,
		Build:  p.build,
		Now:    func() time.Time { return p.now },
		Log:    slog.New(slog.NewTextHandler(p.log, nil)),
	}))
	return p
}

func (p *pageServer) build(_ context.Context, month, unit string) (*report.Monthly, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, month+"|"+unit)
	return p.report, p.err
}

func (p *pageServer) link(month, unit string) string {
	return p.signer.Link(month, unit, p.now.Add(7*24*time.Hour))
}

func get(t *testing.T, method, link string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, link, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestHandler(t *testing.T) {
	p := newPageServer(t)
	good := p.link("2026-11", "市中心医院")
	cases := []struct {
		name, method, link string
		code               int
		want               string
	}{
		{"the report", http.MethodGet, good, http.StatusOK, "2026年11月系统服务月报（市中心医院）"},
		{"HEAD", http.MethodHead, good, http.StatusOK, ""},
		{"forged", http.MethodGet, good[:len(good)-2] + "xx", http.StatusNotFound, "链接无效"},
		{"not a token", http.MethodGet, p.srv.URL + "/report/hello", http.StatusNotFound, "链接无效"},
		{"a survey-shaped token", http.MethodGet, p.srv.URL + "/report/g.t1a2b3.AAAAAAAAAAAAAAAAAAAAAA", http.StatusNotFound, "链接无效"},
		{"expired", http.MethodGet, p.signer.Link("2026-11", "市中心医院", p.now.Add(-time.Minute)), http.StatusGone, "链接已过期，请联系客服获取新的报告链接"},
		{"expiring now", http.MethodGet, p.signer.Link("2026-11", "市中心医院", p.now), http.StatusGone, "链接已过期"},
		{"POST", http.MethodPost, good, http.StatusMethodNotAllowed, "不支持的请求"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := get(t, c.method, c.link)
			if resp.StatusCode != c.code || !strings.Contains(body, c.want) {
				t.Fatalf("%d, want %d with %q\n%.300s", resp.StatusCode, c.code, c.want, body)
			}
			checkHeaders(t, resp)
			if c.method == http.MethodHead && body != "" {
				t.Errorf("HEAD has a body of %d bytes", len(body))
			}
			if c.method == http.MethodPost && resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow: %q", resp.Header.Get("Allow"))
			}
		})
	}
	if got := strings.Join(p.asked, ","); got != "2026-11|市中心医院,2026-11|市中心医院" {
		t.Fatalf("the builder was asked for %s; want the linked month and unit, by GET and HEAD only", got)
	}
}

// Another unit's link shows that unit's report: the unit comes from the
// signed token, never from the request.
func TestHandlerBuildsTheLinkedUnit(t *testing.T) {
	p := newPageServer(t)
	for _, unit := range []string{"第二人民医院", ""} {
		if resp, _ := get(t, http.MethodGet, p.link("2026-10", unit)+"?unit=市中心医院"); resp.StatusCode != http.StatusOK {
			t.Fatalf("%q: %d", unit, resp.StatusCode)
		}
	}
	if got := strings.Join(p.asked, ","); got != "2026-10|第二人民医院,2026-10|" {
		t.Fatalf("built %s", got)
	}
}

func TestHandlerBuildFails(t *testing.T) {
	p := newPageServer(t)
	p.err = errors.New("read tickets: connection refused")
	resp, body := get(t, http.MethodGet, p.link("2026-11", "市中心医院"))
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "报告暂时无法显示") || strings.Contains(body, "connection refused") {
		t.Fatalf("%d\n%s", resp.StatusCode, body)
	}
	checkHeaders(t, resp)
	logged := p.log.String()
	if !strings.Contains(logged, "connection refused") || !strings.Contains(logged, "month=2026-11") || strings.Contains(logged, "市中心医院") {
		t.Fatalf("log: %s (want the month and the error, not the unit)", logged)
	}

	p.err, p.report = nil, nil
	if resp, _ := get(t, http.MethodGet, p.link("2026-11", "市中心医院")); resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("no report and no error: %d", resp.StatusCode)
	}
}

func checkHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	for h, want := range map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"Cache-Control":           "no-store",
		"Referrer-Policy":         "no-referrer",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:;",
	} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("%s: %q, want %q", h, resp.Header.Get(h), want)
		}
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP %q does not forbid framing", resp.Header.Get("Content-Security-Policy"))
	}
}

func render(t *testing.T, m *report.Monthly) string {
	t.Helper()
	var b bytes.Buffer
	if err := reportpage.Render(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var chartRE = regexp.MustCompile(`(?s)<svg class="chart" data-chart="(\w+)".*?</svg>`)

// charts are the page's charts by kind, and how many drawn elements each
// holds.
func charts(page string) map[string]int {
	out := map[string]int{}
	drawn := regexp.MustCompile(`<(rect|path|polyline|circle)\b`)
	for _, m := range chartRE.FindAllStringSubmatch(page, -1) {
		out[m[1]] = len(drawn.FindAllString(m[0], -1))
	}
	return out
}

func TestRender(t *testing.T) {
	page := render(t, fixture())
	for _, want := range []string{
		"<title>2026年11月系统服务月报（市中心医院）</title>", "市中心医院", "2026-11-01 至 2026-11-30", "2026-12-01 09:00",
		// 概要: 24 opened, 22 resolved, 2 open; the breakdowns.
		"<b>24</b><span>本月新增</span>", "<b>22</b><span>本月解决</span>", "<b>2</b><span>月末未解决</span>", "按类型", "按级别", "按渠道", "按状态", "Telegram",
		// SLA: 21/23 and 18/20; severity 5 has no resolution deadline.
		"<b>91.3%</b><span>响应按时率</span>", "<b>90%</b><span>解决按时率</span>", "致命性问题", "功能建议",
		// Breaches: readable lateness, the unmet one.
		"#1007", "35分钟", "2小时30分", "2天3小时", "未完成", "11-29 06:00",
		// Times.
		"5小时20分", "1天2小时", "1小时40分",
		// Problems.
		"未分类", "#1001、#1009、#1017", "#1002、#1010",
		// Tickets, every field.
		"#1024", "王磊（E007）", "刘护士长", "住院部 5 楼护士站", "月度数据库备份检查", "已远程安装补丁并重启服务", "日常维护", "升级补丁", "现场", "处理中",
		// Staff, revisits, trend.
		"孙悦", "较好", "70.8%", "88.2%", "92.3%", "达标", "未达标", "2026年第四季度回访", "满意度目标：<b>90%</b>", "您对本次服务的总体评价", "较及时",
		"2025年12月", "2026年11月",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	got := charts(page)
	for _, kind := range []string{"daily", "severity", "trend"} {
		if got[kind] == 0 {
			t.Errorf("chart %s: %d drawn elements", kind, got[kind])
		}
	}
	if len(got) != 3 || strings.Count(page, `<svg class="chart"`) != 3 {
		t.Errorf("charts %v", got)
	}
}

func TestRenderSectionsInOrder(t *testing.T) {
	page := render(t, fixture())
	last := -1
	for _, h := range []string{"概要", "服务时限（SLA）", "超时明细", "处理时长", "常见问题", "系统服务单", "人员情况统计表", "用户回访统计表", "12个月趋势"} {
		i := strings.Index(page, h+"</h2>")
		if i < 0 || i < last {
			t.Fatalf("section %s at %d, after %d", h, i, last)
		}
		last = i
	}
}

// The page is self-contained and script-free, and customer text is
// escaped: a description holding a script tag shows as text.
func TestRenderEscapesAndLoadsNothing(t *testing.T) {
	page := render(t, fixture())
	if !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Error("the description with a script tag is not shown escaped")
	}
	for _, bad := range []string{"<script", "<link", "@import", "url(", "src=", "https://", "javascript:"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	if strings.Count(page, "http://") != 3 || strings.Count(page, `xmlns="http://www.w3.org/2000/svg"`) != 3 {
		t.Error("a URL other than the SVG namespace")
	}
	for _, want := range []string{"@page{size:A4;margin:12mm}", "@media print", "overflow-x:auto", "<title id=\"chart-daily-t\">", `width="100%"`, `viewBox="0 0 440 240"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// Missing percentages show a dash: a staff member without answers, the
// trend's month without figures, severity 5's resolution.
func TestRenderNilPercentages(t *testing.T) {
	page := render(t, fixture())
	for _, want := range []string{
		`<td>孙悦</td><td class="n">1</td><td class="n">0</td><td class="n">0</td><td class="n">0</td><td class="n">—</td>`,
		`<td>2026年2月</td><td class="n">0</td><td class="n">—</td><td class="n">—</td>`,
		`<td>功能建议</td><td class="n">2</td><td class="n">0</td><td class="n">0</td><td class="n">100%</td></tr>`,
		`<td>功能建议</td><td class="n">0</td><td class="n">0</td><td class="n">0</td><td class="n">—</td></tr>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

func TestRenderEmptyMonth(t *testing.T) {
	page := render(t, emptyMonth())
	if !strings.Contains(page, `<p class="empty">本月无工单</p>`) || !strings.Contains(page, "全部单位") {
		t.Fatal("an empty month does not say so")
	}
	for _, bad := range []string{`class="tickets"`, `data-chart="daily"`, `data-chart="severity"`, "本月新增", "各级别响应按时情况"} {
		if strings.Contains(page, bad) {
			t.Errorf("an empty month shows %q", bad)
		}
	}
	if got := charts(page); got["trend"] == 0 {
		t.Errorf("the trend is still shown: %v", got)
	}
	if err := reportpage.Render(io.Discard, nil); err == nil {
		t.Error("rendered a nil report")
	}
}

// 十、上门服务与定期维护: each unit's visits and recurring work, the totals
// marked; a month without either says so.
func TestRenderOnSite(t *testing.T) {
	m := fixture()
	m.OnSite = report.OnSite{
		Visits:      []report.VisitLine{{Unit: "市中心医院", Promised: 3, OnTime: 2, Late: 1}, {Unit: "合计", Promised: 3, OnTime: 2, Late: 1}},
		Maintenance: []report.UpkeepLine{{Unit: "市中心医院", Kind: "巡检", Owed: 1, Late: 1}, {Unit: "合计", Owed: 1, Late: 1}},
	}
	var b strings.Builder
	if err := reportpage.Render(&b, m); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"十、上门服务与定期维护", "<td>市中心医院</td><td class=\"n\">3</td><td class=\"n\">2</td><td class=\"n\">1</td>",
		"<tr class=\"total\"><td>合计</td>", "<td>巡检</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">1</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	m.OnSite = report.OnSite{}
	b.Reset()
	reportpage.Render(&b, m)
	if !strings.Contains(b.String(), "本月没有约定上门的工单") || !strings.Contains(b.String(), "本月没有应做的定期维护") {
		t.Error("a month without visits or maintenance does not say so")
	}
}
