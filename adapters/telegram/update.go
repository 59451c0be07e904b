package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hotline-desk/hotline/bot"
)

// outcome is what became of an update.
type outcome int

const (
	handled   outcome = iota // handed to the desk now, or not for the desk at all
	duplicate                // handled before: a retried webhook call, a re-fetch
	busy                     // another handler is at it right now
)

// take hands an update to the desk at most once across replicas and
// restarts. An error means the update could not be taken (the database is
// down) and should come again; the desk's own failure is logged, not
// returned, because retrying a half-done step could do it twice.
func (b *Bot) take(ctx context.Context, u tgbotapi.Update) (outcome, error) {
	su, ok, err := b.staffUpdate(ctx, u)
	if err != nil || !ok {
		return handled, err
	}
	first, err := b.updates.FirstUpdate(ctx, u.UpdateID, b.cfg.Now(), updateLease)
	if err != nil {
		return handled, err
	}
	if !first {
		return b.seenBefore(ctx, u.UpdateID)
	}
	b.handle(ctx, su)
	// Done with, whatever the desk said: record it even if ctx ended.
	done, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
	defer cancel()
	if err := b.updates.UpdateHandled(done, u.UpdateID, b.cfg.Now()); err != nil {
		b.log.Warn("telegram update handled but not recorded", slog.Int("update", u.UpdateID), slog.Any("err", err))
	}
	return handled, nil
}

func (b *Bot) seenBefore(ctx context.Context, updateID int) (outcome, error) {
	done, err := b.updates.UpdateWasHandled(ctx, updateID)
	switch {
	case err != nil:
		return handled, err
	case done:
		b.log.Debug("telegram update seen before", slog.Int("update", updateID))
		return duplicate, nil
	}
	return busy, nil
}

// handle calls the desk under HandleTimeout, detached from the caller's
// context: a webhook call Telegram gave up on must not cut a step short.
func (b *Bot) handle(ctx context.Context, su bot.StaffUpdate) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.HandleTimeout)
	defer cancel()
	if err := b.callHandler(ctx, su); err != nil {
		b.log.Error("staff update failed", slog.Int("update", su.UpdateID), slog.Int64("user", su.UserID),
			slog.Int64("chat", su.ChatID), slog.Bool("callback", su.Callback != nil), slog.Any("err", err))
	}
}

// callHandler turns a panic in the desk into an error: one bad update must
// not stop the poller that serves everyone.
func (b *Bot) callHandler(ctx context.Context, su bot.StaffUpdate) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return b.handler.HandleStaff(ctx, su)
}

// staffUpdate turns a Telegram update into the desk's terms; false means
// the update is not for the desk (not a private chat, not a message or a
// button press). The error is the database's, resolving a reply.
func (b *Bot) staffUpdate(ctx context.Context, u tgbotapi.Update) (bot.StaffUpdate, bool, error) {
	switch {
	case u.Message != nil:
		return b.fromMessage(ctx, u.UpdateID, u.Message)
	case u.CallbackQuery != nil:
		return b.fromCallback(u.UpdateID, u.CallbackQuery)
	}
	b.log.Debug("telegram update ignored: neither message nor button", slog.Int("update", u.UpdateID))
	return bot.StaffUpdate{}, false, nil
}

func (b *Bot) fromMessage(ctx context.Context, updateID int, m *tgbotapi.Message) (bot.StaffUpdate, bool, error) {
	if !b.private(updateID, m, m.From) {
		return bot.StaffUpdate{}, false, nil
	}
	su := bot.StaffUpdate{UpdateID: updateID, UserID: m.From.ID, ChatID: m.Chat.ID, Name: fullName(m.From),
		Text: b.commandText(m.Text)}
	if len(m.Photo) > 0 {
		su.PhotoID, su.Text = largest(m.Photo).FileID, m.Caption
	}
	if m.ReplyToMessage != nil {
		ticket, err := b.msgs.TicketOfMessage(ctx, m.Chat.ID, m.ReplyToMessage.MessageID)
		if err != nil && !errors.Is(err, bot.ErrNotFound) {
			return su, false, err
		}
		su.ReplyTo = ticket
	}
	return su, true, nil
}

func (b *Bot) fromCallback(updateID int, q *tgbotapi.CallbackQuery) (bot.StaffUpdate, bool, error) {
	if q.Message == nil || !b.private(updateID, q.Message, q.From) {
		return bot.StaffUpdate{}, false, nil
	}
	return bot.StaffUpdate{UpdateID: updateID, UserID: q.From.ID, ChatID: q.Message.Chat.ID, Name: fullName(q.From),
		Callback: &bot.Callback{ID: q.ID, Data: q.Data, MessageID: q.Message.MessageID}}, true, nil
}

// private reports whether m is in a private chat with a known sender: the
// desk talks to staff one to one, and ignores groups and channels.
func (b *Bot) private(updateID int, m *tgbotapi.Message, from *tgbotapi.User) bool {
	if m.Chat != nil && m.Chat.IsPrivate() && from != nil {
		return true
	}
	chatType := "none"
	if m.Chat != nil {
		chatType = m.Chat.Type
	}
	b.log.Debug("telegram update ignored: not a private chat", slog.Int("update", updateID), slog.String("chat_type", chatType))
	return false
}

// commandText drops the bot's name from a command ("/mine@hotline_bot 3"
// becomes "/mine 3"), so the desk sees every command one way.
func (b *Bot) commandText(text string) string {
	if !strings.HasPrefix(text, "/") {
		return text
	}
	word, rest, hasRest := strings.Cut(text, " ")
	cmd, name, hasName := strings.Cut(word, "@")
	if !hasName || !strings.EqualFold(name, b.api.Self.UserName) {
		return text
	}
	if hasRest {
		return cmd + " " + rest
	}
	return cmd
}

// largest is the biggest size of a photo (Telegram lists them smallest
// first, but says nothing about it).
func largest(sizes []tgbotapi.PhotoSize) tgbotapi.PhotoSize {
	best := sizes[0]
	for _, s := range sizes[1:] {
		if s.Width*s.Height > best.Width*best.Height {
			best = s
		}
	}
	return best
}

func fullName(u *tgbotapi.User) string {
	if name := strings.TrimSpace(u.FirstName + " " + u.LastName); name != "" {
		return name
	}
	return u.UserName
}
