package staffdesk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/staffdialog"
)

// A ticket's kind and category (bot/staffdialog's classification): the
// buttons after a resolution, on a lead's /ticket N, and their presses.

// classifyRef names the message with the classification buttons that
// follows a resolution; cardRef names a lead's /ticket N, which carries
// them too. A press rewrites the message it came from, so that its ✓
// moves.
func classifyRef(ticket int64) string { return fmt.Sprintf("cls:%d", ticket) }
func cardRef(ticket int64) string     { return fmt.Sprintf("card:%d", ticket) }

// offerClassify sends the engineer who resolved t its classification
// buttons.
func (d *Desk) offerClassify(ctx context.Context, chat int64, t *bot.Ticket) error {
	return d.notify.Send(ctx, bot.StaffMessage{ChatID: chat, Ref: classifyRef(t.ID), TicketID: t.ID,
		Text: staffdialog.ClassifyPrompt(t.ID), Buttons: staffdialog.ClassifyButtons(t, d.policy.Categories, false)})
}

// classify applies a classification button (data is its callback data)
// and shows the result on the message pressed. Who may press was checked
// with the ticket's other buttons: its assignee or a lead.
func (d *Desk) classify(ctx context.Context, s *bot.Staff, chat int64, t *bot.Ticket, data string) (string, error) {
	p, ok := staffdialog.ParseClassify(data)
	if !ok {
		return "无效的按钮", nil
	}
	kind, category, refusal := p.Classification(t, d.policy.Categories)
	if refusal != "" {
		return refusal, nil
	}
	t2, err := d.lifecycle.Classify(ctx, s, t, kind, category)
	var ue *bot.UserError
	if errors.As(err, &ue) {
		return ue.Message, nil
	}
	if err != nil {
		return "", err
	}
	if err := d.showClassification(ctx, chat, t2, p.OnCard); err != nil {
		d.log.Warn("show the classification", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
	}
	return staffdialog.ClassifiedToast(t2, t2.Kind != t.Kind || t2.Category != t.Category), nil
}

// showClassification rewrites the message pressed with t's buttons as
// they are now: the prompt after a resolution, or the card of /ticket N.
// An edit that changes nothing is harmless (the staff chat takes Telegram's
// "not modified" as done), and it puts right buttons that another press
// made stale.
func (d *Desk) showClassification(ctx context.Context, chat int64, t *bot.Ticket, onCard bool) error {
	e := bot.StaffEdit{ChatID: chat, Ref: classifyRef(t.ID), Text: staffdialog.ClassifyPrompt(t.ID),
		Buttons: staffdialog.ClassifyButtons(t, d.policy.Categories, onCard)}
	if onCard {
		text, err := d.ticketText(ctx, t)
		if err != nil {
			return err
		}
		e.Ref, e.Text, e.Buttons = cardRef(t.ID), text, d.leadCard(t)
	}
	return d.notify.Edit(ctx, e)
}

// ticketText is /ticket N's message: the card and the service log.
func (d *Desk) ticketText(ctx context.Context, t *bot.Ticket) (string, error) {
	lines, err := d.notify.ServiceLog(ctx, t.ID, 30)
	if err != nil {
		return "", fmt.Errorf("load events: %w", err)
	}
	return d.notify.Card(t, d.now()) + "\n\n服务记录：" + lines, nil
}
