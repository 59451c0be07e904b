package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
)

// The official account's menu keys (README, "Connecting a WeChat official
// account"), with the buttons' names.
var menuKeys = map[string]string{
	"HOTLINE_REPORT":    "报修",
	"HOTLINE_PROGRESS":  "进度查询",
	"HOTLINE_COMPLAINT": "投诉",
}

// maxText is the longest text the page sends, in runes (WeChat's own limit
// on what a customer types is about this).
const maxText = 2000

// customerRequest is POST /sandbox/customer: a text, a tap on a msgmenu
// choice (menu_id with the choice's text), or an event (CLICK with a menu
// key, subscribe).
type customerRequest struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	MenuID string `json:"menu_id"`
	Event  string `json:"event"`
	Key    string `json:"key"`
}

// serveCustomer sends what the customer did to /wechat as WeChat would, and
// answers the passive reply.
func (s *Sandbox) serveCustomer(w http.ResponseWriter, r *http.Request) {
	var req customerRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := customerNamed(req.ID)
	if err == nil {
		err = s.checkCustomer(req)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := withTimeout(r, 15*time.Second)
	defer cancel()
	reply, err := s.sendCallback(ctx, c, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "reply": reply})
}

// checkCustomer refuses what WeChat would never send: empty or overlong
// text, an unknown menu key or event, a tap on a choice never offered.
func (s *Sandbox) checkCustomer(req customerRequest) error {
	switch {
	case req.Event != "":
		if req.Text != "" || req.MenuID != "" {
			return refuse(http.StatusBadRequest, "事件不带文字", "an event carries no text or menu_id")
		}
		if req.Event == "subscribe" && req.Key == "" {
			return nil
		}
		if _, ok := menuKeys[req.Key]; req.Event != "CLICK" || !ok {
			return refuse(http.StatusBadRequest, "公众号没有这个菜单", "events are subscribe, or CLICK with HOTLINE_REPORT, HOTLINE_PROGRESS or HOTLINE_COMPLAINT")
		}
		return nil
	case strings.TrimSpace(req.Text) == "":
		return refuse(http.StatusBadRequest, "请输入内容", "text is empty")
	case utf8.RuneCountInString(req.Text) > maxText:
		return refuse(http.StatusBadRequest, "内容太长", fmt.Sprintf("text is over %d characters", maxText))
	case req.MenuID != "" && !s.offered(req.ID, req.MenuID, req.Text):
		return refuse(http.StatusBadRequest, "没有这个选项", "no menu sent to this customer has that choice")
	}
	return nil
}

// offered reports whether a msgmenu sent to openID had the choice id with
// the content text.
func (s *Sandbox) offered(openID, id, text string) bool {
	for _, m := range s.d.WeChat.Messages() {
		if m.To != openID || m.Menu == nil || m.ErrCode != 0 {
			continue
		}
		for _, it := range m.Menu.Items {
			if it.ID == id && it.Content == text {
				return true
			}
		}
	}
	return false
}

// callbackXML is the message WeChat would post for req, numbered msgID.
func (s *Sandbox) callbackXML(c Person, req customerRequest, msgID int64, now time.Time) []byte {
	switch {
	case req.Event != "":
		return wechattest.EventMessage(s.d.Account, c.ID, req.Event, req.Key, now)
	case req.MenuID != "":
		return wechattest.MenuTapMessage(s.d.Account, c.ID, req.Text, req.MenuID, msgID, now)
	}
	return wechattest.TextMessage(s.d.Account, c.ID, req.Text, msgID, now)
}

// sendCallback posts the signed callback, records what the customer sent
// and the passive reply, and returns the reply's text ("" for none).
func (s *Sandbox) sendCallback(ctx context.Context, c Person, req customerRequest) (string, error) {
	now := s.d.Clock.Now()
	s.mu.Lock()
	s.lastMsg++
	msgID := s.lastMsg
	s.lastSeen[c.ID] = now // WeChat opens the window as the message comes
	s.mu.Unlock()
	s.note(c.ID, sentLine(req, now))
	httpReq := wechattest.SignedRequest(s.d.WeChatURL, s.d.Token, "", "", s.callbackXML(c, req, msgID, now), now)
	resp, err := s.d.Client.Do(httpReq.WithContext(ctx))
	if err != nil {
		s.note(c.ID, line{From: fromSystem, Kind: kindNote, Text: "消息未能送达公众号（网络错误）"})
		return "", fmt.Errorf("post the callback: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		s.note(c.ID, line{From: fromSystem, Kind: kindNote, Text: fmt.Sprintf("公众号服务器没有正常应答（HTTP %d）", resp.StatusCode)})
		return "", fmt.Errorf("the callback answered HTTP %d (%v)", resp.StatusCode, err)
	}
	reply, err := s.passive(body)
	if err != nil {
		s.note(c.ID, line{From: fromSystem, Kind: kindNote, Text: "公众号的被动回复无法解析"})
		return "", err
	}
	if reply != nil {
		s.note(c.ID, *reply)
		return reply.Text, nil
	}
	return "", nil
}

// sentLine is what the customer did, as their chat shows it.
func sentLine(req customerRequest, now time.Time) line {
	switch {
	case req.Event == "subscribe":
		return line{At: now, From: fromSystem, Kind: kindEvent, Text: "你关注了公众号"}
	case req.Event != "":
		return line{At: now, From: fromSystem, Kind: kindEvent, Text: "点击菜单「" + menuKeys[req.Key] + "」"}
	}
	return line{At: now, From: fromCustomer, Kind: kindText, Text: req.Text, MenuID: req.MenuID}
}

// passive reads the callback's answer: nil for "success" or nothing, the
// text of a passive text reply, a note for another kind.
func (s *Sandbox) passive(body []byte) (*line, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || string(body) == "success" {
		return nil, nil
	}
	p, err := wechattest.ParsePassive(body)
	if err != nil {
		return nil, err
	}
	at := s.d.Clock.Now()
	if p.MsgType != "text" {
		return &line{At: at, From: fromAccount, Kind: kindNote, Text: "[" + p.MsgType + " 消息]", Via: viaPassive}, nil
	}
	return &line{At: at, From: fromAccount, Kind: kindText, Text: p.Content, Via: viaPassive}, nil
}

// note records a line of a customer's chat at the wall time now.
func (s *Sandbox) note(openID string, l line) {
	l.wall = s.d.Clock.wall()
	if l.At.IsZero() {
		l.At = s.d.Clock.Now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.said[openID] = keepLast(append(s.said[openID], l))
}

// maxLines bounds each record the sandbox keeps itself.
const maxLines = 1000

func keepLast(lines []line) []line {
	if len(lines) > maxLines {
		return lines[len(lines)-maxLines:]
	}
	return lines
}
