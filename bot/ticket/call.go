package ticket

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/conversation"
)

// Tickets staff open for a customer who called, wrote an e-mail or came
// in: the same clock from the time the request came in, with the
// channel's commitments, and the customer told in WeChat when they are
// one of the official account's.

// Call is a request taken by staff, as the /new dialogue or the command
// line gives it.
type Call struct {
	Key         string // dedupe key: the same call entered twice opens one ticket
	Channel     string // bot.ChannelPhone, ChannelEmail, ChannelVisit or ChannelOther
	Unit        string
	Contact     string
	Phone       string
	Room        string
	Description string
	Severity    int
	At          time.Time  // when the request came in; the clock starts here
	By          *bot.Staff // who took it; nil for the command line (the operator)
	Assign      *bot.Staff // the engineer chosen; nil: the usual assignment
}

// Longest and oldest calls Check accepts.
const (
	maxCallDescription = 4000
	maxCallAge         = 30 * 24 * time.Hour
	callClockSkew      = time.Minute
)

// Check validates a call at now and puts its phone in the kept form. Its
// errors are bot.UserError with a Chinese message naming the field.
func (c *Call) Check(now time.Time) error {
	bad := func(msg string) error { return &bot.UserError{Message: msg} }
	c.Unit, c.Contact, c.Room = strings.TrimSpace(c.Unit), strings.TrimSpace(c.Contact), strings.TrimSpace(c.Room)
	c.Description = strings.TrimSpace(c.Description)
	switch {
	case !slices.Contains(bot.StaffChannels, c.Channel):
		return bad("受理渠道须为 phone（电话）、email（邮件）、visit（现场）或 other（其他）")
	case c.Severity < 1 || c.Severity > sla.Severities:
		return bad("严重程度须为 1 到 5")
	case c.Unit == "":
		return bad("请填写单位")
	case c.Contact == "":
		return bad("请填写联系人")
	case c.Description == "":
		return bad("请填写问题描述")
	case utf8.RuneCountInString(c.Description) > maxCallDescription:
		return bad(fmt.Sprintf("问题描述过长（最多 %d 字）", maxCallDescription))
	case c.At.After(now.Add(callClockSkew)):
		return bad("来电时间不能晚于现在")
	case c.At.Before(now.Add(-maxCallAge)):
		return bad("来电时间须在 30 天以内")
	}
	phone, ok := conversation.NormalisePhone(c.Phone)
	if !ok {
		return bad("电话号码格式不对：请填写手机号（11 位）或带区号的固定电话，如 0459-1234567")
	}
	c.Phone = phone
	return nil
}

// OpenedCall is a ticket opened for a call.
type OpenedCall struct {
	Opened
	// Linked: the caller is a customer of the official account, who was
	// sent the ticket number and the committed times.
	Linked bool
}

// OpenForCall opens the ticket of a call checked with Check. The caller is
// looked for among the official account's customers, by phone number and
// then by unit and name: found, the ticket is theirs and they are told;
// not found, the ticket keeps the number and the engineer's ping says to
// call back.
func (l *Lifecycle) OpenForCall(ctx context.Context, c Call) (OpenedCall, error) {
	if c.Assign != nil && (!c.Assign.Reachable() || !(c.Assign.HasRole(bot.RoleEngineer) || c.Assign.HasRole(bot.RoleLead))) {
		return OpenedCall{}, &bot.UserError{Message: fmt.Sprintf("%s 不是可派单的工程师（未启用、未绑定 Telegram 或不是工程师）", c.Assign.Label())}
	}
	linked, err := l.findCaller(ctx, c)
	if err != nil {
		return OpenedCall{}, err
	}
	r := Report{Channel: bot.ChannelPhone, OpenID: c.Phone, Intake: c.Channel, Key: c.Key, Unit: c.Unit, Name: c.Contact,
		Phone: c.Phone, Room: c.Room, Description: c.Description, Severity: c.Severity, At: c.At, Assign: c.Assign}
	if linked != nil {
		r.Channel, r.OpenID, r.CustomerID = linked.Channel, linked.OpenID, linked.ID
	}
	now := l.now()
	r.Events = func(*bot.Ticket) []bot.Event { return callEvents(c, linked != nil, now, l.policy.Location) }
	r.CallBack = linked == nil
	o, err := l.Open(ctx, r)
	if err != nil {
		return OpenedCall{}, err
	}
	out := OpenedCall{Opened: o, Linked: linked != nil}
	if o.Created && linked != nil {
		t := o.Ticket
		l.notify.Reply(ctx, t, bot.Reply{Text: CallPromise(t, o.Clock, now),
			Fallback: notify.TicketTemplate(t, notify.StatusTaken, t.ResponseDue, l.policy.Location)}) // as the intake promises
		for _, a := range l.attach {
			if err := a(ctx, linked.Channel, linked.OpenID, o.Ticket.ID); err != nil {
				l.log.Warn("attach the caller's session to the ticket", slog.Int64("ticket", o.Ticket.ID), slog.String("err", err.Error()))
			}
		}
	}
	if o.Created {
		l.log.Info("ticket opened for a call", slog.Int64("ticket", o.Ticket.ID), slog.String("channel", c.Channel),
			slog.Bool("linked", linked != nil))
	}
	return out, nil
}

// findCaller is the official account's customer who called: the one who
// gave that phone number (seen last first), else the only one of that unit
// with that name; nil when there is none (or the name is not unique).
func (l *Lifecycle) findCaller(ctx context.Context, c Call) (*bot.Customer, error) {
	byPhone, err := l.customers.CustomersByPhone(ctx, bot.ChannelWeChat, c.Phone)
	if err != nil {
		return nil, fmt.Errorf("find caller by phone: %w", err)
	}
	if i := slices.IndexFunc(byPhone, func(cu bot.Customer) bool { return cu.Subscribed }); i >= 0 {
		return &byPhone[i], nil
	}
	ofUnit, err := l.customers.CustomersOfUnit(ctx, c.Unit)
	if err != nil {
		return nil, fmt.Errorf("find caller by unit: %w", err)
	}
	named := slices.DeleteFunc(ofUnit, func(cu bot.Customer) bool {
		return !cu.Messageable() || strings.TrimSpace(cu.Name) != c.Contact
	})
	if len(named) != 1 {
		return nil, nil // nobody, or two of that name: the promise must not reach the wrong one
	}
	return &named[0], nil
}

// callEvents are the first lines of a call's service log: who took it,
// how, and when the request came in.
func callEvents(c Call, linked bool, now time.Time, loc *time.Location) []bot.Event {
	by := "命令行"
	e := bot.SystemEvent(now, bot.EventOpened, "")
	if c.By != nil {
		by = c.By.Label()
		e = bot.StaffEvent(c.By, now, bot.EventOpened, "")
	}
	e.Body = fmt.Sprintf("%s受理，%s登记，来电时间 %s：%s", bot.ChannelLabel(c.Channel), by,
		c.At.In(loc).Format("2006-01-02 15:04"), c.Description)
	events := []bot.Event{e}
	if !linked {
		events = append(events, bot.SystemEvent(now, "call_back", "客户未关注公众号，无法在微信通知，请电话联系 "+c.Phone))
	}
	return events
}

// CallPromise is what a caller who follows the official account reads:
// the ticket, how it was taken, and the committed times.
func CallPromise(t *bot.Ticket, clock sla.Clock, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "您好，您通过%s反映的问题已登记为工单 #%d（%s）：%s\n", bot.ChannelLabel(t.Channel), t.ID,
		conversation.SeverityName(t.Severity), notify.SummaryLine(t.Description))
	if promise, err := clock.Commitment(now); err == nil {
		b.WriteString(promise + "。\n")
	}
	b.WriteString("您可以直接在这里补充情况，发送「查询」查看进度。")
	return b.String()
}
