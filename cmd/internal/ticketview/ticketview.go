// Package ticketview is how the operator's commands show tickets: the
// service ticket form (系统服务单) with its service log, a table of
// tickets, and the JSON of the CLI contract.
package ticketview

import (
	"fmt"
	"io"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/report"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/cmd/internal/table"
	"github.com/hotline-desk/hotline/conversation"
)

// Form prints the service ticket form (系统服务单) and the service log.
func Form(w io.Writer, t *bot.Ticket, events []bot.Event, loc *time.Location) {
	at := func(p *time.Time) string {
		if p == nil {
			return "—"
		}
		return p.In(loc).Format("2006-01-02 15:04")
	}
	rule := func(r string) string {
		if r == "" {
			return ""
		}
		return "（" + ruleName(r) + "）"
	}
	fmt.Fprintf(w, "系统服务单 #%d\n", t.ID)
	fmt.Fprintf(w, "状态：%s\n", t.Status.Label())
	fmt.Fprintf(w, "单位：%s\n用户姓名：%s  电话：%s  房间：%s\n", t.UnitName, t.ContactName, t.Phone, dash(t.Room))
	fmt.Fprintf(w, "受理渠道：%s  严重程度：%s  服务方案：%s\n", bot.ChannelLabel(t.Channel), conversation.SeverityName(t.Severity), t.Plan)
	fmt.Fprintf(w, "类型：%s  分类：%s\n", bot.KindLabel(t.Kind), bot.CategoryLabel(t.Category))
	if t.PaidService {
		fmt.Fprintln(w, "免费服务期外（有偿服务）")
	}
	fmt.Fprintf(w, "请求时间：%s\n", at(&t.ReportedAt))
	fmt.Fprintf(w, "响应时限：%s%s  实际响应：%s\n", at(&t.ResponseDue), rule(t.ResponseRule), at(t.RespondedAt))
	fmt.Fprintf(w, "解决时限：%s%s  解决时间：%s\n", at(t.ResolutionDue), rule(t.ResolutionRule), at(t.ResolvedAt))
	fmt.Fprintf(w, "关闭时间：%s\n", at(t.ClosedAt))
	staff := "—"
	if t.StaffNumber != "" {
		staff = t.StaffName + "（工号 " + t.StaffNumber + "）"
	}
	fmt.Fprintf(w, "服务人员：%s  处理方式：%s\n", staff, dash(report.HandlingLabel(t.Handling)))
	fmt.Fprintf(w, "问题描述：%s\n解决情况：%s\n", t.Description, dash(t.Resolution))
	fmt.Fprintln(w, "\n服务记录：")
	for _, e := range events {
		who := e.ActorKind
		if e.ActorKind == bot.ActorStaff {
			who = "工号 " + e.Actor
		}
		fmt.Fprintf(w, "  %s  %-8s %-18s %s\n", e.At.In(loc).Format("2006-01-02 15:04"), who, e.Kind, e.Body)
	}
}

func ruleName(r string) string {
	switch sla.Rule(r) {
	case sla.RuleSeverity:
		return "按严重程度"
	case sla.RuleChannel:
		return "按受理渠道"
	case sla.RuleOutOfHours:
		return "非服务时间紧急受理"
	}
	return r
}

// JSON is a ticket as ticket show --json and ticket list --json
// print it; the names are the CLI contract's.
type JSON struct {
	Number         int64      `json:"number"`
	Channel        string     `json:"channel"`
	Severity       int        `json:"severity"`
	Status         string     `json:"status"`
	Unit           string     `json:"unit"`
	Contact        string     `json:"contact"`
	Phone          string     `json:"phone"`
	Room           string     `json:"room"`
	Description    string     `json:"description"`
	Plan           string     `json:"plan"`
	PaidService    bool       `json:"paid_service"`
	ReportedAt     time.Time  `json:"reported_at"`
	ResponseDue    time.Time  `json:"response_due"`
	ResponseRule   string     `json:"response_rule"`
	ResolutionDue  *time.Time `json:"resolution_due"`
	ResolutionRule string     `json:"resolution_rule"`
	RespondedAt    *time.Time `json:"responded_at"`
	ResolvedAt     *time.Time `json:"resolved_at"`
	ClosedAt       *time.Time `json:"closed_at"`
	Assignee       *string    `json:"assignee"` // staff number
	AssigneeName   string     `json:"assignee_name"`
	Handling       string     `json:"handling"`
	Resolution     string     `json:"resolution"`
	Kind           string     `json:"kind"`     // fault, consult, maintenance, upgrade
	Category       string     `json:"category"` // a fault category of the policy; "" for none
	Events         []Event    `json:"events,omitempty"`
}

// Event is a line of the service log in JSON.
type Event struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor"` // customer, system, or a staff number
	Kind  string    `json:"kind"`
	Body  string    `json:"body"`
}

// NewJSON is t, with its service log when events are given, in loc.
func NewJSON(t *bot.Ticket, events []bot.Event, loc *time.Location) JSON {
	in := func(p *time.Time) *time.Time {
		if p == nil {
			return nil
		}
		v := p.In(loc)
		return &v
	}
	out := JSON{Number: t.ID, Channel: t.Channel, Severity: t.Severity, Status: string(t.Status), Unit: t.UnitName,
		Contact: t.ContactName, Phone: t.Phone, Room: t.Room, Description: t.Description, Plan: t.Plan, PaidService: t.PaidService,
		ReportedAt: t.ReportedAt.In(loc), ResponseDue: t.ResponseDue.In(loc), ResponseRule: t.ResponseRule, ResolutionDue: in(t.ResolutionDue),
		ResolutionRule: t.ResolutionRule, RespondedAt: in(t.RespondedAt), ResolvedAt: in(t.ResolvedAt), ClosedAt: in(t.ClosedAt),
		AssigneeName: t.StaffName, Handling: t.Handling, Resolution: t.Resolution, Kind: t.Kind, Category: t.Category}
	if t.StaffNumber != "" {
		out.Assignee = &t.StaffNumber
	}
	for _, e := range events {
		actor := e.ActorKind
		if e.ActorKind == bot.ActorStaff {
			actor = e.Actor
		}
		out.Events = append(out.Events, Event{At: e.At.In(loc), Actor: actor, Kind: e.Kind, Body: e.Body})
	}
	return out
}

// Table prints tickets a line each.
func Table(out io.Writer, ts []bot.Ticket, loc *time.Location) error {
	if len(ts) == 0 {
		_, err := fmt.Fprintln(out, "(no tickets)")
		return err
	}
	tb := table.New("NUMBER", "CHANNEL", "SEV", "STATUS", "REPORTED", "RESPONSE DUE", "ASSIGNEE", "UNIT")
	for _, t := range ts {
		tb.Row(fmt.Sprintf("#%d", t.ID), t.Channel, fmt.Sprint(t.Severity), string(t.Status),
			t.ReportedAt.In(loc).Format("2006-01-02 15:04"), t.ResponseDue.In(loc).Format("2006-01-02 15:04"),
			dash(t.StaffNumber), t.UnitName)
	}
	return tb.Write(out)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// Opened says what ticket new did: the ticket, its deadlines and rules,
// its assignee, and whether the caller was told in WeChat.
func Opened(w io.Writer, t *bot.Ticket, created, linked bool, loc *time.Location) error {
	if !created {
		fmt.Fprintf(w, "ticket #%d was opened for this call before; nothing new\n", t.ID)
		return nil
	}
	fmt.Fprintf(w, "ticket #%d opened (%s, severity %d)\n", t.ID, t.Channel, t.Severity)
	fmt.Fprintf(w, "  response due   %s (%s)\n", t.ResponseDue.In(loc).Format(time.RFC3339), t.ResponseRule)
	if t.ResolutionDue != nil {
		fmt.Fprintf(w, "  resolution due %s (%s)\n", t.ResolutionDue.In(loc).Format(time.RFC3339), t.ResolutionRule)
	}
	who := "nobody on duty: queued for the leads"
	if t.AssigneeID != nil {
		who = t.StaffName + " (" + t.StaffNumber + ")"
	}
	fmt.Fprintf(w, "  assigned to    %s\n", who)
	if linked {
		fmt.Fprintln(w, "  the caller follows the official account: told in WeChat")
	} else {
		fmt.Fprintln(w, "  the caller does not follow the official account: the engineer calls back")
	}
	return nil
}
