package sandbox

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
)

// shown is a chat line reduced to what a test compares.
type shown struct{ From, Kind, Text, Via string }

func shownLines(lines []line) []shown {
	out := make([]shown, len(lines))
	for i, l := range lines {
		out[i] = shown{l.From, l.Kind, l.Text, l.Via}
	}
	return out
}

func TestCustomerTextIsASignedCallbackAndBothSidesShow(t *testing.T) {
	h := newHarness(t)
	zhang := Customers[0]
	var res struct {
		OK    bool   `json:"ok"`
		Reply string `json:"reply"`
	}
	if code := h.do("POST", "/sandbox/customer", map[string]string{"id": zhang.ID, "text": "系统登录不了"}, &res); code != http.StatusOK {
		t.Fatalf("send: HTTP %d", code)
	}
	if res.Reply != "收到：系统登录不了" {
		t.Errorf("reply = %q", res.Reply)
	}
	calls := h.wechat.callbacks()
	if len(calls) != 1 {
		t.Fatalf("%d callbacks, want 1", len(calls))
	}
	c := calls[0]
	q := c.Query
	if want := wechattest.Sign(testToken, q.Get("timestamp"), q.Get("nonce")); q.Get("signature") != want || q.Get("nonce") == "" {
		t.Errorf("signature %q, want %q", q.Get("signature"), want)
	}
	if ts, _ := strconv.ParseInt(q.Get("timestamp"), 10, 64); ts != h.clock.Now().Unix() && ts != h.clock.Now().Unix()-1 {
		t.Errorf("timestamp %d is not the sandbox clock's %d", ts, h.clock.Now().Unix())
	}
	m := c.Msg
	if m.FromUserName != zhang.ID || m.ToUserName != DefaultAccount || m.MsgType != "text" || m.Content != "系统登录不了" || m.MsgID == 0 {
		t.Errorf("callback message = %+v", m)
	}
	if q.Get("openid") != zhang.ID {
		t.Errorf("openid in the query = %q", q.Get("openid"))
	}
	want := []shown{
		{fromCustomer, kindText, "系统登录不了", ""},
		{fromAccount, kindText, "收到：系统登录不了", viaPassive},
	}
	if diff := cmp.Diff(want, shownLines(h.state(zhang.ID, "").Customer.Lines)); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

func TestCustomerMessagesGetFreshMsgIDs(t *testing.T) {
	h := newHarness(t)
	for range 3 {
		h.do("POST", "/sandbox/customer", map[string]string{"id": Customers[1].ID, "text": "在吗"}, nil)
	}
	seen := map[int64]bool{}
	for _, c := range h.wechat.callbacks() {
		if seen[c.Msg.MsgID] {
			t.Errorf("MsgId %d sent twice: Hotline would take it for a retry", c.Msg.MsgID)
		}
		seen[c.Msg.MsgID] = true
	}
}

func TestMenuButtonsAreClickEvents(t *testing.T) {
	h := newHarness(t)
	c := Customers[2]
	for _, key := range []string{"HOTLINE_REPORT", "HOTLINE_PROGRESS", "HOTLINE_COMPLAINT"} {
		if code := h.do("POST", "/sandbox/customer", map[string]string{"id": c.ID, "event": "CLICK", "key": key}, nil); code != http.StatusOK {
			t.Fatalf("%s: HTTP %d", key, code)
		}
	}
	calls := h.wechat.callbacks()
	if len(calls) != 3 {
		t.Fatalf("%d callbacks, want 3", len(calls))
	}
	for i, key := range []string{"HOTLINE_REPORT", "HOTLINE_PROGRESS", "HOTLINE_COMPLAINT"} {
		if m := calls[i].Msg; m.MsgType != "event" || m.Event != "CLICK" || m.EventKey != key || m.FromUserName != c.ID {
			t.Errorf("callback %d = %+v", i, m)
		}
	}
	want := []shown{
		{fromSystem, kindEvent, "点击菜单「报修」", ""},
		{fromSystem, kindEvent, "点击菜单「进度查询」", ""},
		{fromSystem, kindEvent, "点击菜单「投诉」", ""},
	}
	if diff := cmp.Diff(want, shownLines(h.state(c.ID, "").Customer.Lines)); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

func TestPushedMessagesShowAsWeChatShowsThem(t *testing.T) {
	h := newHarness(t)
	zhang, wang := Customers[0], Customers[1]
	h.follow(zhang)
	h.follow(wang)
	h.pushWeChat("custom", map[string]any{"touser": zhang.ID, "msgtype": "text", "text": map[string]string{"content": "工单 #12 已受理"}})
	h.pushWeChat("custom", map[string]any{"touser": wang.ID, "msgtype": "text", "text": map[string]string{"content": "不是给张女士的"}})
	h.pushWeChat("custom", map[string]any{"touser": zhang.ID, "msgtype": "msgmenu", "msgmenu": map[string]any{
		"head_content": "请选择问题的严重程度：", "tail_content": "点选即可",
		"list": []map[string]string{{"id": "sev1", "content": "致命：业务停了"}, {"id": "sev3", "content": "普通"}}}})
	h.pushWeChat("template", map[string]any{"touser": zhang.ID, "template_id": "DEMO_SURVEY_INVITE", "url": "http://localhost:8080/survey/abc",
		"data": map[string]any{"thing1": map[string]string{"value": "售后服务满意度调查"}, "character_string2": map[string]string{"value": "12"},
			"time3": map[string]string{"value": "2026-03-09 09:00"}, "thing4": map[string]string{"value": "请为本次服务打分"}}})
	lines := h.state(zhang.ID, "").Customer.Lines[1:] // after following
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3: %+v", len(lines), lines)
	}
	if l := lines[0]; l.Text != "工单 #12 已受理" || l.Via != viaCustom || l.From != fromAccount {
		t.Errorf("text line = %+v", l)
	}
	wantMenu := &menuView{Head: "请选择问题的严重程度：", Tail: "点选即可", Items: []menuItem{{"sev1", "致命：业务停了"}, {"sev3", "普通"}}}
	if diff := cmp.Diff(wantMenu, lines[1].Menu); diff != "" || lines[1].Kind != kindMenu {
		t.Errorf("menu (-want +got):\n%s", diff)
	}
	wantCard := &templateView{Title: "服务满意度调查", URL: "http://localhost:8080/survey/abc", Rows: []rowVal{
		{"调查名称", "售后服务满意度调查"}, {"工单编号", "12"}, {"截止时间", "2026-03-09 09:00"}, {"说明", "请为本次服务打分"}}}
	if diff := cmp.Diff(wantCard, lines[2].Template); diff != "" || lines[2].Via != viaTemplate {
		t.Errorf("template card (-want +got):\n%s", diff)
	}
}

func TestTappingAChoiceSendsItsIDAndText(t *testing.T) {
	h := newHarness(t)
	zhang := Customers[0]
	h.follow(zhang)
	h.pushWeChat("custom", map[string]any{"touser": zhang.ID, "msgtype": "msgmenu", "msgmenu": map[string]any{
		"head_content": "严重程度？", "list": []map[string]string{{"id": "sev1", "content": "致命"}}}})
	if code := h.do("POST", "/sandbox/customer", map[string]string{"id": zhang.ID, "menu_id": "sev1", "text": "致命"}, nil); code != http.StatusOK {
		t.Fatalf("tap: HTTP %d", code)
	}
	calls := h.wechat.callbacks()[1:]
	if len(calls) != 1 || calls[0].Msg.MenuID != "sev1" || calls[0].Msg.Content != "致命" || calls[0].Msg.MsgType != "text" {
		t.Fatalf("callbacks = %+v", calls)
	}
	for _, forged := range []map[string]string{
		{"id": zhang.ID, "menu_id": "sev9", "text": "致命"},        // never offered
		{"id": zhang.ID, "menu_id": "sev1", "text": "普通"},        // another choice's text
		{"id": Customers[1].ID, "menu_id": "sev1", "text": "致命"}, // offered to someone else
	} {
		var res map[string]string
		if code := h.do("POST", "/sandbox/customer", forged, &res); code != http.StatusBadRequest || !strings.Contains(res["error"], "没有这个选项") {
			t.Errorf("%v: HTTP %d %v, want 400", forged, code, res)
		}
	}
	if n := len(h.wechat.callbacks()); n != 2 {
		t.Errorf("%d callbacks after refusals, want 2", n)
	}
}

func TestCustomerRequestsWeChatWouldNeverSendAreRefused(t *testing.T) {
	h := newHarness(t)
	id := Customers[0].ID
	for name, body := range map[string]map[string]string{
		"empty text":      {"id": id, "text": "  "},
		"overlong text":   {"id": id, "text": strings.Repeat("长", maxText+1)},
		"unknown key":     {"id": id, "event": "CLICK", "key": "HOTLINE_DELETE_ALL"},
		"unknown event":   {"id": id, "event": "LOCATION"},
		"event with text": {"id": id, "event": "CLICK", "key": "HOTLINE_REPORT", "text": "x"},
	} {
		t.Run(name, func(t *testing.T) {
			var res map[string]string
			if code := h.do("POST", "/sandbox/customer", body, &res); code != http.StatusBadRequest || res["error"] == "" {
				t.Errorf("HTTP %d %v, want 400 with a message", code, res)
			}
		})
	}
	if n := len(h.wechat.callbacks()); n != 0 {
		t.Errorf("%d callbacks made, want none", n)
	}
}

func TestSubscribeIsAnEvent(t *testing.T) {
	h := newHarness(t)
	if code := h.do("POST", "/sandbox/customer", map[string]string{"id": Customers[3].ID, "event": "subscribe"}, nil); code != http.StatusOK {
		t.Fatalf("HTTP %d", code)
	}
	if calls := h.wechat.callbacks(); len(calls) != 1 || calls[0].Msg.Event != "subscribe" {
		t.Fatalf("callbacks = %+v", calls)
	}
}

func TestACallbackRefusedIsSaid(t *testing.T) {
	h := newHarness(t)
	h.sb.d.Token = "wrong-token" // the fake /wechat answers 403 to a bad signature
	var res map[string]string
	if code := h.do("POST", "/sandbox/customer", map[string]string{"id": Customers[0].ID, "text": "你好"}, &res); code != http.StatusBadGateway || res["error"] == "" {
		t.Fatalf("HTTP %d %v, want 502 with a message", code, res)
	}
	lines := h.state(Customers[0].ID, "").Customer.Lines
	if len(lines) != 2 || lines[1].From != fromSystem || !strings.Contains(lines[1].Text, "HTTP 403") {
		t.Errorf("transcript = %+v", shownLines(lines))
	}
}

func TestTheServiceWindowClosesAfter48Hours(t *testing.T) {
	h := newHarness(t)
	zhang := Customers[0]
	text := map[string]any{"touser": zhang.ID, "msgtype": "text", "text": map[string]string{"content": "工单 #3 已关闭"}}
	h.pushWeChat("custom", text) // never wrote: refused
	h.follow(zhang)
	h.pushWeChat("custom", text) // within 48 hours: delivered
	h.clock.Move(serviceWindow + time.Minute)
	h.pushWeChat("custom", text) // refused again
	h.pushWeChat("template", map[string]any{"touser": zhang.ID, "template_id": "DEMO_TICKET_NOTICE",
		"data": map[string]any{"character_string1": map[string]string{"value": "3"}, "phrase2": map[string]string{"value": "已关闭"}}})
	closed := shown{fromSystem, kindNote, "一条客服消息未送达：客户超过 48 小时没有互动（微信 45015）", ""}
	want := []shown{closed, {fromSystem, kindEvent, "你关注了公众号", ""}, {fromAccount, kindText, "工单 #3 已关闭", viaCustom},
		closed, {fromAccount, kindTemplate, "", viaTemplate}}
	if diff := cmp.Diff(want, shownLines(h.state(zhang.ID, "").Customer.Lines)); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}
