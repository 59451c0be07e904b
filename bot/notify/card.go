package notify

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/conversation"
)

// How a ticket reads to staff: the card of a ping, a reminder or /ticket,
// the lines of its service log, and its buttons.

// Card is a ticket as staff read it in a ping or /ticket.
func (n *Notifier) Card(t *bot.Ticket, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "工单 #%d｜%s｜%s\n", t.ID, conversation.SeverityName(t.Severity), t.Status.Label())
	fmt.Fprintf(&b, "单位：%s\n联系人：%s  电话：%s\n", OrDash(t.UnitName), OrDash(t.ContactName), OrDash(t.Phone))
	if t.Channel != "" && t.Channel != bot.ChannelWeChat {
		fmt.Fprintf(&b, "受理渠道：%s\n", bot.ChannelLabel(t.Channel))
	}
	if t.CallBack {
		b.WriteString(CallBackLine(t) + "\n")
	}
	if t.Room != "" {
		fmt.Fprintf(&b, "房间：%s\n", t.Room)
	}
	fmt.Fprintf(&b, "问题：%s\n", t.Description)
	fmt.Fprintf(&b, "类型：%s\n分类：%s\n", bot.KindLabel(cmp.Or(t.Kind, bot.KindFault)), bot.CategoryLabel(t.Category))
	if t.PaidService {
		b.WriteString("⚠️ 免费服务期外（有偿服务）\n")
	}
	if t.RespondedAt == nil {
		b.WriteString(n.DeadlineLine("响应时限", t.ResponseDue, now) + "\n")
	}
	if t.ResolutionDue != nil && t.ResolvedAt == nil {
		b.WriteString(n.DeadlineLine("解决时限", *t.ResolutionDue, now) + "\n")
	}
	if line := n.visitLine(t, now); line != "" {
		b.WriteString(line + "\n")
	}
	if t.StaffName != "" {
		fmt.Fprintf(&b, "处理人：%s（%s）\n", t.StaffName, t.StaffNumber)
	}
	return strings.TrimRight(b.String(), "\n")
}

// visitLine is where an on-site visit stands: its deadline while the
// engineer is awaited, then the arrival and the departure; "" with none.
func (n *Notifier) visitLine(t *bot.Ticket, now time.Time) string {
	clock := func(at *time.Time) string { return at.In(n.policy.Location).Format("01-02 15:04") }
	switch {
	case t.VisitDecidedAt == nil:
		return ""
	case t.VisitLeftAt != nil:
		return fmt.Sprintf("上门：%s 到场，%s 离场", clock(t.VisitArrivedAt), clock(t.VisitLeftAt))
	case t.VisitArrivedAt != nil:
		return fmt.Sprintf("上门：%s 已到场", clock(t.VisitArrivedAt))
	case t.VisitDue != nil && !t.Met(bot.GoalVisit):
		return n.DeadlineLine("到场时限", *t.VisitDue, now)
	case t.VisitDue == nil && t.ResolvedAt == nil:
		return "上门：待约定时间"
	}
	return ""
}

// CallBackLine tells staff that a ticket's customer is reached by phone
// only.
func CallBackLine(t *bot.Ticket) string {
	return fmt.Sprintf("📞 客户未关注公众号，微信无法送达：请电话联系 %s %s", t.ContactName, t.Phone)
}

// DeadlineLine is one committed time for staff: when, and how long left.
func (n *Notifier) DeadlineLine(label string, due, now time.Time) string {
	loc := n.policy.Location
	return fmt.Sprintf("%s：%s（%s）", label, sla.CustomerTime(due.In(loc), now.In(loc).Year()), TimeLeft(due, now))
}

// EventLine is one line of the service log for staff.
func (n *Notifier) EventLine(e bot.Event) string {
	at := e.At.In(n.policy.Location).Format("01-02 15:04")
	body := e.Body
	if e.MediaID != "" && body == "" {
		body = "[" + e.Kind + "]"
	}
	who := e.ActorKind
	if e.ActorKind == bot.ActorStaff {
		who = "工号 " + e.Actor
	}
	return fmt.Sprintf("%s %s %s %s", at, who, e.Kind, SummaryLine(body))
}

// TimeLeft reads "剩 3小时50分" before due and "已超时 20分" after.
func TimeLeft(due, now time.Time) string {
	d := due.Sub(now)
	if d < 0 {
		return "已超时 " + HoursMinutes(-d)
	}
	return "剩 " + HoursMinutes(d)
}

// HoursMinutes reads a span as staff do: 2天3小时, 3小时50分, 20分.
func HoursMinutes(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h >= 48:
		return fmt.Sprintf("%d天%d小时", h/24, h%24)
	case h > 0:
		return fmt.Sprintf("%d小时%d分", h, m)
	}
	return fmt.Sprintf("%d分", m)
}

// OrDash is s, or a dash for nothing.
func OrDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// SummaryLine is the start of a description, short enough for one line.
func SummaryLine(s string) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return string(r)
}

// SeverityShort is a severity in a word or two.
func SeverityShort(n int) string {
	return [...]string{"?", "致命", "严重", "普通", "小问题", "建议"}[min(max(n, 0), 5)]
}

func relayText(t *bot.Ticket, e bot.Event) string {
	switch {
	case e.Kind == bot.EventComplaint:
		return fmt.Sprintf("⚠️ 工单 #%d 客户投诉：%s\n（回复本消息即可答复客户）", t.ID, e.Body)
	case e.Kind == bot.EventCallback:
		return fmt.Sprintf("📞 工单 #%d 客户请求人工回电：%s %s", t.ID, t.ContactName, t.Phone)
	case e.MediaID != "" && e.Kind == bot.EventImage:
		return fmt.Sprintf("💬 工单 #%d 客户发来一张图片（已存入工单，素材 ID %s）", t.ID, e.MediaID)
	case e.MediaID != "" && e.Kind == bot.EventVideo:
		return fmt.Sprintf("💬 工单 #%d 客户发来一段视频（已存入工单，素材 ID %s，3 天内可取）", t.ID, e.MediaID)
	case e.MediaID != "":
		return fmt.Sprintf("💬 工单 #%d 客户发来一条语音（已存入工单，素材 ID %s）", t.ID, e.MediaID)
	case e.Kind == bot.EventLocation || e.Kind == bot.EventLink || e.Kind == bot.EventFile:
		return fmt.Sprintf("💬 工单 #%d 客户发来%s：%s\n（回复本消息即可答复客户）", t.ID, attachmentNames[e.Kind], e.Body)
	}
	return fmt.Sprintf("💬 工单 #%d 客户：%s\n（回复本消息即可答复客户）", t.ID, e.Body)
}

// attachmentNames word the kinds of messages a relay names.
var attachmentNames = map[string]string{bot.EventLocation: "位置", bot.EventLink: "链接", bot.EventFile: "文件"}

// Button actions of a ticket; the callback data is "action:ticket[:arg]",
// well under Telegram's 64 bytes.
const (
	ActAck      = "ack"
	ActResolve  = "res"
	ActReassign = "re"
	ActOnSite   = "os"
	// The visit's buttons after 需上门: 到场, 离场, 约定时间.
	ActArrive    = "arr"
	ActLeave     = "lv"
	ActVisitTime = "vt"
	ActWait      = "wait"
	ActTo        = "to"
	// ActEscalationAck acknowledges an escalation (leads and managers).
	ActEscalationAck = "eack"
)

// CallbackData is a button's data: action:ticket[:arg…].
func CallbackData(action string, ticket int64, arg ...string) string {
	s := action + ":" + strconv.FormatInt(ticket, 10)
	for _, a := range arg {
		s += ":" + a
	}
	return s
}

// PingButtons are the ticket's actions in its current state.
func PingButtons(t *bot.Ticket) [][]bot.Button {
	b := func(text, action string) bot.Button { return bot.Button{Text: text, Data: CallbackData(action, t.ID)} }
	second := append([]bot.Button{b("转派", ActReassign)}, visitButtons(t, b)...)
	switch t.Status {
	case bot.StatusOpen:
		return [][]bot.Button{{b("接单", ActAck), b("已解决", ActResolve)}, second}
	case bot.StatusAcknowledged:
		return [][]bot.Button{{b("已解决", ActResolve), b("等待客户", ActWait)}, second}
	case bot.StatusWaiting:
		return [][]bot.Button{{b("已解决", ActResolve)}, second}
	}
	if t.VisitArrivedAt != nil && t.VisitLeftAt == nil { // resolved on site: the departure is still to record
		return [][]bot.Button{{b("离场", ActLeave)}}
	}
	return nil
}

// visitButtons are the on-site visit's buttons: 需上门 until a visit is
// decided, then 到场 and 约定时间 until the engineer arrives, then 离场
// until they leave.
func visitButtons(t *bot.Ticket, b func(text, action string) bot.Button) []bot.Button {
	switch {
	case t.VisitDecidedAt == nil:
		return []bot.Button{b("需上门", ActOnSite)}
	case t.VisitArrivedAt == nil:
		return []bot.Button{b("到场", ActArrive), b("约定时间", ActVisitTime)}
	case t.VisitLeftAt == nil:
		return []bot.Button{b("离场", ActLeave)}
	}
	return nil
}
