package conversation

import "strings"

// EventKind says what the customer did.
type EventKind string

// Kinds of events the bot passes to Step.
const (
	EventText        EventKind = "text"
	EventImage       EventKind = "image"
	EventVoice       EventKind = "voice"
	EventVideo       EventKind = "video"    // a video or short video; MediaID
	EventLocation    EventKind = "location" // Text describes the place
	EventLink        EventKind = "link"     // Text is its title and address
	EventFile        EventKind = "file"     // Text is its name
	EventMenu        EventKind = "menu"     // a tap on a tap-to-answer option; MenuID says which
	EventClick       EventKind = "click"    // a button of the official account's menu; Key says which
	EventSubscribe   EventKind = "subscribe"
	EventUnsubscribe EventKind = "unsubscribe"
)

// Keys of the official account's menu buttons (Event.Key of EventClick).
const (
	ClickReport    = "HOTLINE_REPORT"
	ClickProgress  = "HOTLINE_PROGRESS"
	ClickComplaint = "HOTLINE_COMPLAINT"
)

// Event is one message or event from the customer.
type Event struct {
	Kind    EventKind
	Text    string // EventText; for EventMenu the tapped option's content, which Step does not need
	MediaID string // EventImage, EventVoice, EventVideo
	MenuID  string // EventMenu
	Key     string // EventClick
}

// valid replaces bytes that are not UTF-8. The session is stored as JSON,
// which would replace them anyway; doing it first means what Step keeps is
// exactly what storage keeps.
func (ev Event) valid() Event {
	ev.Text = strings.ToValidUTF8(ev.Text, "\uFFFD")
	ev.MediaID = strings.ToValidUTF8(ev.MediaID, "\uFFFD")
	ev.MenuID = strings.ToValidUTF8(ev.MenuID, "\uFFFD")
	ev.Key = strings.ToValidUTF8(ev.Key, "\uFFFD")
	return ev
}
