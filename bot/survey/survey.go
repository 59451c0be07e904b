// Package survey measures satisfaction: a survey after every ticket, asked
// in the chat while the customer's 48-hour window is open and otherwise as
// a template message linking to the survey page; revisit tasks for unhappy
// answers; revisit rounds (回访) that ask a sample of customers; and the
// statistics quality management reads. It plugs into the other rooms
// through their registrations: the chat answers into bot/intake, the staff
// commands, buttons and dialogues into bot/staffdesk, its jobs into
// bot/engine, and the survey that follows a closed ticket into bot/ticket.
package survey

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/staffdialog"
	"github.com/hotline-desk/hotline/conversation"
)

// Status is where a survey is.
type Status = string

// Survey statuses.
const (
	StatusPending   Status = "pending"   // a round's invitation not sent yet
	StatusSent      Status = "sent"      // delivered, waiting for the answer
	StatusAnswered  Status = "answered"  // the overall rating is in
	StatusExpired   Status = "expired"   // not answered in time
	StatusFailed    Status = "failed"    // could not be delivered
	StatusCancelled Status = "cancelled" // its round closed before it went out
)

// How a survey was delivered and answered.
const (
	ViaChat     = "chat"     // customer-service messages, tap-to-answer
	ViaTemplate = "template" // a template message with the survey page's link
	ViaPage     = "page"     // answered on the survey page
)

// Survey is one questionnaire sent to one customer: after a ticket closes
// (one per ticket), or in a revisit round (one per customer and round).
// The ticket's unit, engineer and severity are copied at creation: the
// statistics count by them as they were when the customer was served.
type Survey struct {
	ID            int64      `db:"id"`
	Key           string     `db:"survey_key"` // unique: ticket:ID or round:R:C
	RoundID       *int64     `db:"round_id"`
	TicketID      int64      `db:"ticket_id"`
	CustomerID    int64      `db:"customer_id"`
	Questionnaire string     `db:"questionnaire"`
	UnitName      string     `db:"unit_name"`
	StaffNumber   string     `db:"staff_number"`
	StaffName     string     `db:"staff_name"`
	Severity      int        `db:"severity"`
	Status        string     `db:"status"`
	Via           string     `db:"via"`
	Attempts      int        `db:"attempts"`
	LastError     string     `db:"last_error"`
	NextTryAt     *time.Time `db:"next_try_at"`
	CreatedAt     time.Time  `db:"created_at"`
	SentAt        *time.Time `db:"sent_at"`
	RemindedAt    *time.Time `db:"reminded_at"`
	ExpiresAt     *time.Time `db:"expires_at"`
	AnsweredAt    *time.Time `db:"answered_at"`
	AnsweredVia   string     `db:"answered_via"`
	CompletedAt   *time.Time `db:"completed_at"`
	Rating        *int       `db:"rating"` // the overall rating, 1 (满意) to 4 (不满意)
	// Joined from the customer, for sending.
	Channel string `db:"channel"`
	OpenID  string `db:"open_id"`
}

// Open reports whether the survey may still be answered at now.
func (s *Survey) Open(now time.Time) bool {
	return s.Status == StatusSent && s.ExpiresAt != nil && now.Before(*s.ExpiresAt)
}

// Answer is one answered question.
type Answer struct {
	Question string `db:"question"`
	Value    string `db:"value"` // rating: 1-4; yesno: yes/no; choice: the option; text: the comment
}

// AnswerInput is answers to record at once: one from the chat, or a whole
// page.
type AnswerInput struct {
	Answers  []Answer
	Rating   *int // set when Answers hold the overall rating
	Via      string
	At       time.Time
	Complete bool // the last question: the survey is done
}

// Store keeps surveys and their answers.
type Store interface {
	// CreateSurvey inserts s unless a survey with its Key exists, in which
	// case it returns false and changes nothing.
	CreateSurvey(ctx context.Context, s *Survey) (bool, error)
	// Survey loads one, with the customer's channel and open id.
	Survey(ctx context.Context, id int64) (*Survey, error)
	SurveyAnswers(ctx context.Context, id int64) ([]Answer, error)
	// MarkSurveySent records delivery and schedules jobs (reminder,
	// expiry) in one transaction.
	MarkSurveySent(ctx context.Context, id int64, via string, at, expires time.Time, jobs []bot.Job) error
	// RetrySurvey leaves a pending survey for another try at next;
	// FailSurvey gives up on it.
	RetrySurvey(ctx context.Context, id int64, next time.Time, errText string) error
	FailSurvey(ctx context.Context, id int64, errText string) error
	// MarkReminded records the reminder once; false when it was recorded
	// before or the survey is no longer waiting.
	MarkReminded(ctx context.Context, id int64, at time.Time) (bool, error)
	// ExpireSurvey closes an unanswered survey, and completes an answered
	// one left half done; false when it was neither.
	ExpireSurvey(ctx context.Context, id int64, at time.Time) (bool, error)
	// AnswerSurvey records answers if the survey is open at in.At.
	AnswerSurvey(ctx context.Context, id int64, in AnswerInput) (conversation.AnswerOutcome, error)
	// SetSurveyOptOut records that a customer wants no more surveys (TD),
	// or wants them again; OptedOut asks.
	SetSurveyOptOut(ctx context.Context, customerID int64, out bool, at time.Time) error
	OptedOut(ctx context.Context, customerID int64) (bool, error)
}

// PendingQuestion is the survey question a customer was asked in the chat: their
// next plain answer goes to it.
type PendingQuestion struct {
	Survey int64 `json:"survey"`
	Step   int   `json:"step"` // index of the question asked
}

// PendingStore remembers per customer which survey question waits for an
// answer in the chat (Redis: one cheap read on the callback's hot path).
type PendingStore interface {
	PendingSurvey(ctx context.Context, channel, openID string) (PendingQuestion, bool, error)
	SetPendingSurvey(ctx context.Context, channel, openID string, p PendingQuestion, ttl time.Duration) error
	// ClearPendingSurvey forgets the pending question if it belongs to
	// survey (0: whatever it is).
	ClearPendingSurvey(ctx context.Context, channel, openID string, survey int64) error
}

// Sessions reads a customer's dialogue: when they last wrote.
type Sessions interface {
	Session(ctx context.Context, channel, openID string) (conversation.Session, bool, error)
}

// StateStore keeps each staff member's dialogue state.
type StateStore interface {
	StaffState(ctx context.Context, staffID int64) (staffdialog.State, error)
	SetStaffState(ctx context.Context, staffID int64, s staffdialog.State) error
}

// Linker makes the signed link to a survey's page.
type Linker interface {
	SurveyLink(survey int64, expires time.Time) string
}

// Pacer paces survey messages to the configured rate, across replicas:
// Wait returns when the next message may go.
type Pacer interface {
	Wait(ctx context.Context) error
}

// Deps are the survey room's collaborators. Each part needs only some:
// the CLI's rounds and statistics work without the chat, the pacer or the
// links.
type Deps struct {
	Clock        bot.Clock
	Policy       *policy.Policy
	Customers    bot.CustomerStore
	Tickets      bot.TicketStore
	Jobs         bot.JobAdder
	Store        Store
	RoundStore   RoundStore
	RevisitStore RevisitStore
	StatsStore   StatsStore
	Pending      PendingStore
	Sessions     Sessions
	States       StateStore
	Links        Linker // nil: no survey page; invitations outside the window cannot go
	Pacer        Pacer  // nil: no pacing
	Notify       *notify.Notifier
	Log          *slog.Logger
}

// Surveys is the survey room: its parts share one set of collaborators.
type Surveys struct {
	Sender   *Sender   // the survey after a ticket, reminders and expiry
	Chat     *Chat     // answers in the chat (an intake.Taker)
	Page     *Page     // the survey page's side
	Revisits *Revisits // revisit tasks in the staff chat
	Rounds   *Rounds   // revisit rounds: the CLI, /round, their sending
	Stats    *Stats    // the statistics and the monthly check
}

// New builds the survey room.
func New(d Deps) *Surveys {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	c := &core{Deps: d}
	return &Surveys{Sender: &Sender{c}, Chat: &Chat{c}, Page: &Page{c}, Revisits: &Revisits{c}, Rounds: &Rounds{c}, Stats: &Stats{c}}
}

// core is what the parts share.
type core struct {
	Deps
}

func (c *core) now() time.Time { return c.Clock() }

// errNoQuestionnaire: the survey's questionnaire left the policy file
// since it was sent; its answers can no longer be read.
var errNoQuestionnaire = errors.New("questionnaire no longer in the policy")

func (c *core) load(ctx context.Context, id int64) (*Survey, *conversation.Questionnaire, error) {
	sv, err := c.Store.Survey(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	qn, err := c.Policy.Surveys.Questionnaire(sv.Questionnaire)
	if err != nil {
		return nil, nil, fmt.Errorf("survey %d: %w: %w", id, errNoQuestionnaire, err)
	}
	return sv, qn, nil
}

func (c *core) pace(ctx context.Context) error {
	if c.Pacer == nil {
		return nil
	}
	return c.Pacer.Wait(ctx)
}

// qualityStaff are who hear about surveys: quality management, else the
// managers.
func (c *core) qualityStaff(ctx context.Context) []bot.Staff {
	if to := c.Notify.StaffWith(ctx, bot.RoleQuality); len(to) > 0 {
		return to
	}
	return c.Notify.StaffWith(ctx, bot.RoleManager)
}

// mayRevisit: quality management and managers run revisits and rounds.
func mayRevisit(s *bot.Staff) bool { return s.HasRole(bot.RoleQuality) || s.HasRole(bot.RoleManager) }

func isUnreachable(err error) bool { return errors.Is(err, bot.ErrUnreachable) }
