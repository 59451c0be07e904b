package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestForgedIdentitiesAreRefused(t *testing.T) {
	h := newHarness(t)
	ping := h.botSend(Staff[0].TelegramID, "工单 #1")
	cases := []struct {
		name, method, path string
		body               any
		says               string
	}{
		{"customer send", "POST", "/sandbox/customer", map[string]string{"id": "oForged-someone", "text": "hi"}, "没有这位演示客户"},
		{"customer as staff number", "POST", "/sandbox/customer", map[string]string{"id": Staff[0].ID, "text": "hi"}, "没有这位演示客户"},
		{"staff send", "POST", "/sandbox/staff", map[string]string{"id": "999", "text": "/queue"}, "没有这位演示员工"},
		{"staff as customer", "POST", "/sandbox/staff", map[string]string{"id": Customers[0].ID, "text": "/queue"}, "没有这位演示员工"},
		{"staff press", "POST", "/sandbox/staff", map[string]any{"id": "7100101", "press": map[string]any{"message_id": ping, "data": "x"}}, "没有这位演示员工"},
		{"state customer", "GET", "/sandbox/state?customer=oForged", nil, "没有这位演示客户"},
		{"state staff", "GET", "/sandbox/state?staff=7100101", nil, "没有这位演示员工"},
		{"file", "GET", "/sandbox/file?staff=x&message=1", nil, "没有这位演示员工"},
		{"media", "GET", "/sandbox/media?customer=x&id=1", nil, "没有这位演示客户"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var res map[string]string
			if code := h.do(c.method, c.path, c.body, &res); code != http.StatusBadRequest || !strings.Contains(res["error"], c.says) {
				t.Errorf("HTTP %d %v, want 400 saying %q", code, res, c.says)
			}
		})
	}
	if n := len(h.wechat.callbacks()); n != 0 {
		t.Errorf("%d callbacks made for forged customers", n)
	}
	if us := h.updates(); len(us) != 0 {
		t.Errorf("%d updates queued for forged staff", len(us))
	}
}

func TestRequestsAreBoundedAndStrict(t *testing.T) {
	h := newHarness(t)
	var res map[string]string
	if code := h.do("POST", "/sandbox/customer", map[string]string{"id": Customers[0].ID, "text": strings.Repeat("x", maxBody)}, &res); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: HTTP %d %v, want 413", code, res)
	}
	if code := h.do("POST", "/sandbox/customer", map[string]string{"id": Customers[0].ID, "text": "x", "openid": "o"}, &res); code != http.StatusBadRequest {
		t.Errorf("unknown field: HTTP %d, want 400", code)
	}
	for _, path := range []string{"/sandbox/customer", "/sandbox/staff", "/sandbox/clock"} {
		resp, err := http.Get(h.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET %s: HTTP %d, want 405", path, resp.StatusCode)
		}
	}
}

func TestStateShape(t *testing.T) {
	h := newHarness(t)
	now := h.clock.Now()
	h.desk.tickets = []TicketLine{{ID: 12, Unit: "大庆市住房公积金管理中心", Plan: "公积金7x24", Severity: 1, Status: "处理中", Assignee: "李工",
		Deadlines: []Deadline{{Goal: "响应", Due: now.Add(-time.Hour), Met: true}, {Goal: "解决", Due: now.Add(90 * time.Minute)}},
		Next:      now.Add(90 * time.Minute), NextLabel: "解决时限"}}
	h.desk.jobs = []JobLine{{ID: 1, Kind: "remind", Ticket: 12, Due: now.Add(30 * time.Minute)}, {ID: 2, Kind: "renewal", Ref: "示范市财政局", Due: now.Add(72 * time.Hour)}}
	h.do("POST", "/sandbox/customer", map[string]string{"id": Customers[0].ID, "text": "你好"}, nil)
	resp, err := http.Get(h.srv.URL + "/sandbox/state?customer=" + Customers[0].ID + "&staff=" + Staff[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got["sandbox"] != true || got["label"] != Label {
		t.Errorf("sandbox flag and label = %v, %v", got["sandbox"], got["label"])
	}
	customer := got["customer"].(map[string]any)
	if customer["id"] != Customers[0].ID || customer["label"] != "张女士（大庆市住房公积金管理中心）" || len(customer["lines"].([]any)) != 2 {
		t.Errorf("customer = %v", customer)
	}
	if staff := got["staff"].(map[string]any); staff["label"] != "李工 · 工程师" || len(staff["lines"].([]any)) != 0 {
		t.Errorf("staff = %v", staff)
	}
	var st state
	json.Unmarshal(raw, &st)
	wantDesk := deskState{NowText: "2026-03-02 周一 09:00",
		Tickets: []ticketView{{Number: "#12", Unit: "大庆市住房公积金管理中心", Plan: "公积金7x24", Severity: "1 致命", Status: "处理中", Assignee: "李工",
			Deadlines: []deadlineView{{Goal: "响应", Due: "03-02 08:00", Met: true, Left: "已超时 1小时0分"}, {Goal: "解决", Due: "03-02 10:30", Left: "剩 1小时30分"}},
			Next:      "解决时限", Left: "剩 1小时30分"}},
		Jobs: []jobView{{Kind: "时限提醒", Code: "remind", About: "#12", Due: "03-02 09:30", In: "剩 30分"},
			{Kind: "续约提醒", Code: "renewal", About: "示范市财政局", Due: "03-05 09:00", In: "剩 3天0小时"}}}
	st.Desk.Now = time.Time{}
	if diff := cmp.Diff(wantDesk, st.Desk); diff != "" {
		t.Errorf("desk (-want +got):\n%s", diff)
	}
}

func TestDeskThatCannotBeReadIsSaidNotFatal(t *testing.T) {
	h := newHarness(t)
	h.desk.fail = errors.New("database gone")
	st := h.state(Customers[0].ID, Staff[0].ID)
	if st.Desk.Error == "" || st.Customer == nil || st.Staff == nil {
		t.Errorf("state = %+v", st)
	}
}

func TestTwoTabsSeeTheSameAndSendSideBySide(t *testing.T) {
	h := newHarness(t)
	c := Customers[1]
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.do("POST", "/sandbox/customer", map[string]string{"id": c.ID, "text": "第" + string(rune('一'+i)) + "条"}, nil)
			h.state(c.ID, Staff[0].ID)
		}()
	}
	wg.Wait()
	a, b := h.state(c.ID, ""), h.state(c.ID, "")
	if len(a.Customer.Lines) != 16 {
		t.Errorf("%d lines, want 16 (8 sent, 8 replies)", len(a.Customer.Lines))
	}
	if diff := cmp.Diff(shownLines(a.Customer.Lines), shownLines(b.Customer.Lines)); diff != "" {
		t.Errorf("two reads differ:\n%s", diff)
	}
}

func TestPageAndItsFiles(t *testing.T) {
	h := newHarness(t)
	for path, want := range map[string][]string{
		"/": {"演示沙盒 · sandbox", `data-test="customer-picker"`, `data-test="wechat-messages"`, `data-test="wechat-menu-report"`,
			`data-test="staff-picker"`, `data-test="telegram-input"`, `data-test="clock-15m"`, `data-test="clock-next"`,
			`data-test="desk-tickets"`, `data-test="desk-jobs"`, "/sandbox/static/page.js"},
		"/sandbox/static/page.js":  {"/sandbox/state", "msgmenu-choice", "inline-button"},
		"/sandbox/static/page.css": {"@media (max-width: 980px)"},
	} {
		resp, err := http.Get(h.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: HTTP %d", path, resp.StatusCode)
		}
		for _, w := range want {
			if !strings.Contains(string(body), w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
	}
	if strings.Count(mustGet(t, h.srv.URL+"/"), "演示沙盒 · sandbox") < 4 {
		t.Error("not every pane says it is the sandbox")
	}
	resp, _ := http.Get(h.srv.URL + "/sandbox/static/nothing.js")
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown static file: HTTP %d", resp.StatusCode)
	}
}

func mustGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestMountServesPageAndAPI(t *testing.T) {
	h := newHarness(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	h.sb.Mount(mux)
	for path, code := range map[string]int{"/": 200, "/sandbox/people": 200, "/healthz": 200, "/nothing": 404} {
		req, _ := http.NewRequest("GET", path, nil)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != code {
			t.Errorf("%s: HTTP %d, want %d", path, rec.Code, code)
		}
	}
	var people struct {
		Customers []Person `json:"customers"`
		Staff     []Person `json:"staff"`
	}
	h.do("GET", "/sandbox/people", nil, &people)
	roles := []string{}
	for _, s := range people.Staff {
		roles = append(roles, s.Role)
	}
	for _, role := range []string{"engineer", "lead", "manager", "quality", "dispatcher"} {
		if !slices.Contains(roles, role) {
			t.Errorf("no %s among the demo staff", role)
		}
	}
	if len(people.Customers) < 3 {
		t.Errorf("%d demo customers", len(people.Customers))
	}
}
