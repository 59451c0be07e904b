package staffdesk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/staffdialog"
	"github.com/hotline-desk/hotline/bot/ticket"
)

// /new: a dispatcher or a lead enters a ticket for a customer who called,
// wrote or came in (the dialogue is staffdialog's); the ticket is opened
// as the command line opens it, through ticket.Lifecycle.OpenForCall.

// JobNewExpire drops a /new left idle for staffdialog.NewIdle and tells
// the staff member (Ref: staff id; Payload: the draft's last touch).
const JobNewExpire = "new_ticket_expire"

// NewHelp is /new's line in /help.
const NewHelp = "/new — 代客户登记工单（电话、邮件、现场；座席和主管）"

const newRefusedText = "只有座席（dispatcher）和主管可以代客户登记工单。如需权限，请联系管理员（hotline staff）。"

// newCommand starts /new.
func (d *Desk) newCommand(ctx context.Context, s *bot.Staff, chat int64, _ string) error {
	if !s.MayOpenTickets() {
		return d.notify.Tell(ctx, chat, newRefusedText)
	}
	env, err := d.newEnv(ctx, nil)
	if err != nil {
		return err
	}
	return d.carryOutNew(ctx, s, chat, staffdialog.StartNew(env))
}

// newText carries the dialogue on with what the staff member typed.
func (d *Desk) newText(ctx context.Context, s *bot.Staff, chat int64, st staffdialog.State, text string) error {
	if !s.MayOpenTickets() {
		if err := d.states.SetStaffState(ctx, s.ID, staffdialog.State{}); err != nil {
			return err
		}
		return d.notify.Tell(ctx, chat, newRefusedText)
	}
	env, err := d.newEnv(ctx, st.New)
	if err != nil {
		return err
	}
	return d.carryOutNew(ctx, s, chat, staffdialog.NewText(st, text, env))
}

// newPress carries the dialogue on with a button.
func (d *Desk) newPress(ctx context.Context, s *bot.Staff, chat int64, data string) (string, error) {
	if !s.MayOpenTickets() {
		return "只有座席和主管可以代客户登记工单", nil
	}
	st, err := d.states.StaffState(ctx, s.ID)
	if err != nil {
		return "", err
	}
	env, err := d.newEnv(ctx, st.New)
	if err != nil {
		return "", err
	}
	out := staffdialog.NewPress(st, strings.TrimPrefix(data, staffdialog.NewAction+":"), env)
	if out.Reply == nil && out.Open == nil && out.Next.Awaiting == st.Awaiting && out.Next.New == st.New {
		return out.Toast, nil // nothing moved (a stale or wrong button)
	}
	return out.Toast, d.carryOutNew(ctx, s, chat, out)
}

// carryOutNew keeps the dialogue's state, says its reply, schedules its
// expiry, and opens the ticket when it is done.
func (d *Desk) carryOutNew(ctx context.Context, s *bot.Staff, chat int64, out staffdialog.NewOutcome) error {
	if err := d.states.SetStaffState(ctx, s.ID, out.Next); err != nil {
		return err
	}
	if out.Next.New != nil {
		d.scheduleExpiry(ctx, s, out.Next.New)
	}
	if out.Reply != nil {
		if err := d.notify.Send(ctx, bot.StaffMessage{ChatID: chat, Text: out.Reply.Text, Buttons: out.Reply.Buttons}); err != nil {
			return err
		}
	}
	if out.Open == nil {
		return nil
	}
	return d.openNew(ctx, s, chat, out.Open)
}

// scheduleExpiry schedules the end of a draft left idle from its last
// touch. Without it the dialogue still expires: the next answer finds it
// stale.
func (d *Desk) scheduleExpiry(ctx context.Context, s *bot.Staff, draft *staffdialog.NewDraft) {
	if d.jobs == nil {
		return
	}
	ref := strconv.FormatInt(s.ID, 10)
	j := bot.Job{Kind: JobNewExpire, Ref: ref, Payload: draft.Touched.UTC().Format(time.RFC3339Nano),
		Key: fmt.Sprintf("%s:%s:%d", JobNewExpire, ref, draft.Touched.UnixNano()), DueAt: draft.Touched.Add(staffdialog.NewIdle)}
	if err := d.jobs.AddJobs(ctx, []bot.Job{j}, d.now()); err != nil {
		d.log.Warn("schedule /new expiry", slog.String("err", err.Error()))
	}
}

// openNew opens the ticket of a finished draft and tells the staff member
// what was promised and who has it. A refusal the staff member can fix
// puts the draft back at its summary.
func (d *Desk) openNew(ctx context.Context, s *bot.Staff, chat int64, draft *staffdialog.NewDraft) error {
	c := draft.Call()
	call := ticket.Call{Key: draft.Key(s.ID), Channel: c.Channel, Unit: c.Unit, Contact: c.Contact, Phone: c.Phone,
		Room: c.Room, Description: c.Description, Severity: c.Severity, At: c.At, By: s}
	err := call.Check(d.now())
	if err == nil && c.Assign != 0 {
		call.Assign, err = d.staff.StaffByID(ctx, c.Assign)
		if errors.Is(err, bot.ErrNotFound) {
			err = &bot.UserError{Message: "所选工程师已不在名单中，请重新选择。"}
		}
	}
	var o ticket.OpenedCall
	if err == nil {
		o, err = d.lifecycle.OpenForCall(ctx, call)
	}
	if err != nil {
		back := *draft
		if serr := d.states.SetStaffState(ctx, s.ID, staffdialog.State{Awaiting: staffdialog.AwaitNew, New: &back}); serr != nil {
			return errors.Join(err, serr)
		}
		d.scheduleExpiry(ctx, s, &back)
		var ue *bot.UserError
		if errors.As(err, &ue) {
			return d.notify.Tell(ctx, chat, ue.Message+"\n请点「修改」更正后再确认。")
		}
		d.log.Error("open ticket for a call", slog.String("staff", s.Number), slog.String("err", err.Error()))
		return d.notify.Tell(ctx, chat, "登记失败（系统暂时无法写入），草稿已保留，请稍后再点「确认登记」。")
	}
	return d.notify.Tell(ctx, chat, d.openedText(o))
}

// openedText tells the staff member what was registered and promised.
func (d *Desk) openedText(o ticket.OpenedCall) string {
	t := o.Ticket
	var b strings.Builder
	if o.Created {
		fmt.Fprintf(&b, "✅ 已登记工单 #%d（%s受理）\n", t.ID, bot.ChannelLabel(t.Channel))
	} else {
		fmt.Fprintf(&b, "工单 #%d 已登记过（同一次登记不会重复建单）\n", t.ID)
	}
	b.WriteString(d.notify.Card(t, d.now()))
	switch {
	case o.Linked:
		b.WriteString("\n客户已关注公众号：工单号和承诺时间已发到客户微信。")
	default:
		b.WriteString("\n客户未关注公众号：工程师将电话联系客户。")
	}
	if t.AssigneeID == nil {
		b.WriteString("\n暂无值班工程师，已进入待派队列，主管会收到提醒。")
	}
	return b.String()
}

// newEnv is what the dialogue needs: the units, the engineers who may be
// chosen (those serving the draft's unit), and the lifecycle's check.
func (d *Desk) newEnv(ctx context.Context, draft *staffdialog.NewDraft) (staffdialog.NewEnv, error) {
	env := staffdialog.NewEnv{Now: d.now(), Location: d.policy.Location}
	for _, u := range d.policy.Units {
		env.Units = append(env.Units, u.Name)
	}
	roster, err := d.staff.ListStaff(ctx)
	if err != nil {
		return env, fmt.Errorf("list staff: %w", err)
	}
	for _, o := range roster {
		if !o.Reachable() || !(o.HasRole(bot.RoleEngineer) || o.HasRole(bot.RoleLead)) {
			continue
		}
		if draft != nil && draft.Unit != "" && !o.Serves(draft.Unit) {
			continue
		}
		env.Engineers = append(env.Engineers, staffdialog.StaffChoice{ID: o.ID, Label: o.Label()})
	}
	env.Check = func(c staffdialog.Call) error {
		call := ticket.Call{Channel: c.Channel, Unit: c.Unit, Contact: c.Contact, Phone: c.Phone, Room: c.Room,
			Description: c.Description, Severity: c.Severity, At: c.At}
		return call.Check(env.Now)
	}
	return env, nil
}

// ExpireNew is the expiry job of a /new left idle: the dialogue touched
// last at the job's time is dropped and the staff member told; one that
// moved on since is left alone.
func (d *Desk) ExpireNew(ctx context.Context, j bot.Job, _ time.Time) (string, []bot.Job, error) {
	id, err1 := strconv.ParseInt(j.Ref, 10, 64)
	touched, err2 := time.Parse(time.RFC3339Nano, j.Payload)
	if err1 != nil || err2 != nil {
		return bot.OutcomeSkipped, nil, nil
	}
	st, err := d.states.StaffState(ctx, id)
	if err != nil {
		return "", nil, err
	}
	out, ok := staffdialog.ExpireNew(st, touched)
	if !ok {
		return bot.OutcomeSkipped, nil, nil
	}
	s, err := d.staff.StaffByID(ctx, id)
	if errors.Is(err, bot.ErrNotFound) {
		return bot.OutcomeSkipped, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	// Told first, keyed, then cleared: a retry after a failure between the
	// two tells once (the outbox keeps one message per key).
	if s.TelegramUserID != nil {
		if err := d.notify.Send(ctx, bot.StaffMessage{ChatID: *s.TelegramUserID, Text: out.Reply.Text, Key: j.Key}); err != nil {
			return "", nil, err
		}
	}
	if err := d.states.SetStaffState(ctx, id, out.Next); err != nil {
		return "", nil, err
	}
	return bot.OutcomeSent, nil, nil
}
