package telegramtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Updates are built by the fake (it numbers updates and messages as
// Telegram would), then queued for getUpdates with Queue or posted to a
// webhook as Body.

// Text is a private text message from userID; a leading /word is marked as
// a command, as Telegram does.
func (f *FakeBotAPI) Text(userID int64, text string) tgbotapi.Update {
	m := f.newMessage(userID, userID, "private")
	m.Text = text
	if strings.HasPrefix(text, "/") {
		word, _, _ := strings.Cut(text, " ")
		m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: len(word)}}
	}
	return f.newUpdate(tgbotapi.Update{Message: m})
}

// Reply is a private text message from userID replying to message replyTo.
func (f *FakeBotAPI) Reply(userID int64, text string, replyTo int) tgbotapi.Update {
	u := f.Text(userID, text)
	u.Message.ReplyToMessage = &tgbotapi.Message{MessageID: replyTo, Chat: u.Message.Chat,
		From: botUser()}
	return u
}

// Photo is a private photo from userID in the given sizes, smallest first
// (as Telegram lists them), with a caption.
func (f *FakeBotAPI) Photo(userID int64, caption string, fileIDs ...string) tgbotapi.Update {
	m := f.newMessage(userID, userID, "private")
	m.Caption = caption
	for i, id := range fileIDs {
		side := 90 * (i + 1) * (i + 1)
		m.Photo = append(m.Photo, tgbotapi.PhotoSize{FileID: id, FileUniqueID: "u-" + id, Width: side, Height: side})
	}
	return f.newUpdate(tgbotapi.Update{Message: m})
}

// GroupText is a text message from userID in a group chat.
func (f *FakeBotAPI) GroupText(chatID, userID int64, text string) tgbotapi.Update {
	m := f.newMessage(chatID, userID, "group")
	m.Text = text
	return f.newUpdate(tgbotapi.Update{Message: m})
}

// Press is userID pressing an inline button with data under the bot's
// message messageID in their private chat.
func (f *FakeBotAPI) Press(userID int64, messageID int, data string) tgbotapi.Update {
	u := f.newUpdate(tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
		From: user(userID),
		Message: &tgbotapi.Message{MessageID: messageID, Chat: &tgbotapi.Chat{ID: userID, Type: "private"},
			From: botUser()},
		ChatInstance: "ci-" + strconv.FormatInt(userID, 10),
		Data:         data,
	}})
	u.CallbackQuery.ID = "cb-" + strconv.Itoa(u.UpdateID)
	return u
}

// Queue makes updates available to getUpdates, in the order given.
func (f *FakeBotAPI) Queue(updates ...tgbotapi.Update) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, updates...)
	f.notifyLocked()
}

// Body is an update as Telegram posts it to a webhook.
func Body(u tgbotapi.Update) []byte {
	b, err := json.Marshal(u)
	if err != nil {
		panic(err) // the SDK's own types always marshal
	}
	return b
}

func user(id int64) *tgbotapi.User {
	return &tgbotapi.User{ID: id, FirstName: "Staff", LastName: strconv.FormatInt(id, 10), UserName: "staff" + strconv.FormatInt(id, 10)}
}

func (f *FakeBotAPI) newMessage(chatID, userID int64, chatType string) *tgbotapi.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextMessage
	f.nextMessage++
	return &tgbotapi.Message{MessageID: id, From: user(userID), Date: int(time.Now().Unix()),
		Chat: &tgbotapi.Chat{ID: chatID, Type: chatType}}
}

func (f *FakeBotAPI) newUpdate(u tgbotapi.Update) tgbotapi.Update {
	f.mu.Lock()
	defer f.mu.Unlock()
	u.UpdateID = f.nextUpdate
	f.nextUpdate++
	return u
}

// getUpdates answers long polling: updates from offset on, waiting up to
// the timeout for one when none is queued. An offset confirms, and so
// forgets, every update before it, as on Telegram.
func (f *FakeBotAPI) getUpdates(w http.ResponseWriter, r *http.Request, params url.Values, at time.Time) {
	offset, _ := strconv.Atoi(params.Get("offset"))
	limit, _ := strconv.Atoi(params.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(params.Get("timeout"))
	deadline := time.After(time.Duration(timeout) * time.Second)
	token, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	for waited := timeout == 0; ; {
		f.mu.Lock()
		res, ready := f.pollLocked(token, offset, limit, waited)
		changed := f.changed
		if ready {
			f.calls = append(f.calls, Call{Method: "getUpdates", Params: params, At: at, OK: res.ok, ErrorCode: res.code})
			f.notifyLocked()
		}
		f.mu.Unlock()
		if ready {
			res.write(w)
			return
		}
		select {
		case <-changed:
		case <-deadline:
			waited = true
		case <-r.Context().Done():
			return
		}
	}
}

// pollLocked returns the answer to a getUpdates call, and false when the
// call should wait for an update first.
func (f *FakeBotAPI) pollLocked(token string, offset, limit int, waited bool) (reply, bool) {
	switch {
	case f.down:
		return reply{code: http.StatusBadGateway, raw: "<html><body>502 Bad Gateway</body></html>"}, true
	case token != Token:
		return apiError(http.StatusUnauthorized, "Unauthorized"), true
	case f.webhook != nil:
		return apiError(http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; "+
			"use deleteWebhook to delete the webhook first"), true
	}
	if offset != 0 {
		for len(f.queue) > 0 && f.queue[0].UpdateID < offset {
			f.queue = f.queue[1:]
		}
	}
	if len(f.queue) == 0 && !waited {
		return reply{}, false
	}
	out := append([]tgbotapi.Update{}, f.queue[:min(limit, len(f.queue))]...)
	return ok(out), true
}
