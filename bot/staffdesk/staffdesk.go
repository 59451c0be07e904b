// Package staffdesk is the staff side of the desk in their chat: the
// commands (/mine, /ticket N, /say …), the ticket's buttons (接单, 已解决,
// 转派, 需上门 and then 到场, 离场, 约定时间, 等待客户, 已知悉), replies
// relayed to the customer, and the guided dialogues (bot/staffdialog).
// Every update is checked against the roster first. Other rooms register
// their own commands, buttons and dialogues (Command, Press, Dialogue).
package staffdesk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/staffdialog"
	"github.com/hotline-desk/hotline/bot/ticket"
)

// StateStore keeps each staff member's dialogue state.
type StateStore interface {
	StaffState(ctx context.Context, staffID int64) (staffdialog.State, error)
	SetStaffState(ctx context.Context, staffID int64, s staffdialog.State) error
}

// Command answers a slash command; args is the rest of the line.
type Command func(ctx context.Context, s *bot.Staff, chat int64, args string) error

// Press answers a button and returns the toast to show; data is the
// button's whole callback data.
type Press func(ctx context.Context, s *bot.Staff, chat int64, data string) (toast string, err error)

// Dialogue carries on the dialogue a staff member is in with their text.
type Dialogue func(ctx context.Context, s *bot.Staff, chat int64, st staffdialog.State, text string) error

// Desk handles what staff do in the chat.
type Desk struct {
	now       bot.Clock
	policy    *policy.Policy
	staff     bot.StaffStore
	tickets   bot.TicketStore
	states    StateStore
	lifecycle *ticket.Lifecycle
	notify    *notify.Notifier
	jobs      bot.JobAdder
	log       *slog.Logger

	commands  map[string]Command
	help      []string // the registered commands' help lines, in order
	presses   map[string]Press
	dialogues map[string]Dialogue
	cards     []CardButtons
}

// Deps are the Desk's collaborators.
type Deps struct {
	Clock     bot.Clock
	Policy    *policy.Policy
	Staff     bot.StaffStore
	Tickets   bot.TicketStore
	States    StateStore
	Lifecycle *ticket.Lifecycle
	Notify    *notify.Notifier
	// Jobs schedules the expiry of an idle /new (JobNewExpire, whose
	// handler is ExpireNew); nil: an idle /new is found stale at the next
	// answer only.
	Jobs bot.JobAdder
	Log  *slog.Logger
}

// New builds the Desk with the ticket's own commands, buttons and
// dialogues.
func New(d Deps) *Desk {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	desk := &Desk{now: d.Clock, policy: d.Policy, staff: d.Staff, tickets: d.Tickets, states: d.States,
		lifecycle: d.Lifecycle, notify: d.Notify, jobs: d.Jobs, log: d.Log,
		commands: map[string]Command{}, presses: map[string]Press{}, dialogues: map[string]Dialogue{}}
	desk.Dialogue(staffdialog.AwaitNote, desk.noteReceived)
	desk.Dialogue(staffdialog.AwaitMissing, desk.missingReceived)
	desk.Dialogue(staffdialog.AwaitVisitTime, visits{desk}.timeReceived)
	desk.Command("/new", NewHelp, desk.newCommand)
	desk.Dialogue(staffdialog.AwaitNew, desk.newText)
	desk.Press(staffdialog.NewAction, desk.newPress)
	return desk
}

// Command registers a slash command (name like "/round") with its line in
// /help.
func (d *Desk) Command(name, help string, c Command) {
	d.commands[name] = c
	d.help = append(d.help, help)
}

// Press registers the buttons whose callback data is action:….
func (d *Desk) Press(action string, p Press) { d.presses[action] = p }

// Dialogue registers who carries on the dialogues of a kind
// (staffdialog.State.Awaiting).
func (d *Desk) Dialogue(kind string, h Dialogue) { d.dialogues[kind] = h }

// HandleStaff handles one thing a staff member did in the chat. Strangers
// get a polite refusal and change nothing.
func (d *Desk) HandleStaff(ctx context.Context, u bot.StaffUpdate) error {
	s, err := d.staff.StaffByTelegram(ctx, u.UserID)
	if errors.Is(err, bot.ErrNotFound) {
		return d.stranger(ctx, u)
	}
	if err != nil {
		return fmt.Errorf("find staff: %w", err)
	}
	if u.Callback != nil {
		return d.press(ctx, s, u)
	}
	return d.message(ctx, s, u)
}

// stranger: only /start with a valid code does anything.
func (d *Desk) stranger(ctx context.Context, u bot.StaffUpdate) error {
	if u.Callback != nil {
		return d.notify.Answer(ctx, u.Callback.ID, "您不在工作人员名单中")
	}
	code, ok := strings.CutPrefix(strings.TrimSpace(u.Text), "/start")
	code = strings.TrimSpace(code)
	if !ok || code == "" {
		return d.notify.Tell(ctx, u.ChatID, strangerText)
	}
	s, err := d.staff.RedeemInvite(ctx, bot.InviteHash(code), u.UserID, d.now())
	if errors.Is(err, bot.ErrNotFound) || errors.Is(err, bot.ErrConflict) {
		return d.notify.Tell(ctx, u.ChatID, badCodeText)
	}
	if err != nil {
		return fmt.Errorf("redeem invite: %w", err)
	}
	d.log.Info("staff linked their chat", slog.String("staff", s.Number))
	return d.notify.Tell(ctx, u.ChatID, fmt.Sprintf("绑定成功：%s，角色 %s。\n\n%s", s.Label(), s.RolesText, d.helpText()))
}

// message handles a command, a reply to a ticket message, a photo, or the
// answer a dialogue waits for.
func (d *Desk) message(ctx context.Context, s *bot.Staff, u bot.StaffUpdate) error {
	text := strings.TrimSpace(u.Text)
	if id, caption, ok := photoTicket(u, text); ok {
		return d.staffPhoto(ctx, s, u.ChatID, id, u.PhotoID, caption)
	}
	if strings.HasPrefix(text, "/") {
		return d.command(ctx, s, u.ChatID, text)
	}
	if u.ReplyTo != 0 {
		return d.say(ctx, s, u.ChatID, u.ReplyTo, text)
	}
	st, err := d.states.StaffState(ctx, s.ID)
	if err != nil {
		return fmt.Errorf("staff state: %w", err)
	}
	if h, ok := d.dialogues[st.Awaiting]; ok && text != "" {
		return h(ctx, s, u.ChatID, st, text)
	}
	return d.notify.Tell(ctx, u.ChatID, "要答复客户，请「回复」对应的工单消息，或发送 /say 工单号 内容。\n"+d.helpText())
}
