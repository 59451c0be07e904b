package telegram

import (
	"context"
	"errors"
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hotline-desk/hotline/bot"
)

// Telegram's limit on a file a bot uploads (sendDocument), in bytes.
const maxDocument = 50 << 20

// SendStaffDocument implements bot.StaffDocumentSender: the file goes at
// once, not through the outbox (a report is made again rather than kept),
// paced with the chat's other messages. The caller retries a passing
// failure; a refusal (400, 403) wraps bot.ErrRefused.
func (b *Bot) SendStaffDocument(ctx context.Context, d bot.StaffDocument) error {
	switch {
	case d.ChatID == 0 || d.Name == "" || len(d.Data) == 0:
		return fmt.Errorf("telegram document: a chat, a name and data are required: %w", bot.ErrRefused)
	case len(d.Data) > maxDocument:
		return fmt.Errorf("telegram document %s: %d bytes, over Telegram's 50 MB: %w", d.Name, len(d.Data), bot.ErrRefused)
	}
	if err := b.worker.pace.wait(ctx, d.ChatID); err != nil {
		return err
	}
	doc := tgbotapi.NewDocument(d.ChatID, tgbotapi.FileBytes{Name: d.Name, Bytes: d.Data})
	doc.Caption = clip(d.Caption, maxCaption)
	resp, err := b.apiFor(ctx, b.cfg.HTTPTimeout*4).Request(doc) // an upload takes longer than a message
	b.worker.pace.sent(d.ChatID)
	if err != nil {
		err = redact("sendDocument", b.cfg.Token, withCode(resp, err))
		if refused(err) {
			return errors.Join(bot.ErrRefused, err)
		}
		if wait, ok := retryAfter(err); ok {
			b.worker.pace.hold(d.ChatID, wait)
		}
		return err
	}
	return nil
}
