package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hotline-desk/hotline/bot"
)

// Telegram's limits on what one message carries, in UTF-16 code units.
const (
	maxText    = 4096
	maxCaption = 1024
	maxData    = 64 // bytes of callback_data
)

// SendStaff implements bot.StaffSender: the message is stored in the
// outbox and the worker delivers it. It returns once stored.
func (b *Bot) SendStaff(ctx context.Context, m bot.StaffMessage) error {
	if err := checkMessage(m); err != nil {
		return err
	}
	return b.enqueue(ctx, bot.OutboxItem{ChatID: m.ChatID, Kind: bot.OutboxSend, Ref: m.Ref, TicketID: m.TicketID,
		Key: m.Key, DueAt: m.NotBefore}, m)
}

// EditStaff implements bot.StaffSender: the edit is stored in the outbox,
// behind the messages to the same chat stored before it, so it finds the
// message it edits already sent.
func (b *Bot) EditStaff(ctx context.Context, e bot.StaffEdit) error {
	if e.ChatID == 0 || e.Ref == "" || e.Text == "" {
		return errors.New("telegram edit: a chat, a ref and a text are required")
	}
	if err := checkButtons(e.Buttons); err != nil {
		return err
	}
	return b.enqueue(ctx, bot.OutboxItem{ChatID: e.ChatID, Kind: bot.OutboxEdit, Ref: e.Ref}, e)
}

func (b *Bot) enqueue(ctx context.Context, item bot.OutboxItem, payload any) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("telegram outbox: %w", err)
	}
	now := b.cfg.Now()
	item.Payload, item.CreatedAt = string(raw), now
	if item.DueAt.Before(now) {
		item.DueAt = now // held items (NotBefore) keep their later time
	}
	if _, err := b.outbox.Enqueue(ctx, item); err != nil {
		return fmt.Errorf("telegram outbox: %w", err)
	}
	b.worker.poke()
	return nil
}

// checkMessage refuses what Telegram would refuse for good, while the
// caller can still hear of it.
func checkMessage(m bot.StaffMessage) error {
	if m.ChatID == 0 {
		return errors.New("telegram message: no chat")
	}
	if m.Text == "" && m.PhotoID == "" {
		return errors.New("telegram message: no text and no photo")
	}
	return checkButtons(m.Buttons)
}

func checkButtons(rows [][]bot.Button) error {
	for _, row := range rows {
		for _, btn := range row {
			if btn.Text == "" || btn.Data == "" || len(btn.Data) > maxData {
				return fmt.Errorf("telegram button %q: needs a text and 1-%d bytes of data, has %d", btn.Text, maxData, len(btn.Data))
			}
		}
	}
	return nil
}

// deliver makes the Bot API call an outbox item stands for and returns the
// id of the message sent or edited.
func (w *worker) deliver(ctx context.Context, it bot.OutboxItem) (int, error) {
	switch it.Kind {
	case bot.OutboxSend:
		var m bot.StaffMessage
		if err := json.Unmarshal([]byte(it.Payload), &m); err != nil {
			return 0, fmt.Errorf("%w: %v", errBadPayload, err)
		}
		return w.send(ctx, it, m)
	case bot.OutboxEdit:
		var e bot.StaffEdit
		if err := json.Unmarshal([]byte(it.Payload), &e); err != nil {
			return 0, fmt.Errorf("%w: %v", errBadPayload, err)
		}
		return w.edit(ctx, it.ChatID, e)
	}
	return 0, fmt.Errorf("%w: kind %q", errBadPayload, it.Kind)
}

// errBadPayload: an outbox row this code cannot read; no retry will help.
var errBadPayload = errors.New("unreadable outbox item")

func (w *worker) send(ctx context.Context, it bot.OutboxItem, m bot.StaffMessage) (int, error) {
	notice := m // the text that goes when Telegram refuses the photo itself
	photo, err := w.photoOf(ctx, it, &m)
	if err != nil {
		return 0, err
	}
	id, err := w.sendOne(it, m, photo)
	if tgErr, ok := telegramError(err); ok && photo != nil && tgErr.Code == 400 {
		// A photo Telegram will never take (too big, not an image): the
		// engineer gets the words, and the chat goes on.
		w.log.Warn("telegram refused a photo; sending the text instead", itemAttrs(it, err)...)
		notice.PhotoID, notice.CustomerMedia = "", ""
		notice.Text = clip(notice.Text, maxText-40) + "\n（图片未能在 Telegram 显示：" + clip(tgErr.Message, 30) + "）"
		return w.sendOne(it, notice, nil)
	}
	return id, err
}

// sendOne makes the call: sendPhoto with photo, else sendMessage.
func (w *worker) sendOne(it bot.OutboxItem, m bot.StaffMessage, photo tgbotapi.RequestFileData) (int, error) {
	var c tgbotapi.Chattable
	if photo != nil {
		p := tgbotapi.NewPhoto(it.ChatID, photo)
		p.Caption = clip(m.Text, maxCaption)
		p.ReplyMarkup = keyboard(m.Buttons)
		c = p
	} else {
		msg := tgbotapi.NewMessage(it.ChatID, clip(m.Text, maxText))
		msg.ReplyMarkup = keyboard(m.Buttons)
		c = msg
	}
	resp, err := w.api.Request(c)
	if err != nil {
		return 0, redact(methodOf(photo), w.cfg.Token, withCode(resp, err))
	}
	var sent tgbotapi.Message
	if err := json.Unmarshal(resp.Result, &sent); err != nil {
		return 0, fmt.Errorf("%s: read the sent message: %w", methodOf(photo), err)
	}
	return sent.MessageID, nil
}

// withCode gives Telegram's refusal of an upload its error code: the
// library builds upload errors without it (PLATFORM-NOTES), so a 400 or
// 403 to sendPhoto would look like a passing failure and be retried for
// ever, holding every later message to that chat behind it.
func withCode(resp *tgbotapi.APIResponse, err error) error {
	if tgErr, ok := telegramError(err); ok && tgErr.Code == 0 && resp != nil && resp.ErrorCode != 0 {
		tgErr.Code = resp.ErrorCode
	}
	return err
}

// photoOf is the photo m sends, or nil for a text message. A customer's
// photo goes as bytes with its caption as the text; when it cannot be
// had, m's text notice goes instead.
func (w *worker) photoOf(ctx context.Context, it bot.OutboxItem, m *bot.StaffMessage) (tgbotapi.RequestFileData, error) {
	switch {
	case m.CustomerMedia != "":
		data, err := w.customerPhoto(ctx, it, *m)
		if err != nil || data == nil {
			return nil, err
		}
		m.Text = m.MediaCaption
		return tgbotapi.FileBytes{Name: "photo.jpg", Bytes: data}, nil
	case m.PhotoID != "":
		return photoFile(m.PhotoID), nil
	}
	return nil, nil
}

func methodOf(photo tgbotapi.RequestFileData) string {
	if photo != nil {
		return "sendPhoto"
	}
	return "sendMessage"
}

// edit changes the message last sent under e.Ref. Without buttons the
// message loses its keyboard, as Telegram does when an edit has no markup.
func (w *worker) edit(ctx context.Context, chatID int64, e bot.StaffEdit) (int, error) {
	id, err := w.msgs.MessageByRef(ctx, chatID, e.Ref)
	if errors.Is(err, bot.ErrNotFound) {
		return 0, fmt.Errorf("edit %q: %w", e.Ref, errNoMessage)
	}
	if err != nil {
		return 0, err
	}
	c := tgbotapi.NewEditMessageText(chatID, id, clip(e.Text, maxText))
	if kb, ok := keyboard(e.Buttons).(tgbotapi.InlineKeyboardMarkup); ok {
		c = tgbotapi.NewEditMessageTextAndMarkup(chatID, id, c.Text, kb)
	}
	if _, err := w.api.Request(c); err != nil {
		return id, redact("editMessageText", w.cfg.Token, err)
	}
	return id, nil
}

// keyboard is the inline keyboard for rows, or nil (an untyped nil, which
// the SDK leaves out of the request) for none.
func keyboard(rows [][]bot.Button) any {
	if len(rows) == 0 {
		return nil
	}
	var kb [][]tgbotapi.InlineKeyboardButton
	for _, row := range rows {
		var r []tgbotapi.InlineKeyboardButton
		for _, btn := range row {
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(btn.Text, btn.Data))
		}
		kb = append(kb, r)
	}
	return tgbotapi.NewInlineKeyboardMarkup(kb...)
}

// photoFile tells a URL, which Telegram fetches, from a file id it knows.
func photoFile(id string) tgbotapi.RequestFileData {
	if strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "http://") {
		return tgbotapi.FileURL(id)
	}
	return tgbotapi.FileID(id)
}

// clip cuts s to at most limit UTF-16 code units (how Telegram counts),
// ending with an ellipsis when cut, rather than have Telegram refuse it.
func clip(s string, limit int) string {
	if utf16Len(s) <= limit {
		return s
	}
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > limit-1 {
			return s[:i] + "…"
		}
	}
	return s
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
