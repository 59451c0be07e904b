// Package conversation is the customer's intake dialogue as a pure state
// machine. The bot loads a Session, calls Step with the customer's event and
// the current time, sends the replies and carries out the intents. Nothing
// here does I/O or reads the clock, so every dialogue is a table test.
//
// One rule shapes the whole package: nothing the customer typed is dropped.
// Free text is either the answer to the question asked, part of the draft's
// problem description, or handed to the bot in an Intent.
package conversation

import (
	"slices"
	"time"
	"unicode/utf8"
)

// IdleTimeout is how long a dialogue may rest before a draft in progress is
// set aside. Half an hour covers a customer who goes to look up the room
// number; one who comes back later more likely has something new to say.
const IdleTimeout = 30 * time.Minute

// Length limits keep the session small enough to rewrite in Redis on every
// message and the summary inside one WeChat text message.
const (
	maxDescription = 4000 // runes; the rest goes out as IntentOverflowText
	maxShortField  = 100  // runes, for unit, name and room
	maxMisses      = 3    // severity answers not understood before 普通问题 is assumed
)

// State is the question the customer is expected to answer next.
type State string

// States of the dialogue. StateIdle is the zero value so that a new
// customer's empty session needs no setting up.
const (
	StateIdle      State = ""
	StateDescribe  State = "describe"  // asked for the problem description
	StateSeverity  State = "severity"  // asked for 1-5
	StateProfile   State = "profile"   // asked to confirm the contact details on file
	StateUnit      State = "unit"      // asked for the unit
	StateName      State = "name"      // asked for the contact person
	StatePhone     State = "phone"     // asked for the phone
	StateRoom      State = "room"      // asked for the room number
	StateSummary   State = "summary"   // shown the summary: 确认 / 修改 / 取消
	StateEdit      State = "edit"      // asked which field to change
	StateComplaint State = "complaint" // asked for the complaint text
)

// RoomNone is the room number of a customer who said they have none, so the
// question is not asked again and the ticket says so.
const RoomNone = "无"

// Attachment kinds.
const (
	AttachmentImage    = "image"
	AttachmentVoice    = "voice"
	AttachmentVideo    = "video"
	AttachmentLocation = "location"
	AttachmentLink     = "link"
	AttachmentFile     = "file"
)

// Session is one customer's dialogue state, stored as JSON between messages.
// The bot sets ActiveTicket when it opens a ticket (and clears it when the
// ticket is closed) and may refresh Profile; everything else is Step's.
type Session struct {
	State        State     `json:"state,omitempty"`
	Draft        *Draft    `json:"draft,omitempty"`   // the report being filled in
	Saved        *Draft    `json:"saved,omitempty"`   // a report set aside, picked up again with 继续
	Misses       int       `json:"misses,omitempty"`  // answers to the current question not understood
	Editing      string    `json:"editing,omitempty"` // field key being changed from the summary
	Profile      Profile   `json:"profile,omitzero"`
	ActiveTicket int64     `json:"ticket,omitempty"`
	UpdatedAt    time.Time `json:"at,omitzero"`
}

// Profile is what earlier tickets told us about the customer.
type Profile struct {
	Unit  string `json:"unit,omitempty"`
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Room  string `json:"room,omitempty"`
}

// Draft is a report being filled in.
type Draft struct {
	Description     string       `json:"desc,omitempty"`
	Severity        int          `json:"sev,omitempty"`
	SeverityGuessed bool         `json:"guessed,omitempty"` // assumed after three unclear answers
	Unit            string       `json:"unit,omitempty"`
	Name            string       `json:"name,omitempty"`
	Phone           string       `json:"phone,omitempty"` // normalised, see NormalisePhone
	Room            string       `json:"room,omitempty"`  // RoomNone when there is none
	Attachments     []Attachment `json:"att,omitempty"`
	// Overflow: text of this report went out as IntentOverflowText (over
	// the description's limit, or replaced), which the bot keeps apart and
	// puts on the ticket the report opens.
	Overflow  bool      `json:"of,omitempty"`
	StartedAt time.Time `json:"started,omitzero"`
}

// Attachment is a message other than text sent while reporting: an
// image, voice or video by its media id, a location, link or file by its
// description.
type Attachment struct {
	Kind    string `json:"kind"` // one of the Attachment kinds
	MediaID string `json:"media,omitempty"`
	Text    string `json:"text,omitempty"`
}

// Expired reports whether the customer has been quiet for IdleTimeout or
// longer, after which a draft in progress is set aside.
func (s Session) Expired(now time.Time) bool {
	return !s.UpdatedAt.IsZero() && now.Sub(s.UpdatedAt) >= IdleTimeout
}

// clone copies the drafts so that Step never writes through the caller's
// pointers: the session passed in stays as it was.
func (s Session) clone() Session {
	s.Draft = s.Draft.clone()
	s.Saved = s.Saved.clone()
	return s
}

func (d *Draft) clone() *Draft {
	if d == nil {
		return nil
	}
	c := *d
	c.Attachments = slices.Clone(d.Attachments)
	return &c
}

// hasContent reports whether the draft holds anything the customer sent. An
// empty draft (a report button tapped, nothing typed yet) can be thrown away.
func (d *Draft) hasContent() bool {
	return d != nil && (d.Description != "" || len(d.Attachments) > 0)
}

// complete reports whether the profile can be offered for confirmation: it
// has the contact details, and they are what a draft may hold (the bot may
// have filled it from elsewhere).
func (p Profile) complete() bool {
	fits := func(v string) bool { return v != "" && utf8.RuneCountInString(v) <= maxShortField }
	phone, ok := NormalisePhone(p.Phone)
	return fits(p.Unit) && fits(p.Name) && ok && phone == p.Phone &&
		utf8.RuneCountInString(p.Room) <= maxShortField
}

// next is the question a draft still needs answered. The draft itself is the
// record of progress, so a draft picked up again after a pause (继续), or
// after a complaint in between, resumes at the right question.
func next(d *Draft, p Profile) State {
	switch {
	case d.Description == "":
		return StateDescribe
	case d.Severity == 0:
		return StateSeverity
	case d.Unit == "" && d.Name == "" && d.Phone == "" && p.complete():
		return StateProfile
	case d.Unit == "":
		return StateUnit
	case d.Name == "":
		return StateName
	case d.Phone == "":
		return StatePhone
	case d.Room == "":
		return StateRoom
	}
	return StateSummary
}

// drafting reports whether the state is a question about the draft.
func drafting(st State) bool {
	return st != StateIdle && st != StateComplaint
}

// repair makes a session read from storage consistent before it is used, so
// that a stale or hand-edited record cannot make Step ask a question it has
// no draft for.
func repair(s Session) Session {
	if _, known := textHandlers[s.State]; !known {
		s.State = StateIdle
	}
	if s.Draft == nil && drafting(s.State) {
		s.State = StateIdle
	}
	if s.Draft != nil && (s.State == StateIdle || derived(s.State) && next(s.Draft, s.Profile) != s.State) {
		s.State = next(s.Draft, s.Profile)
	}
	if f, ok := fieldByKey(s.Editing); !ok || f.state != s.State {
		s.Editing = ""
	}
	if s.Misses < 0 {
		s.Misses = 0
	}
	return s
}

// derived states are only right when the draft leads to them.
func derived(st State) bool {
	return st == StateProfile || st == StateSummary
}
