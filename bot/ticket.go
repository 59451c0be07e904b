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
// Which action moves a ticket from which status is bot/ticket's table.
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

// Intake channels: how a request reached the desk. A customer's own
// messages come through WeChat; staff open tickets for the others.
const (
	ChannelWeChat = "wechat"
	ChannelPhone  = "phone"
	ChannelEmail  = "email"
	ChannelVisit  = "visit" // 现场: the customer came in, or asked an engineer on site
	ChannelOther  = "other"
)

// IntakeChannels are the channels in the order forms offer them.
var IntakeChannels = []string{ChannelWeChat, ChannelPhone, ChannelEmail, ChannelVisit, ChannelOther}

// StaffChannels are the channels staff open tickets for.
var StaffChannels = []string{ChannelPhone, ChannelEmail, ChannelVisit, ChannelOther}

// ChannelLabel is a channel as staff and forms read it: 电话, 邮件, ...
func ChannelLabel(ch string) string {
	switch ch {
	case ChannelWeChat:
		return "微信"
	case ChannelPhone:
		return "电话"
	case ChannelEmail:
		return "邮件"
	case ChannelVisit:
		return "现场"
	case ChannelOther:
		return "其他"
	}
	return ch
}

// Kinds of request a ticket records (seed 003 names daily maintenance and
// upgrades or patches beside faults).
const (
	KindFault       = "fault"       // 故障, the default
	KindConsult     = "consult"     // 咨询
	KindMaintenance = "maintenance" // 日常维护
	KindUpgrade     = "upgrade"     // 升级补丁
)

// Kinds are the kinds in the order buttons and reports offer them.
var Kinds = []string{KindFault, KindConsult, KindMaintenance, KindUpgrade}

// KindLabel is a kind as staff and reports read it: 故障, 咨询, ...; an
// unknown kind reads as it is.
func KindLabel(kind string) string {
	switch kind {
	case KindFault:
		return "故障"
	case KindConsult:
		return "咨询"
	case KindMaintenance:
		return "日常维护"
	case KindUpgrade:
		return "升级补丁"
	}
	return kind
}

// CategoryLabel is a ticket's fault category as staff read it: 未分类 for
// none.
func CategoryLabel(category string) string {
	if category == "" {
		return "未分类"
	}
	return category
}

// EventClassified is the event of a change of a ticket's kind or category.
const EventClassified = "classified"

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
	// ResponseRule and ResolutionRule name the commitment that set each
	// deadline (sla.Rule: severity, channel, out_of_hours); "" for none.
	ResponseRule   string `db:"response_rule"`
	ResolutionRule string `db:"resolution_rule"`
	// CallBack: the customer cannot be messaged (a caller who does not
	// follow the official account); staff call them back.
	CallBack bool `db:"call_back"`
	// UnitKey is UnitName as names are matched (UnitKey), for lists by unit.
	UnitKey     string     `db:"unit_key"`
	Paused      string     `db:"paused"` // business time paused so far, see sla.Clock.Paused
	PausedSince *time.Time `db:"paused_since"`
	RespondedAt *time.Time `db:"responded_at"`
	ResolvedAt  *time.Time `db:"resolved_at"`
	ClosedAt    *time.Time `db:"closed_at"`
	AssigneeID  *int64     `db:"assignee_id"`
	StaffName   string     `db:"staff_name"`
	StaffNumber string     `db:"staff_number"`
	Handling    string     `db:"handling"` // phone, remote, onsite
	Resolution  string     `db:"resolution"`
	// The on-site visit: decided (需上门), due (the plan's on_site target
	// or the time agreed), the engineer's arrival and departure.
	VisitDecidedAt *time.Time `db:"visit_decided_at"`
	VisitDue       *time.Time `db:"visit_due"`
	VisitArrivedAt *time.Time `db:"visit_arrived_at"`
	VisitLeftAt    *time.Time `db:"visit_left_at"`
	// Obligation is the recurring work (巡检, 电话回访, 日常维护) a
	// maintenance ticket was opened for; "" for the others.
	Obligation string `db:"obligation"`
	// Kind is what the request was (KindFault, ...); Category is its fault
	// category, one of the policy's, "" for none. The engineer sets them
	// when resolving; leads change them.
	Kind      string    `db:"kind"`
	Category  string    `db:"category"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

// IsOpen reports whether the ticket still needs work or confirmation.
func (t *Ticket) IsOpen() bool { return t.Status != StatusClosed }

// Goals a ticket races, as job payloads name them.
const (
	GoalResponse   = "response"
	GoalResolution = "resolution"
	GoalVisit      = "visit" // the engineer on site
)

// GoalNames are the goals as staff read them.
var GoalNames = map[string]string{GoalResponse: "响应", GoalResolution: "解决", GoalVisit: "到场"}

// Met reports whether the ticket has met (or no longer races) a goal.
func (t *Ticket) Met(goal string) bool {
	if t.Status == StatusClosed {
		return true
	}
	switch goal {
	case GoalResponse:
		return t.RespondedAt != nil
	case GoalVisit:
		return t.VisitArrivedAt != nil || t.ResolvedAt != nil
	}
	return t.ResolvedAt != nil
}

// Due is the ticket's deadline for a goal as stored now; zero for none.
func (t *Ticket) Due(goal string) time.Time {
	if goal == GoalResponse {
		return t.ResponseDue
	}
	if goal == GoalVisit {
		if t.VisitDue == nil {
			return time.Time{}
		}
		return *t.VisitDue
	}
	if t.ResolutionDue == nil {
		return time.Time{}
	}
	return *t.ResolutionDue
}

// NextDeadline is the deadline the ticket is racing now, with its label:
// the response, then an engineer's arrival on site while a visit promised
// is pending, then the resolution.
func (t *Ticket) NextDeadline() (time.Time, string) {
	switch {
	case t.RespondedAt == nil:
		return t.ResponseDue, "响应时限"
	case t.VisitDue != nil && !t.Met(GoalVisit):
		return *t.VisitDue, "到场时限"
	case t.ResolutionDue != nil && t.ResolvedAt == nil:
		return *t.ResolutionDue, "解决时限"
	}
	return time.Time{}, ""
}

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
	EventVideo      = "video"
	EventLocation   = "location"
	EventLink       = "link"
	EventFile       = "file"
	EventComplaint  = "complaint"
	EventCallback   = "callback_requested"
	EventAttachment = "attachment"
)

// SystemEvent is an event the desk writes itself.
func SystemEvent(at time.Time, kind, body string) Event {
	return Event{At: at, ActorKind: ActorSystem, Kind: kind, Body: body}
}

// StaffEvent is an event of a staff member's doing.
func StaffEvent(s *Staff, at time.Time, kind, body string) Event {
	return Event{At: at, ActorKind: ActorStaff, Actor: s.Number, Kind: kind, Body: body}
}

// On puts the event on a ticket.
func (e Event) On(ticket int64) Event {
	e.TicketID = ticket
	return e
}

// Keyed gives the event a dedupe key: a second event with it is not written.
func (e Event) Keyed(key string) Event {
	e.MsgKey = &key
	return e
}

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
	// Move applies a lifecycle transition, appends events and schedules
	// jobs in one transaction. It returns the ticket as it is afterwards and
	// whether the transition applied: a ticket not in tr.From is returned
	// unchanged with false, so a double press or a second replica moves it
	// once.
	Move(ctx context.Context, id int64, tr Transition, events []Event, jobs []Job) (*Ticket, bool, error)
	// ActiveTickets lists tickets not closed, most urgent first; with
	// assignee set only theirs.
	ActiveTickets(ctx context.Context, assignee *int64) ([]Ticket, error)
	// Classify sets a ticket's kind and category and appends e to its log
	// in one transaction, and returns the ticket as it is afterwards and
	// whether anything changed: when both are as given already it writes
	// nothing, so a double press logs one event.
	Classify(ctx context.Context, id int64, kind, category string, e Event) (*Ticket, bool, error)
}

// Opening is a new ticket and what is written with it, so that the ticket
// costs one commit.
type Opening struct {
	// Customer, when set, is saved first (inserted or updated by channel and
	// open id, as CustomerStore.SaveCustomer does) and becomes the ticket's
	// customer; nil: Ticket.CustomerID is set already.
	Customer *Customer
	// Ticket is inserted as it is. With an assignee it counts as that staff
	// member's latest assignment (see Load), as a Move's does.
	Ticket *Ticket
	// Events are its first events, in order; their TicketID is filled in.
	Events []Event
	// Jobs, called with the ticket once it has its id, gives the work to
	// schedule; nil: none.
	Jobs func(*Ticket) ([]Job, error)
}

// Action names a step of the ticket lifecycle; bot/ticket's table says
// from which statuses each may start and where it leads.
type Action string

// The lifecycle's actions.
const (
	Acknowledge Action = "acknowledge" // 接单: the response is recorded; the responder becomes the assignee
	Resolve     Action = "resolve"     // 已解决, with the note and the way it was solved
	Reassign    Action = "reassign"    // 转派: a new assignee; the status stays
	Pause       Action = "pause"       // 等待客户: the SLA clock stops
	Resume      Action = "resume"      // the customer answered: the clock runs again, deadlines moved
	Confirm     Action = "confirm"     // the customer confirms the resolution: closed
	Reopen      Action = "reopen"      // the customer says it is not solved
	AutoClose   Action = "auto_close"  // no confirmation in time: closed (a batch of them, see JobStore)
	Visit       Action = "visit"       // 需上门, or a time agreed: the visit's deadline is set (VisitDue); the status stays
	Arrive      Action = "arrive"      // 到场: the engineer is on site
	Leave       Action = "leave"       // 离场: the engineer has left the site
	Reschedule  Action = "reschedule"  // 改期: a lead moves the deadlines (ResponseDue, ResolutionDue)
)

// Transition is one lifecycle step as the store applies it: the ticket
// moves from one of From to To (empty: the status stays) and takes the
// action's fields; the others are left alone.
type Transition struct {
	Action Action
	From   []Status
	To     Status
	At     time.Time
	// Staff is the responder (Acknowledge) or the new assignee (Reassign).
	Staff *Staff
	// Resolution and Handling are the note and the way (Resolve).
	Resolution, Handling string
	// Paused and the deadlines are the clock after a pause (Resume), or
	// the deadlines a lead moved them to (Reschedule).
	Paused        string
	ResponseDue   time.Time
	ResolutionDue *time.Time
	// VisitDue is by when the engineer is on site (Visit).
	VisitDue *time.Time
}
