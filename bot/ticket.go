package bot

import (
	"context"
	"time"
)

// Status is where a ticket is in its lifecycle.
type Status string

// The lifecycle: open (reported, maybe assigned) → acknowledged (an
// engineer responded) ⇄ waiting (for the customer; the SLA clock pauses)
// → resolved (the engineer says so; the customer confirms) → closed.
const (
	StatusOpen         Status = "open"
	StatusAcknowledged Status = "acknowledged"
	StatusWaiting      Status = "waiting"
	StatusResolved     Status = "resolved"
	StatusClosed       Status = "closed"
)

// Label is the status as a customer reads it.
func (s Status) Label() string {
	switch s {
	case StatusOpen:
		return "待处理"
	case StatusAcknowledged:
		return "处理中"
	case StatusWaiting:
		return "等待您补充信息"
	case StatusResolved:
		return "已解决，待您确认"
	case StatusClosed:
		return "已关闭"
	}
	return string(s)
}

// Ticket is one service ticket (系统服务单): every field of the form in
// SERVICE-PRACTICE.md, plus what the SLA clock and assignment need.
type Ticket struct {
	ID            int64      `db:"id"`
	OpenedBy      string     `db:"opened_by"` // dedupe key of the opening message
	CustomerID    int64      `db:"customer_id"`
	Channel       string     `db:"channel"`
	UnitName      string     `db:"unit_name"`
	ContactName   string     `db:"contact_name"`
	Phone         string     `db:"phone"`
	Room          string     `db:"room"`
	Description   string     `db:"description"`
	Severity      int        `db:"severity"`
	Status        Status     `db:"status"`
	Plan          string     `db:"plan"`
	PaidService   bool       `db:"paid_service"` // outside the unit's free service period
	ReportedAt    time.Time  `db:"reported_at"`
	ResponseDue   time.Time  `db:"response_due"`
	ResolutionDue *time.Time `db:"resolution_due"` // nil: no resolution target
	Paused        string     `db:"paused"`         // business time paused so far, see sla.Clock.Paused
	PausedSince   *time.Time `db:"paused_since"`
	RespondedAt   *time.Time `db:"responded_at"`
	ResolvedAt    *time.Time `db:"resolved_at"`
	ClosedAt      *time.Time `db:"closed_at"`
	AssigneeID    *int64     `db:"assignee_id"`
	StaffName     string     `db:"staff_name"`
	StaffNumber   string     `db:"staff_number"`
	Handling      string     `db:"handling"` // phone, remote, onsite
	Resolution    string     `db:"resolution"`
	CreatedAt     time.Time  `db:"created_at"`
	UpdatedAt     time.Time  `db:"updated_at"`
}

// IsOpen reports whether the ticket still needs work or confirmation.
func (t *Ticket) IsOpen() bool { return t.Status != StatusClosed }

// Event is one line of a ticket's service log. The log is append-only.
type Event struct {
	ID        int64     `db:"id"`
	TicketID  int64     `db:"ticket_id"`
	At        time.Time `db:"at"`
	ActorKind string    `db:"actor_kind"` // customer, staff, system
	Actor     string    `db:"actor"`      // openid or staff number
	Kind      string    `db:"kind"`
	Body      string    `db:"body"`
	MediaID   string    `db:"media_id"`
	MsgKey    *string   `db:"msg_key"` // the inbound message it records, for dedupe
}

// Actor kinds of events.
const (
	ActorCustomer = "customer"
	ActorStaff    = "staff"
	ActorSystem   = "system"
)

// Event kinds written by the intake.
const (
	EventOpened     = "opened"
	EventMessage    = "message"
	EventImage      = "image"
	EventVoice      = "voice"
	EventComplaint  = "complaint"
	EventCallback   = "callback_requested"
	EventAttachment = "attachment"
)

// TicketStore keeps tickets and their service logs.
type TicketStore interface {
	// OpenTicket writes o in one transaction and fills o.Ticket.ID (and
	// o.Customer.ID). When a ticket with o.Ticket.OpenedBy exists already (a
	// retry of the opening message), it writes nothing, loads that one into
	// o.Ticket and returns false.
	OpenTicket(ctx context.Context, o Opening) (created bool, err error)
	// Ticket loads one ticket; ErrNotFound when there is none.
	Ticket(ctx context.Context, id int64) (*Ticket, error)
	// OpenTicketsOf lists a customer's tickets that are not closed, newest first.
	OpenTicketsOf(ctx context.Context, customerID int64) ([]Ticket, error)
	// LatestTicketOf is the customer's newest ticket, open or not.
	LatestTicketOf(ctx context.Context, customerID int64) (*Ticket, error)
	// AddEvent appends to a service log. With a MsgKey already recorded it
	// changes nothing and returns false.
	AddEvent(ctx context.Context, e Event) (bool, error)
	// Events is a ticket's service log, oldest first.
	Events(ctx context.Context, ticketID int64) ([]Event, error)
	// ChangeTicket applies ch, appends events and schedules jobs in one
	// transaction. It returns the ticket as it is afterwards and whether ch
	// applied; a ticket not in ch.From is returned unchanged with false.
	ChangeTicket(ctx context.Context, id int64, ch TicketChange, events []Event, jobs []Job) (*Ticket, bool, error)
	// ActiveTickets lists tickets not closed, most urgent first; with
	// assignee set only theirs.
	ActiveTickets(ctx context.Context, assignee *int64) ([]Ticket, error)
}

// Opening is a new ticket and what is written with it, so that the ticket
// costs one commit.
type Opening struct {
	// Customer, when set, is saved first (inserted or updated by channel and
	// open id, as CustomerStore.SaveCustomer does) and becomes the ticket's
	// customer; nil: Ticket.CustomerID is set already.
	Customer *Customer
	// Ticket is inserted as it is. With an assignee it counts as that staff
	// member's latest assignment (see Load), as ChangeTicket's does.
	Ticket *Ticket
	// Events are its first events, in order; their TicketID is filled in.
	Events []Event
	// Jobs, called with the ticket once it has its id, gives the work to
	// schedule; nil: none.
	Jobs func(*Ticket) ([]Job, error)
}

// TicketChange is a lifecycle step: it applies only while the ticket is in
// one of From, so a double press or a second replica changes it once.
// Nil fields are left as they are.
type TicketChange struct {
	From        []Status
	Status      Status // empty: unchanged
	Assignee    *Staff
	RespondedAt *time.Time // set only where still empty
	ResolvedAt  *time.Time
	ClosedAt    *time.Time
	Resolution  *string
	Handling    *string
	// ClearResolution empties resolved_at (a reopened ticket).
	ClearResolution bool
	// Pause and Resume stop and restart the SLA clock: Pause sets
	// paused_since to At; Resume clears it and stores Paused and the moved
	// deadlines.
	Pause         bool
	Resume        bool
	Paused        string
	ResponseDue   time.Time
	ResolutionDue *time.Time
	At            time.Time
}
