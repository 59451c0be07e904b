package intake

import (
	"fmt"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/conversation"
)

// What the desk says to a customer beyond the dialogue's own words
// (conversation/text.go).

// apologyText is what a customer reads when their message could not be
// handled now; the message itself is kept (Backlog) and handled later.
const apologyText = "抱歉，系统暂时繁忙，您的消息已保存，我们会尽快处理。请稍后再试，或回复「人工」请工程师回电。"

const (
	noTicketsText        = "您目前没有处理中的工单。如需报修，直接描述遇到的问题即可。"
	callbackNoTicketText = "好的。请先简单描述您遇到的问题并留下联系电话，提交报修后工程师会尽快给您回电。"
	callbackText         = "已为您登记人工回电（工单 #%d），工程师会尽快给您打电话。"
	complaintText        = "您的投诉已记录（工单 #%d），已转交%s，我们会立即核实，并尽快给您答复。"
)

// openedText is the promise: ticket number, severity, committed times.
func openedText(t *bot.Ticket, clock sla.Clock, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "您的报修已受理，工单号 #%d（%s）。\n", t.ID, conversation.SeverityName(t.Severity))
	if promise, err := clock.Commitment(now); err == nil {
		b.WriteString(promise + "。\n")
	}
	if t.PaidService {
		b.WriteString("贵单位的免费服务期已结束，本次服务将按有偿服务处理，工程师会与您确认。\n")
	}
	b.WriteString("工程师会尽快与您联系；如需补充情况，直接回复即可。")
	return b.String()
}

// ticketList is the customer's open tickets with their status and times.
func ticketList(ts []bot.Ticket, loc *time.Location, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "您有 %d 张处理中的工单：\n", len(ts))
	for _, t := range ts {
		fmt.Fprintf(&b, "\n#%d %s｜%s\n%s\n", t.ID, conversation.SeverityName(t.Severity), t.Status.Label(), notify.SummaryLine(t.Description))
		if t.RespondedAt == nil {
			fmt.Fprintf(&b, "响应时限：%s\n", sla.CustomerTime(t.ResponseDue.In(loc), now.Year()))
		} else if t.StaffName != "" {
			fmt.Fprintf(&b, "处理人：%s（工号 %s）\n", t.StaffName, t.StaffNumber)
		}
		if t.ResolutionDue != nil && t.Status != bot.StatusResolved {
			fmt.Fprintf(&b, "解决时限：%s\n", sla.CustomerTime(t.ResolutionDue.In(loc), now.Year()))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
