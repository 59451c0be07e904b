package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// Customer pushes a notice about a ticket to its customer, with the ticket
// template as the fallback outside WeChat's 48-hour window. A failure is
// logged: the change it tells of stands.
func (n *Notifier) Customer(ctx context.Context, t *bot.Ticket, text, status string) {
	n.Reply(ctx, t, bot.Reply{Text: text, Fallback: TicketTemplate(t, status, n.now(), n.policy.Location)})
}

// Reply pushes a reply (a question with choices, say) to a ticket's
// customer, with its fallback.
func (n *Notifier) Reply(ctx context.Context, t *bot.Ticket, r bot.Reply) {
	if n.customer == nil || t.CallBack {
		return
	}
	c, err := n.customers.CustomerByID(ctx, t.CustomerID)
	if err != nil {
		n.log.Error("notify customer: load customer", "ticket", t.ID, "err", err.Error())
		return
	}
	if !c.Messageable() {
		return // a caller known by phone: the engineer calls back (the ping says so)
	}
	if err := n.customer.Notify(ctx, c.OpenID, r.Notice()); err != nil {
		n.warn("notify customer", t.ID, err)
	}
}

// CustomerOnce is Customer for scheduled work, which may run twice (see
// engine.Scheduler.RunDue): the template carries key as its client_msg_id,
// and WeChat delivers one template per openid and client_msg_id within
// ten minutes, so a job run again after the lease does not repeat it. A
// customer-service message (the 48-hour window open) has no such id: a
// replica dying after the send and before its batch is recorded leaves
// that window for a repeat. The error is the caller's to judge.
func (n *Notifier) CustomerOnce(ctx context.Context, t *bot.JobTicket, text, status, key string) error {
	if n.customer == nil {
		return nil
	}
	if t.OpenID == "" {
		return fmt.Errorf("customer of ticket %d: %w", t.ID, bot.ErrNotFound)
	}
	if t.CustomerChannel != bot.ChannelWeChat {
		return nil // a caller known by phone: nothing to send
	}
	tpl := TicketTemplate(&t.Ticket, status, n.now(), n.policy.Location)
	tpl.ClientMsgID = key
	return n.customer.Notify(ctx, t.OpenID, bot.Reply{Text: text, Fallback: tpl}.Notice())
}

// Push sends replies that were not given as a passive answer (messages
// handled late); it stops at the first that fails.
func (n *Notifier) Push(ctx context.Context, to string, replies []bot.Reply) {
	if n.customer == nil {
		return
	}
	for _, r := range replies {
		if err := n.customer.Notify(ctx, to, r.Notice()); err != nil {
			n.log.Warn("push replayed reply", "err", err.Error())
			return
		}
	}
}

// Texts about a staff member's photo.
const photoNoteText = "工程师发来一张图片，请在对话中查看"

// Statuses a ticket notice carries in its template's status field. Each is
// at most five Chinese characters and nothing else, so that it fits a
// phrase keyword (PLATFORM-NOTES: WeChat refuses any other value there).
const (
	StatusTaken     = "已受理"
	StatusHandling  = "处理中"
	StatusNeedInfo  = "待补充信息"
	StatusOnSite    = "安排上门"
	StatusVisitTime = "约定上门"
	StatusArrived   = "工程师到场"
	StatusMessage   = "工程师留言"
	StatusImage     = "收到新图片"
	StatusConfirm   = "待您确认"
	StatusEscalated = "已升级处理"
	StatusClosed    = "已关闭"
)

// TicketStatuses are all of them, for the tests that check them against
// WeChat's rules.
var TicketStatuses = []string{StatusTaken, StatusHandling, StatusNeedInfo, StatusOnSite, StatusVisitTime, StatusArrived,
	StatusMessage, StatusImage, StatusConfirm, StatusEscalated, StatusClosed}

// Image pushes a staff member's image to a ticket's customer, then the
// caption; outside the window the ticket template says an image waits.
func (n *Notifier) Image(ctx context.Context, sender bot.CustomerImageSender, t *bot.Ticket, data []byte, name, caption string) {
	c, err := n.customers.CustomerByID(ctx, t.CustomerID)
	if err != nil {
		n.log.Error("send image: load customer", "ticket", t.ID, "err", err.Error())
		return
	}
	if !c.Messageable() {
		return
	}
	err = sender.SendImage(ctx, c.OpenID, data, fmt.Sprintf("ticket-%d.jpg", t.ID))
	switch {
	case errors.Is(err, bot.ErrUnreachable):
		n.Customer(ctx, t, EngineerSays(name, t.ID, photoNoteText), StatusImage)
	case err != nil:
		n.warn("send image to customer", t.ID, err)
	case caption != "":
		n.Customer(ctx, t, EngineerSays(name, t.ID, caption), StatusMessage)
	}
}

// EngineerSays is a staff member's words as the customer reads them.
func EngineerSays(name string, ticket int64, text string) string {
	return fmt.Sprintf("工程师 %s（工单 #%d）：%s", name, ticket, text)
}

// TicketTemplate is a ticket notice as a template message: short fields,
// since WeChat caps each at 20 characters.
func TicketTemplate(t *bot.Ticket, status string, at time.Time, loc *time.Location) *bot.TemplateMessage {
	return &bot.TemplateMessage{
		Kind: "ticket",
		Fields: map[string]string{
			"ticket": fmt.Sprintf("#%d", t.ID),
			"status": status,
			"time":   at.In(loc).Format("2006-01-02 15:04"),
			"note":   SummaryLine(t.Description),
		},
		ClientMsgID: fmt.Sprintf("ticket-%d-%s", t.ID, status),
	}
}
