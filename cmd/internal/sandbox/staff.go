package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// maxStaffText is Telegram's limit on a message's text, in characters.
const maxStaffText = 4096

// staffRequest is POST /sandbox/staff: a text (a command when it starts
// with /), a reply to one of the bot's messages, or a button pressed.
type staffRequest struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	ReplyTo int    `json:"reply_to"`
	Press   *press `json:"press"`
}

type press struct {
	MessageID int    `json:"message_id"`
	Data      string `json:"data"`
}

// serveStaff queues what the staff member did as an update in the fake
// Bot API, where the Telegram adapter's long poll picks it up.
func (s *Sandbox) serveStaff(w http.ResponseWriter, r *http.Request) {
	var req staffRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := staffNamed(req.ID)
	var u tgbotapi.Update
	var l line
	if err == nil {
		u, l, err = s.staffUpdate(p, req)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l.At, l.wall = s.d.Clock.Now(), s.d.Clock.wall()
	s.mu.Lock()
	s.did[p.TelegramID] = keepLast(append(s.did[p.TelegramID], l))
	if u.CallbackQuery != nil {
		s.pressers[u.CallbackQuery.ID] = p.TelegramID
	}
	s.d.Telegram.Queue(u)
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{"ok": true, "update_id": u.UpdateID})
}

// staffUpdate builds the update Telegram would send for req, and the line
// the staff member's chat shows for it; a refusal for what Telegram would
// never send (an empty or overlong text, a reply to or a press on a
// message the bot did not send this person, a button it does not carry).
func (s *Sandbox) staffUpdate(p Person, req staffRequest) (tgbotapi.Update, line, error) {
	tg := s.d.Telegram
	if req.Press != nil {
		if req.Text != "" || req.ReplyTo != 0 {
			return tgbotapi.Update{}, line{}, refuse(http.StatusBadRequest, "按按钮不带文字", "a press carries no text or reply_to")
		}
		label, err := s.buttonOn(p, req.Press.MessageID, req.Press.Data)
		if err != nil {
			return tgbotapi.Update{}, line{}, err
		}
		return tg.Press(p.TelegramID, req.Press.MessageID, req.Press.Data),
			line{From: fromSystem, Kind: kindPress, Text: "按下「" + label + "」", ReplyTo: req.Press.MessageID}, nil
	}
	switch {
	case strings.TrimSpace(req.Text) == "":
		return tgbotapi.Update{}, line{}, refuse(http.StatusBadRequest, "请输入内容", "text is empty")
	case utf8.RuneCountInString(req.Text) > maxStaffText:
		return tgbotapi.Update{}, line{}, refuse(http.StatusBadRequest, "内容太长", fmt.Sprintf("text is over %d characters", maxStaffText))
	case req.ReplyTo != 0:
		if _, ok := s.botMessage(p, req.ReplyTo); !ok {
			return tgbotapi.Update{}, line{}, refuse(http.StatusBadRequest, "只能回复机器人发给您的消息", "reply_to is not a message the bot sent this staff member")
		}
		u := tg.Reply(p.TelegramID, req.Text, req.ReplyTo)
		return u, line{From: fromStaff, Kind: kindText, Text: req.Text, MessageID: u.Message.MessageID, ReplyTo: req.ReplyTo}, nil
	}
	u := tg.Text(p.TelegramID, req.Text)
	return u, line{From: fromStaff, Kind: kindText, Text: req.Text, MessageID: u.Message.MessageID}, nil
}

// botMessage is the bot's message id in p's chat, as it shows now.
func (s *Sandbox) botMessage(p Person, id int) (line, bool) {
	if id <= 0 {
		return line{}, false
	}
	for _, l := range s.staffChat(p) {
		if l.From == fromBot && l.MessageID == id {
			return l, true
		}
	}
	return line{}, false
}

// buttonOn returns the text of the button with data on the bot's message
// id in p's chat, or a refusal when the message does not carry it (now).
func (s *Sandbox) buttonOn(p Person, id int, data string) (string, error) {
	l, ok := s.botMessage(p, id)
	if !ok {
		return "", refuse(http.StatusBadRequest, "没有这条消息", "message_id is not a message the bot sent this staff member")
	}
	for _, row := range l.Buttons {
		for _, b := range row {
			if b.CallbackData == data && data != "" {
				return b.Text, nil
			}
		}
	}
	return "", refuse(http.StatusBadRequest, "这条消息上没有这个按钮", "the message carries no button with that data")
}
