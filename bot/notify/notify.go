// Package notify tells customers and staff: notices about a ticket to its
// customer (with the template fallback outside WeChat's 48-hour window),
// messages, pings and edits to staff, and the shared way a ticket reads
// (its card, its service log, its deadlines). Rooms compose their own
// words and send them through a Notifier.
package notify

import (
	"log/slog"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
)

// Notifier sends to customers and staff. Every channel is optional: nil
// sends nothing (a desk without Telegram queues tickets unannounced).
type Notifier struct {
	now       bot.Clock
	policy    *policy.Policy
	staff     bot.StaffStore
	customers bot.CustomerStore
	tickets   bot.TicketStore
	staffChat bot.StaffSender
	answerer  bot.CallbackAnswerer
	customer  bot.CustomerMessenger
	log       *slog.Logger
}

// Deps are a Notifier's collaborators.
type Deps struct {
	Clock     bot.Clock
	Policy    *policy.Policy
	Staff     bot.StaffStore
	Customers bot.CustomerStore
	Tickets   bot.TicketStore
	StaffChat bot.StaffSender      // nil: no staff chat
	Answerer  bot.CallbackAnswerer // nil: presses are not answered
	Customer  bot.CustomerMessenger
	Log       *slog.Logger
}

// New builds a Notifier.
func New(d Deps) *Notifier {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Notifier{now: d.Clock, policy: d.Policy, staff: d.Staff, customers: d.Customers, tickets: d.Tickets,
		staffChat: d.StaffChat, answerer: d.Answerer, customer: d.Customer, log: d.Log}
}

// Customers is the channel to customers; nil when none is configured.
func (n *Notifier) Customers() bot.CustomerMessenger { return n.customer }

// StaffChat is the channel to staff; nil when none is configured.
func (n *Notifier) StaffChat() bot.StaffSender { return n.staffChat }

// Location is the zone customers and staff read times in.
func (n *Notifier) Location() *time.Location { return n.policy.Location }

// warn logs a notice that did not go, about ticket.
func (n *Notifier) warn(what string, ticket int64, err error) {
	n.log.Warn(what, slog.Int64("ticket", ticket), slog.String("err", err.Error()))
}
