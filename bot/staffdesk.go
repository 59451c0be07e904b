package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Texts a staff member reads when the bot does not know them.
const (
	strangerText = "您好，这是售后服务台的工作机器人，仅供登记在册的工作人员使用。如您是工作人员，请向管理员索取绑定码后发送 /start 绑定码。"
	badCodeText  = "绑定码无效或已过期，请向管理员重新索取（hotline staff invite 工号）。"
)

// staffHelp lists the staff commands.
const staffHelp = `Hotline 工作台
/mine — 我的未结工单（最紧急在前）
/ticket N — 工单详情与服务记录
/queue — 全部未结工单（主管）
/say N 内容 — 给工单 N 的客户发消息
/round — 回访轮次：新建、status、pause、resume、close（质量管理部）
/revisits — 待回访任务（质量管理部）
/help — 本帮助
直接「回复」工单消息，内容即转达给客户。按钮：接单 / 已解决 / 转派 / 需上门。`

// HandleStaff handles one thing a staff member did in the chat. Strangers
// get a polite refusal and change nothing.
func (d *Desk) HandleStaff(ctx context.Context, u StaffUpdate) error {
	s, err := d.staff.StaffByTelegram(ctx, u.UserID)
	if errors.Is(err, ErrNotFound) {
		return d.stranger(ctx, u)
	}
	if err != nil {
		return fmt.Errorf("find staff: %w", err)
	}
	if u.Callback != nil {
		return d.press(ctx, s, u)
	}
	return d.staffMessage(ctx, s, u)
}

// stranger: only /start with a valid code does anything.
func (d *Desk) stranger(ctx context.Context, u StaffUpdate) error {
	if u.Callback != nil {
		return d.answer(ctx, u.Callback.ID, "您不在工作人员名单中")
	}
	code, ok := strings.CutPrefix(strings.TrimSpace(u.Text), "/start")
	code = strings.TrimSpace(code)
	if !ok || code == "" {
		return d.tell(ctx, u.ChatID, strangerText)
	}
	s, err := d.staff.RedeemInvite(ctx, InviteHash(code), u.UserID, d.now())
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		return d.tell(ctx, u.ChatID, badCodeText)
	}
	if err != nil {
		return fmt.Errorf("redeem invite: %w", err)
	}
	d.log.Info("staff linked their chat", slog.String("staff", s.Number))
	return d.tell(ctx, u.ChatID, fmt.Sprintf("绑定成功：%s，角色 %s。\n\n%s", s.Label(), s.RolesText, staffHelp))
}

// InviteHash is how invite codes are stored: a leaked table links nobody.
func InviteHash(code string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(code)))
	return hex.EncodeToString(sum[:])
}

func (d *Desk) tell(ctx context.Context, chatID int64, text string) error {
	if d.staffChat == nil {
		return nil
	}
	return d.staffChat.SendStaff(ctx, StaffMessage{ChatID: chatID, Text: text})
}

func (d *Desk) answer(ctx context.Context, callbackID, text string) error {
	if d.answerer == nil {
		return nil
	}
	return d.answerer.AnswerCallback(ctx, callbackID, text)
}

// staffMessage handles a command, a reply to a ticket message, or the
// resolution note the bot asked for.
func (d *Desk) staffMessage(ctx context.Context, s *Staff, u StaffUpdate) error {
	text := strings.TrimSpace(u.Text)
	if id, caption, ok := photoTicket(u, text); ok {
		return d.staffPhoto(ctx, s, u.ChatID, id, u.PhotoID, caption)
	}
	if strings.HasPrefix(text, "/") {
		return d.command(ctx, s, u.ChatID, text)
	}
	if u.ReplyTo != 0 {
		return d.staffSay(ctx, s, u.ChatID, u.ReplyTo, text)
	}
	st, err := d.states.StaffState(ctx, s.ID)
	if err != nil {
		return fmt.Errorf("staff state: %w", err)
	}
	if handled, err := d.surveyStaffText(ctx, s, u.ChatID, st, text); handled {
		return err
	}
	switch {
	case st.Awaiting == awaitNote && text != "":
		return d.noteReceived(ctx, s, u.ChatID, st, text)
	case st.Awaiting == awaitMissing && text != "":
		return d.startWaiting(ctx, s, u.ChatID, st, text)
	}
	return d.tell(ctx, u.ChatID, "要答复客户，请「回复」对应的工单消息，或发送 /say 工单号 内容。\n"+staffHelp)
}

func (d *Desk) command(ctx context.Context, s *Staff, chat int64, text string) error {
	name, rest, _ := strings.Cut(text, " ")
	name, _, _ = strings.Cut(name, "@") // /mine@HotlineBot in groups
	rest = strings.TrimSpace(rest)
	switch name {
	case "/start", "/help":
		return d.tell(ctx, chat, fmt.Sprintf("%s，您好。\n%s", s.Label(), staffHelp))
	case "/mine":
		return d.listTickets(ctx, chat, &s.ID, "我的未结工单")
	case "/queue":
		if !s.IsLead() {
			return d.tell(ctx, chat, "/queue 仅限主管和经理使用。")
		}
		return d.listTickets(ctx, chat, nil, "全部未结工单")
	case "/ticket":
		return d.showTicket(ctx, chat, rest)
	case "/round":
		return d.roundCommand(ctx, s, chat, rest)
	case "/revisits":
		return d.listRevisits(ctx, s, chat)
	case "/say":
		num, msg, _ := strings.Cut(rest, " ")
		id, err := strconv.ParseInt(strings.TrimPrefix(num, "#"), 10, 64)
		if err != nil || strings.TrimSpace(msg) == "" {
			return d.tell(ctx, chat, "用法：/say 工单号 内容，例如 /say 12 您好，我们马上处理。")
		}
		return d.staffSay(ctx, s, chat, id, strings.TrimSpace(msg))
	}
	return d.tell(ctx, chat, "不认识的命令。\n"+staffHelp)
}

// listTickets answers /mine and /queue: most urgent first, with time left.
func (d *Desk) listTickets(ctx context.Context, chat int64, assignee *int64, title string) error {
	ts, err := d.tickets.ActiveTickets(ctx, assignee)
	if err != nil {
		return fmt.Errorf("list tickets: %w", err)
	}
	if len(ts) == 0 {
		return d.tell(ctx, chat, title+"：无。")
	}
	now := d.now()
	var b strings.Builder
	fmt.Fprintf(&b, "%s（%d）：\n", title, len(ts))
	for _, t := range ts {
		fmt.Fprintf(&b, "\n#%d %s｜%s｜%s\n%s\n", t.ID, severityShort(t.Severity), t.Status.Label(), orDash(t.StaffName), summaryLine(t.Description))
		if due, label := nextDeadline(&t); !due.IsZero() {
			b.WriteString(d.deadlineLine(label, due, now) + "\n")
		}
	}
	return d.tell(ctx, chat, strings.TrimRight(b.String(), "\n"))
}

func severityShort(n int) string {
	return [...]string{"?", "致命", "严重", "普通", "小问题", "建议"}[min(max(n, 0), 5)]
}

// nextDeadline is the deadline the ticket is racing now.
func nextDeadline(t *Ticket) (time.Time, string) {
	switch {
	case t.RespondedAt == nil:
		return t.ResponseDue, "响应时限"
	case t.ResolutionDue != nil && t.ResolvedAt == nil:
		return *t.ResolutionDue, "解决时限"
	}
	return time.Time{}, ""
}

// showTicket answers /ticket N with the card and the service log.
func (d *Desk) showTicket(ctx context.Context, chat int64, arg string) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil {
		return d.tell(ctx, chat, "用法：/ticket 工单号，例如 /ticket 12")
	}
	t, err := d.tickets.Ticket(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return d.tell(ctx, chat, fmt.Sprintf("没有工单 #%d。", id))
	}
	if err != nil {
		return fmt.Errorf("load ticket: %w", err)
	}
	events, err := d.tickets.Events(ctx, id)
	if err != nil {
		return fmt.Errorf("load events: %w", err)
	}
	var b strings.Builder
	b.WriteString(d.ticketCard(t, d.now()) + "\n\n服务记录：")
	for _, e := range events[max(0, len(events)-30):] {
		b.WriteString("\n" + d.eventLine(e))
	}
	return d.sendStaff(ctx, StaffMessage{ChatID: chat, TicketID: t.ID, Text: b.String()})
}
