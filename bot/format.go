package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/conversation"
)

// timeLeft reads "剩 3小时50分" before due and "已超时 20分" after.
func timeLeft(due, now time.Time) string {
	d := due.Sub(now)
	if d < 0 {
		return "已超时 " + hoursMinutes(-d)
	}
	return "剩 " + hoursMinutes(d)
}

func hoursMinutes(d time.Duration) string {
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

// deadlineLine is one committed time for staff: when, and how long left.
func (d *Desk) deadlineLine(label string, due, now time.Time) string {
	loc := d.policy.Location
	return fmt.Sprintf("%s：%s（%s）", label, sla.CustomerTime(due.In(loc), now.In(loc).Year()), timeLeft(due, now))
}

// ticketCard is a ticket as staff read it in a ping or /ticket.
func (d *Desk) ticketCard(t *Ticket, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "工单 #%d｜%s｜%s\n", t.ID, conversation.SeverityName(t.Severity), t.Status.Label())
	fmt.Fprintf(&b, "单位：%s\n联系人：%s  电话：%s\n", orDash(t.UnitName), orDash(t.ContactName), orDash(t.Phone))
	if t.Room != "" {
		fmt.Fprintf(&b, "房间：%s\n", t.Room)
	}
	fmt.Fprintf(&b, "问题：%s\n", t.Description)
	if t.PaidService {
		b.WriteString("⚠️ 免费服务期外（有偿服务）\n")
	}
	if t.RespondedAt == nil {
		b.WriteString(d.deadlineLine("响应时限", t.ResponseDue, now) + "\n")
	}
	if t.ResolutionDue != nil && t.ResolvedAt == nil {
		b.WriteString(d.deadlineLine("解决时限", *t.ResolutionDue, now) + "\n")
	}
	if t.StaffName != "" {
		fmt.Fprintf(&b, "处理人：%s（%s）\n", t.StaffName, t.StaffNumber)
	}
	return strings.TrimRight(b.String(), "\n")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// eventLine is one line of the service log for staff.
func (d *Desk) eventLine(e Event) string {
	at := e.At.In(d.policy.Location).Format("01-02 15:04")
	body := e.Body
	if e.MediaID != "" && body == "" {
		body = "[" + e.Kind + "]"
	}
	who := e.ActorKind
	if e.ActorKind == ActorStaff {
		who = "工号 " + e.Actor
	}
	return fmt.Sprintf("%s %s %s %s", at, who, e.Kind, summaryLine(body))
}
