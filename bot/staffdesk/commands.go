package staffdesk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
)

// command runs a slash command: the desk's own, or a registered one.
func (d *Desk) command(ctx context.Context, s *bot.Staff, chat int64, text string) error {
	name, rest, _ := strings.Cut(text, " ")
	name, _, _ = strings.Cut(name, "@") // /mine@HotlineBot in groups
	rest = strings.TrimSpace(rest)
	switch name {
	case "/start", "/help":
		return d.notify.Tell(ctx, chat, fmt.Sprintf("%s，您好。\n%s", s.Label(), d.helpText()))
	case "/mine":
		return d.listTickets(ctx, chat, &s.ID, "我的未结工单")
	case "/queue":
		if !s.IsLead() {
			return d.notify.Tell(ctx, chat, "/queue 仅限主管和经理使用。")
		}
		return d.listTickets(ctx, chat, nil, "全部未结工单")
	case "/ticket":
		return d.showTicket(ctx, s, chat, rest)
	case "/say":
		num, msg, _ := strings.Cut(rest, " ")
		id, err := strconv.ParseInt(strings.TrimPrefix(num, "#"), 10, 64)
		if err != nil || strings.TrimSpace(msg) == "" {
			return d.notify.Tell(ctx, chat, "用法：/say 工单号 内容，例如 /say 12 您好，我们马上处理。")
		}
		return d.say(ctx, s, chat, id, strings.TrimSpace(msg))
	}
	if c, ok := d.commands[name]; ok {
		return c(ctx, s, chat, rest)
	}
	return d.notify.Tell(ctx, chat, "不认识的命令。\n"+d.helpText())
}

// listTickets answers /mine and /queue: most urgent first, with time left.
func (d *Desk) listTickets(ctx context.Context, chat int64, assignee *int64, title string) error {
	ts, err := d.tickets.ActiveTickets(ctx, assignee)
	if err != nil {
		return fmt.Errorf("list tickets: %w", err)
	}
	if len(ts) == 0 {
		return d.notify.Tell(ctx, chat, title+"：无。")
	}
	now := d.now()
	var b strings.Builder
	fmt.Fprintf(&b, "%s（%d）：\n", title, len(ts))
	for _, t := range ts {
		fmt.Fprintf(&b, "\n#%d %s｜%s｜%s\n%s\n", t.ID, notify.SeverityShort(t.Severity), t.Status.Label(), notify.OrDash(t.StaffName), notify.SummaryLine(t.Description))
		if due, label := t.NextDeadline(); !due.IsZero() {
			b.WriteString(d.notify.DeadlineLine(label, due, now) + "\n")
		}
	}
	return d.notify.Tell(ctx, chat, strings.TrimRight(b.String(), "\n"))
}

// showTicket answers /ticket N with the card and the service log; a
// lead's carries the classification buttons, for any ticket, open or
// closed, and the buttons other rooms add (Card).
func (d *Desk) showTicket(ctx context.Context, s *bot.Staff, chat int64, arg string) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil {
		return d.notify.Tell(ctx, chat, "用法：/ticket 工单号，例如 /ticket 12")
	}
	t, err := d.tickets.Ticket(ctx, id)
	if errors.Is(err, bot.ErrNotFound) {
		return d.notify.Tell(ctx, chat, fmt.Sprintf("没有工单 #%d。", id))
	}
	if err != nil {
		return fmt.Errorf("load ticket: %w", err)
	}
	text, err := d.ticketText(ctx, t)
	if err != nil {
		return err
	}
	m := bot.StaffMessage{ChatID: chat, TicketID: t.ID, Text: text}
	if s.IsLead() {
		m.Ref, m.Buttons = cardRef(t.ID), d.leadCard(t)
	}
	return d.notify.Send(ctx, m)
}

// helpText lists the commands, the registered ones among them.
func (d *Desk) helpText() string {
	lines := append([]string{"Hotline 工作台",
		"/mine — 我的未结工单（最紧急在前）",
		"/ticket N — 工单详情与服务记录",
		"/queue — 全部未结工单（主管）",
		"/say N 内容 — 给工单 N 的客户发消息"}, d.help...)
	return strings.Join(append(lines, "/help — 本帮助",
		"直接「回复」工单消息，内容即转达给客户。按钮：接单 / 已解决 / 转派 / 需上门。"), "\n")
}

// Texts a staff member reads when the bot does not know them.
const (
	strangerText = "您好，这是售后服务台的工作机器人，仅供登记在册的工作人员使用。如您是工作人员，请向管理员索取绑定码后发送 /start 绑定码。"
	badCodeText  = "绑定码无效或已过期，请向管理员重新索取（hotline staff invite 工号）。"
)
