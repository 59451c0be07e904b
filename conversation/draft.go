package conversation

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// textHandlers answer the current question with the customer's text. Text
// that does not answer it is added to the description (notAnswer), never
// thrown away: customers often add details where a form would not expect
// them.
var textHandlers = map[State]func(*turn, string){
	StateIdle:      (*turn).idleText,
	StateDescribe:  (*turn).describeText,
	StateSeverity:  (*turn).severityText,
	StateProfile:   (*turn).profileText,
	StateUnit:      func(t *turn, text string) { t.shortAnswer(text, "单位", func(d *Draft) { d.Unit = text }) },
	StateName:      func(t *turn, text string) { t.shortAnswer(text, "联系人", func(d *Draft) { d.Name = text }) },
	StatePhone:     (*turn).phoneText,
	StateRoom:      (*turn).roomText,
	StateSummary:   (*turn).summaryText,
	StateEdit:      (*turn).editText,
	StateComplaint: complain,
}

// prompts ask each state's question.
var prompts = map[State]func(Session) Reply{
	StateDescribe:  describePrompt,
	StateSeverity:  func(Session) Reply { return severityPrompt() },
	StateProfile:   func(s Session) Reply { return profilePrompt(s.Profile) },
	StateUnit:      func(Session) Reply { return Reply{Text: askUnit} },
	StateName:      func(Session) Reply { return Reply{Text: askName} },
	StatePhone:     func(Session) Reply { return Reply{Text: askPhone} },
	StateRoom:      func(Session) Reply { return Reply{Text: askRoom} },
	StateSummary:   func(s Session) Reply { return summaryPrompt(s.Draft) },
	StateEdit:      func(Session) Reply { return editPrompt() },
	StateComplaint: func(Session) Reply { return Reply{Text: askComplaint} },
}

// prompt is the question of the session's state; idle asks nothing but is
// given the description question so callers need no special case.
func prompt(s Session) Reply {
	if p, ok := prompts[s.State]; ok {
		return p(s)
	}
	return Reply{Text: askDescription}
}

// stateMenu is the tap-to-answer options the current question offers.
func stateMenu(s Session) []MenuItem {
	if m := prompt(s).Menu; m != nil {
		return m.Items
	}
	return nil
}

func describePrompt(s Session) Reply {
	if s.Editing == fieldDescription {
		return Reply{Text: askNewDescription}
	}
	return Reply{Text: askDescription}
}

// advance moves to the question the draft needs next, acknowledging the
// answer in front of it. After a change made from the summary, that is the
// summary again.
func (t *turn) advance(prefix string) {
	if t.s.Editing != "" {
		t.s.Editing = ""
		if prefix == "" {
			prefix = updatedNote
		}
	}
	t.goTo(next(t.s.Draft, t.s.Profile))
	t.ask(prefix)
}

// notAnswer keeps text that does not answer the question in the description
// and asks again.
func (t *turn) notAnswer(text string) {
	t.addToDescription(text)
	t.ask(appendedNote)
}

// addToDescription appends text to the description, a line each. What does
// not fit in maxDescription goes to the bot whole, as IntentOverflowText, so
// no piece is cut in two except a single first text that is too long.
func (t *turn) addToDescription(text string) {
	d := t.s.Draft
	sep := ""
	if d.Description != "" {
		sep = "\n"
	}
	room := maxDescription - utf8.RuneCountInString(d.Description) - len(sep)
	switch {
	case utf8.RuneCountInString(text) <= room:
		d.Description += sep + text
	case d.Description == "":
		keep, rest := splitRunes(text, room)
		d.Description = keep
		t.overflow(rest)
	default:
		t.overflow(text)
	}
}

func (t *turn) overflow(text string) {
	if t.s.Draft != nil {
		t.s.Draft.Overflow = true
	}
	t.emit(Intent{Kind: IntentOverflowText, Text: text})
	t.say(overflowNote)
}

func splitRunes(s string, n int) (string, string) {
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i], s[i:]
}

// describeText takes the problem description, or a new one when it is being
// changed from the summary. The old one goes to the bot's log rather than
// away: it may hold details the customer did not mean to take back.
func (t *turn) describeText(text string) {
	prefix := gotDescription
	if d := t.s.Draft; t.s.Editing == fieldDescription {
		if d.Description != "" {
			d.Overflow = true
			t.emit(Intent{Kind: IntentOverflowText, Text: d.Description})
		}
		d.Description = ""
		prefix = updatedNote
	}
	t.addToDescription(text)
	t.advance(prefix)
}

// severityText takes 1-5 or a level's name. After maxMisses unclear answers
// it stops asking: a report as 普通问题 beats a customer who gives up. When
// the level is being changed from the summary, the old one stays instead.
func (t *turn) severityText(text string) {
	d := t.s.Draft
	if n, ok := parseSeverity(text); ok {
		d.Severity, d.SeverityGuessed = n, false
		t.advance("")
		return
	}
	t.addToDescription(text)
	t.s.Misses++
	if t.s.Misses < maxMisses {
		t.ask(severityMissNote)
		return
	}
	prefix := severityKept
	if t.s.Editing == "" {
		d.Severity, d.SeverityGuessed = severityDefault, true
		prefix = severityDefaulted
	}
	t.advance(appendedNote + prefix)
}

// profileText: 是 takes the contact details on file, 否 asks them afresh.
func (t *turn) profileText(text string) {
	yes, ok := parseYesNo(text)
	switch {
	case !ok:
		t.notAnswer(text)
	case yes:
		p, d := t.s.Profile, t.s.Draft
		d.Unit, d.Name, d.Phone, d.Room = p.Unit, p.Name, p.Phone, p.Room
		t.advance("")
	default:
		t.goTo(StateUnit)
		t.ask(profileRedo)
	}
}

// shortAnswer takes a unit, name or room. One too long for the field is
// most likely more description, so it is kept there.
func (t *turn) shortAnswer(text, label string, set func(*Draft)) {
	if utf8.RuneCountInString(text) > maxShortField {
		t.addToDescription(text)
		t.ask(fmt.Sprintf(tooLongFmt, label, maxShortField))
		return
	}
	set(t.s.Draft)
	t.advance("")
}

func (t *turn) roomText(text string) {
	if roomNoneWords[compact(text)] {
		text = RoomNone
	}
	t.shortAnswer(text, "房间号", func(d *Draft) { d.Room = text })
}

func (t *turn) phoneText(text string) {
	if p, ok := NormalisePhone(text); ok {
		t.s.Draft.Phone = p
		t.advance("")
		return
	}
	t.addToDescription(text)
	if strings.ContainsAny(foldWidth(text), "0123456789") {
		t.ask(phoneBadNote)
		return
	}
	t.ask(appendedNote)
}

// open submits the draft. The bot answers with the ticket number and the
// committed times, which only it knows, so there is no reply here. The
// contact details become the profile, to be confirmed next time.
func (t *turn) open() {
	d := t.s.Draft
	t.emit(Intent{Kind: IntentOpenTicket, Draft: d})
	t.s.Profile = Profile{Unit: d.Unit, Name: d.Name, Phone: d.Phone, Room: d.Room}
	t.s.Draft = nil
	t.s.Editing = ""
	t.goTo(StateIdle)
}

func profilePrompt(p Profile) Reply {
	q := fmt.Sprintf(profileQuestionFmt, p.Unit, p.Name, MaskPhone(p.Phone))
	if p.Room != "" && p.Room != RoomNone {
		q = fmt.Sprintf(profileRoomFmt, p.Unit, p.Name, MaskPhone(p.Phone), p.Room)
	}
	return Reply{
		Text: q + profileInstruction,
		Menu: &Menu{Head: q, Items: []MenuItem{{ID: "yes", Content: "是"}, {ID: "no", Content: "否"}}},
	}
}
