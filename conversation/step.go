package conversation

import (
	"fmt"
	"time"
)

// Step advances the customer's dialogue by one event. It is pure: the same
// session, event and time give the same result, and the session passed in
// is not changed. The returned session has UpdatedAt set to now.
func Step(s Session, ev Event, now time.Time) (Session, []Reply, []Intent) {
	t := &turn{s: repair(s.clone()), now: now}
	ev = ev.valid()
	if t.s.Expired(now) {
		t.expire()
	}
	if h, ok := eventHandlers[ev.Kind]; ok {
		h(t, ev)
	}
	t.noticeSetAside(ev.Kind)
	t.s.UpdatedAt = now
	return t.s, t.replies, t.intents
}

// turn collects what one Step does.
type turn struct {
	s       Session
	now     time.Time
	replies []Reply
	intents []Intent

	// What happened to a draft set aside because the session expired, to
	// word the notice about it (see noticeSetAside).
	setAside     bool // the expired draft was moved to Saved
	savedTouched bool // this turn then resumed or cancelled Saved
	newReport    bool // this turn started a new report
}

var eventHandlers = map[EventKind]func(*turn, Event){
	EventText:        func(t *turn, ev Event) { t.onText(ev.Text) },
	EventMenu:        func(t *turn, ev Event) { t.onMenu(ev.MenuID) },
	EventClick:       func(t *turn, ev Event) { t.onClick(ev.Key) },
	EventImage:       func(t *turn, ev Event) { t.onMedia(Attachment{Kind: AttachmentImage, MediaID: ev.MediaID}) },
	EventVoice:       func(t *turn, ev Event) { t.onMedia(Attachment{Kind: AttachmentVoice, MediaID: ev.MediaID}) },
	EventVideo:       func(t *turn, ev Event) { t.onMedia(Attachment{Kind: AttachmentVideo, MediaID: ev.MediaID}) },
	EventLocation:    func(t *turn, ev Event) { t.onMedia(Attachment{Kind: AttachmentLocation, Text: ev.Text}) },
	EventLink:        func(t *turn, ev Event) { t.onMedia(Attachment{Kind: AttachmentLink, Text: ev.Text}) },
	EventFile:        func(t *turn, ev Event) { t.onMedia(Attachment{Kind: AttachmentFile, Text: ev.Text}) },
	EventSubscribe:   func(t *turn, _ Event) { t.say(WelcomeText()) },
	EventUnsubscribe: func(t *turn, _ Event) { t.emit(Intent{Kind: IntentUnsubscribed}) },
}

func (t *turn) say(text string) { t.replies = append(t.replies, Reply{Text: text}) }
func (t *turn) emit(in Intent)  { t.intents = append(t.intents, in) }

// ask asks the current state's question, with prefix in front of it.
func (t *turn) ask(prefix string) {
	t.replies = append(t.replies, prefixed(prefix, prompt(t.s)))
}

// remind repeats the pending question after an aside (help, a complaint…),
// so the customer knows the report still waits for them.
func (t *turn) remind() {
	if drafting(t.s.State) {
		t.ask(pendingNote)
	}
}

// goTo moves to a state; a new question starts with no misses.
func (t *turn) goTo(st State) {
	if st != t.s.State {
		t.s.Misses = 0
	}
	t.s.State = st
}

// resumeState is where the dialogue goes after an aside: back to the
// draft's pending question, or idle.
func (t *turn) resumeState() State {
	if t.s.Draft == nil {
		return StateIdle
	}
	return next(t.s.Draft, t.s.Profile)
}

// expire sets a draft in progress aside after IdleTimeout, so that the
// message which arrives now is read fresh rather than as a late answer to a
// question the customer has forgotten. The draft is kept in Saved.
func (t *turn) expire() {
	if t.s.Draft.hasContent() {
		t.keep(t.s.Draft)
		t.setAside = true
	}
	t.s.Draft = nil
	t.s.Editing = ""
	t.goTo(StateIdle)
}

// noticeSetAside tells the customer, first thing, that an expired draft was
// kept and how to pick it up, unless they already did something with it.
func (t *turn) noticeSetAside(kind EventKind) {
	if !t.setAside || t.savedTouched || kind == EventSubscribe || kind == EventUnsubscribe {
		return
	}
	text := setAsideText
	if t.newReport {
		text = setAsideNewText
	}
	t.replies = append([]Reply{{Text: text}}, t.replies...)
}

// keep puts a draft in Saved. Only one is kept; one already there is handed
// to the bot to log rather than lost.
func (t *turn) keep(d *Draft) {
	t.drop(t.s.Saved)
	t.s.Saved = d
}

// drop hands a draft that will not be opened to the bot to log.
func (t *turn) drop(d *Draft) {
	if d.hasContent() {
		t.emit(Intent{Kind: IntentDraftCancelled, Draft: d})
	}
}

// newDraft starts an empty draft, keeping the one in progress if it holds
// anything. It reports whether one was kept.
func (t *turn) newDraft() bool {
	kept := t.s.Draft.hasContent()
	if kept {
		t.keep(t.s.Draft)
	}
	t.s.Draft = &Draft{StartedAt: t.now}
	t.s.Editing, t.s.Misses = "", 0
	t.newReport = true
	return kept
}

func (t *turn) onClick(key string) {
	if h, ok := clickHandlers[key]; ok {
		h(t)
	}
}

// clickHandlers serve the official account's menu buttons. Other buttons
// (links, operator additions) are not the dialogue's business.
var clickHandlers = map[string]func(*turn){
	ClickReport:    startReport,
	ClickProgress:  listTickets,
	ClickComplaint: waitForComplaint,
}

// onMenu answers the current question with the tapped option. A tap on an
// option of an earlier question is stale: it answers nothing now.
func (t *turn) onMenu(id string) {
	for _, it := range stateMenu(t.s) {
		if it.ID == id {
			t.onText(it.Content)
			return
		}
	}
	if drafting(t.s.State) || t.s.State == StateComplaint {
		t.ask(staleNote)
		return
	}
	t.say(staleIdleText)
}

// onMedia keeps an image, voice, video, location, link or file message
// with whatever the customer is doing: the complaint, the draft, the open
// ticket, or a new report.
func (t *turn) onMedia(a Attachment) {
	kind := a.Kind
	switch {
	case t.s.State == StateComplaint:
		t.emit(Intent{Kind: IntentComplaint, Attachment: &a})
		t.say(complaintMediaText)
	case t.s.Draft != nil:
		t.s.Draft.Attachments = append(t.s.Draft.Attachments, a)
		t.mediaKept(kind)
	case t.s.ActiveTicket != 0:
		t.emit(Intent{Kind: IntentAppend, Attachment: &a})
		t.say(fmt.Sprintf(relayedFmt, t.s.ActiveTicket))
	default:
		t.newDraft()
		t.s.Draft.Attachments = []Attachment{a}
		t.goTo(StateDescribe)
		t.ask(fmt.Sprintf(mediaStartFmt, mediaNames[kind]))
	}
}

// mediaKept acknowledges an attachment to the draft; when the description is
// still missing, it asks for it in the same message.
func (t *turn) mediaKept(kind string) {
	ack := fmt.Sprintf(mediaKeptFmt, mediaNames[kind])
	if t.s.State == StateDescribe && t.s.Editing == "" {
		t.ask(ack)
		return
	}
	t.say(ack)
}
