package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// confirmTap reads a tap on the confirmation menu sent after resolution.
func confirmTap(in Inbound) (solved, ok bool) {
	switch in.MenuID {
	case menuSolved:
		return true, true
	case menuUnsolved:
		return false, true
	}
	return false, false
}

var (
	solvedWords   = []string{"1", "１", "已解决", "解决了", "已经解决", "是", "是的", "好了", "可以了", "确认"}
	unsolvedWords = []string{"2", "２", "未解决", "没解决", "没有解决", "还没解决", "否", "不是", "没有", "不行", "还是不行"}
)

// parseConfirmation reads a typed answer to "问题是否已经解决？".
func parseConfirmation(text string) (solved, ok bool) {
	t := strings.Trim(strings.TrimSpace(text), "。！!.，, ")
	for _, w := range solvedWords {
		if t == w {
			return true, true
		}
	}
	for _, w := range unsolvedWords {
		if t == w {
			return false, true
		}
	}
	return false, false
}

// customerConfirms closes a resolved ticket, or reopens it and tells the
// engineer. A ticket no longer waiting for confirmation is left alone.
func (d *Desk) customerConfirms(ctx context.Context, id int64, solved bool, in Inbound, now time.Time) ([]Reply, error) {
	e := Event{At: now, ActorKind: ActorCustomer, Actor: in.From, MsgKey: &in.Key}
	ch := TicketChange{From: []Status{StatusResolved}, At: now}
	if solved {
		e.Kind, e.Body = "confirmed", "客户确认已解决"
		ch.Status, ch.ClosedAt = StatusClosed, &now
	} else {
		e.Kind, e.Body = "reopened", "客户表示未解决"
		ch.Status, ch.ClearResolution = StatusAcknowledged, true
	}
	t, applied, err := d.tickets.ChangeTicket(ctx, id, ch, []Event{e}, d.closingSurveyJob(id, solved, now))
	if err != nil {
		return nil, fmt.Errorf("confirm ticket: %w", err)
	}
	if !applied {
		return []Reply{{Text: fmt.Sprintf("工单 #%d 目前状态为「%s」，如有新问题请直接描述。", t.ID, t.Status.Label())}}, nil
	}
	if solved {
		return []Reply{{Text: fmt.Sprintf("感谢您的确认，工单 #%d 已关闭。如有其他问题，随时给我们留言。", t.ID)}}, nil
	}
	d.relayToStaff(ctx, t, Event{Kind: EventMessage, Body: "【客户表示问题未解决，工单已重新打开】"})
	d.refreshPing(ctx, t)
	return []Reply{{Text: fmt.Sprintf("抱歉问题还没解决，工单 #%d 已重新打开，工程师会继续处理并尽快与您联系。", t.ID)}}, nil
}
