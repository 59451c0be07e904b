package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// A survey is one customer's questionnaire: after a ticket closes (one per
// ticket), or as part of a revisit round (回访, one per customer and round).
// It is asked in the chat while the customer's 48-hour window is open, and
// otherwise sent as a template message linking to Hotline's survey page.

// SurveyStatus is where a survey is.
type SurveyStatus = string

// Survey statuses.
const (
	SurveyPending   SurveyStatus = "pending"   // a round's invitation not sent yet
	SurveySent      SurveyStatus = "sent"      // delivered, waiting for the answer
	SurveyAnswered  SurveyStatus = "answered"  // the overall rating is in
	SurveyExpired   SurveyStatus = "expired"   // not answered in time
	SurveyFailed    SurveyStatus = "failed"    // could not be delivered
	SurveyCancelled SurveyStatus = "cancelled" // its round closed before it went out
)

// How a survey was delivered and answered.
const (
	ViaChat     = "chat"     // customer-service messages, tap-to-answer
	ViaTemplate = "template" // a template message with the survey page's link
	ViaPage     = "page"     // answered on the survey page
)

// Survey is one questionnaire sent to one customer. The ticket's unit,
// engineer and severity are copied at creation: the statistics count by
// them as they were when the customer was served.
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
	return s.Status == SurveySent && s.ExpiresAt != nil && now.Before(*s.ExpiresAt)
}

// SurveyAnswer is one answered question.
type SurveyAnswer struct {
	Question string `db:"question"`
	Value    string `db:"value"` // rating: 1-4; yesno: yes/no; choice: the option; text: the comment
}

// AnswerOutcome says what recording an answer did.
type AnswerOutcome int

// Outcomes of recording answers.
const (
	AnswerCounted  AnswerOutcome = iota // recorded
	AnswerRepeated                      // that question was answered before: kept as it was
	AnswerDone                          // the survey was already completed (on the page, or in the chat)
	AnswerTooLate                       // expired, closed or never delivered: thanked, not counted
)

// AnswerInput is answers to record at once: one from the chat, or a whole
// page.
type AnswerInput struct {
	Answers  []SurveyAnswer
	Rating   *int // set when Answers hold the overall rating
	Via      string
	At       time.Time
	Complete bool // the last question: the survey is done
}

// SurveyStore keeps surveys and their answers.
type SurveyStore interface {
	// CreateSurvey inserts s unless a survey with its Key exists, in which
	// case it returns false and changes nothing.
	CreateSurvey(ctx context.Context, s *Survey) (bool, error)
	// Survey loads one, with the customer's channel and open id.
	Survey(ctx context.Context, id int64) (*Survey, error)
	SurveyAnswers(ctx context.Context, id int64) ([]SurveyAnswer, error)
	// MarkSurveySent records delivery and schedules jobs (reminder,
	// expiry) in one transaction.
	MarkSurveySent(ctx context.Context, id int64, via string, at, expires time.Time, jobs []Job) error
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
	AnswerSurvey(ctx context.Context, id int64, in AnswerInput) (AnswerOutcome, error)
	// SetSurveyOptOut records that a customer wants no more surveys (TD),
	// or wants them again; OptedOut asks.
	SetSurveyOptOut(ctx context.Context, customerID int64, out bool, at time.Time) error
	OptedOut(ctx context.Context, customerID int64) (bool, error)
}

// PendingSurvey is the survey question a customer was asked in the chat:
// their next plain answer goes to it.
type PendingSurvey struct {
	Survey int64 `json:"survey"`
	Step   int   `json:"step"` // index of the question asked
}

// SurveyChatStore remembers per customer which survey question waits for
// an answer in the chat (Redis: one cheap read on the callback's hot path).
type SurveyChatStore interface {
	PendingSurvey(ctx context.Context, channel, openID string) (PendingSurvey, bool, error)
	SetPendingSurvey(ctx context.Context, channel, openID string, p PendingSurvey, ttl time.Duration) error
	// ClearPendingSurvey forgets the pending question if it belongs to
	// survey (0: whatever it is).
	ClearPendingSurvey(ctx context.Context, channel, openID string, survey int64) error
}

// SurveyLinker makes the signed link to a survey's page.
type SurveyLinker interface {
	SurveyLink(survey int64, expires time.Time) string
}

// SendPacer paces survey messages to the configured rate, across replicas:
// Wait returns when the next message may go.
type SendPacer interface {
	Wait(ctx context.Context) error
}

// SurveyDeps are the desk's collaborators for surveys and revisit rounds.
// With Store nil the desk sends no surveys.
type SurveyDeps struct {
	Store    SurveyStore
	Rounds   RoundStore
	Revisits RevisitStore
	Stats    StatsStore
	Chat     SurveyChatStore
	Links    SurveyLinker // nil: no survey page; invitations outside the window cannot go
	Pacer    SendPacer    // nil: no pacing
}

// surveysOn reports whether the desk sends surveys: every store is wired
// (the CLI's desk has no chat store, and only reads and starts rounds).
func (d *Desk) surveysOn() bool {
	s := d.surveys
	return s.Store != nil && s.Chat != nil && s.Rounds != nil && s.Revisits != nil && s.Stats != nil
}

// errNoQuestionnaire: the survey's questionnaire left the policy file
// since it was sent; its answers can no longer be read.
var errNoQuestionnaire = errors.New("questionnaire no longer in the policy")

func (d *Desk) questionnaireOf(s *Survey) (*Questionnaire, error) {
	qn, err := d.policy.Surveys.Questionnaire(s.Questionnaire)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoQuestionnaire, err)
	}
	return qn, nil
}

func (d *Desk) pace(ctx context.Context) error {
	if d.surveys.Pacer == nil {
		return nil
	}
	return d.surveys.Pacer.Wait(ctx)
}

// inWindow reports whether the customer wrote within WeChat's 48 hours, so
// customer-service messages may reach them: the last message the dialogue
// took (the session) or the last report (customers.last_seen_at).
func (d *Desk) inWindow(ctx context.Context, c *Customer, now time.Time) bool {
	last := time.Time{}
	if c.LastSeenAt != nil {
		last = *c.LastSeenAt
	}
	if s, found, err := d.sessions.Session(ctx, c.Channel, c.OpenID); err == nil && found && s.UpdatedAt.After(last) {
		last = s.UpdatedAt
	}
	return now.Sub(last) < 47*time.Hour // an hour's margin for the answers to come
}

// surveyTemplate is the invitation as a template message: four short
// fields and the survey page's link.
func (d *Desk) surveyTemplate(s *Survey, qn *Questionnaire, expires time.Time, key string) *TemplateMessage {
	tpl := &TemplateMessage{Kind: "survey", ClientMsgID: key, Fields: map[string]string{
		"title":  qn.Title,
		"ticket": fmt.Sprintf("#%d", s.TicketID),
		"time":   expires.In(d.policy.Location).Format("2006-01-02 15:04"),
		"note":   "点击填写，约1分钟",
	}}
	if d.surveys.Links != nil {
		tpl.URL = d.surveys.Links.SurveyLink(s.ID, expires)
	}
	return tpl
}

// deliverSurvey sends the first question (or, with again, a reminder of the
// question due): in the chat when the window is open, as a template with
// the page's link otherwise. It returns how it went.
func (d *Desk) deliverSurvey(ctx context.Context, s *Survey, qn *Questionnaire, expires time.Time, key string, again bool) (string, error) {
	if d.customer == nil {
		return "", fmt.Errorf("no customer channel configured: %w", ErrUnreachable)
	}
	c, err := d.customers.CustomerByID(ctx, s.CustomerID)
	if err != nil {
		return "", fmt.Errorf("load customer: %w", err)
	}
	now := d.now()
	if d.inWindow(ctx, c, now) {
		step := d.firstUnanswered(ctx, s, again)
		err := d.customer.Notify(ctx, c.OpenID, Notice{Reply: surveyQuestion(s, qn, step, surveyIntro(s, qn, step, again))})
		if err == nil {
			p := PendingSurvey{Survey: s.ID, Step: step}
			if err := d.surveys.Chat.SetPendingSurvey(ctx, c.Channel, c.OpenID, p, pendingTTL(qn, step, expires, now)); err != nil {
				// Sent all the same: taps carry their survey; only typed answers miss it.
				d.log.Warn("survey: remember the pending question", slog.Int64("survey", s.ID), slog.String("err", err.Error()))
			}
			return ViaChat, nil
		}
		if !isUnreachable(err) {
			return "", err
		}
		d.log.Info("survey: chat window closed; sending the link", slog.Int64("survey", s.ID))
	}
	if d.surveys.Links == nil {
		return "", fmt.Errorf("no survey page (set HOTLINE_PUBLIC_URL): %w", ErrUnreachable)
	}
	return ViaTemplate, d.customer.Notify(ctx, c.OpenID, Notice{Template: d.surveyTemplate(s, qn, expires, key)})
}

// firstUnanswered is the question to ask: the first, or for a reminder the
// first one without an answer.
func (d *Desk) firstUnanswered(ctx context.Context, s *Survey, again bool) int {
	if !again {
		return 0
	}
	answers, err := d.surveys.Store.SurveyAnswers(ctx, s.ID)
	if err != nil {
		return 0
	}
	return len(answers)
}

// pendingTTL is how long a typed answer goes to the survey: until it
// expires, but a comment only for the dialogue's idle time, so a customer
// who comes back later with a new fault is not taken for a comment.
func pendingTTL(qn *Questionnaire, step int, expires, now time.Time) time.Duration {
	ttl := expires.Sub(now)
	if step < len(qn.Questions) && qn.Questions[step].Kind == QuestionText {
		ttl = min(ttl, 30*time.Minute)
	}
	return max(ttl, time.Second)
}
