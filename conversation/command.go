package conversation

import (
	"fmt"
	"strings"
	"unicode"
)

// commands work in every state, so a customer is never stuck in a question:
// the whole message, as norm folds it, must be the keyword. 投诉 is the one
// that takes text after it (see complaintBody). The commands are functions
// of the turn rather than its methods: turn's methods are what they are made
// of (say, ask, goTo, keep…), and the menu buttons share some of them
// (clickHandlers).
var commands = map[string]func(*turn){
	"查询": listTickets, "进度": listTickets, "查询进度": listTickets, "查进度": listTickets,
	"取消": cancel, "取消报修": cancel,
	"帮助": help, "help": help,
	"人工": callback, "人工客服": callback, "转人工": callback,
	"报修": startReport, "新报修": startReport, "我要报修": startReport,
	"继续": resume, "继续填写": resume,
}

// complaintMark starts a complaint: 投诉 alone, or 投诉 and what it is about.
const complaintMark = "投诉"

// onText handles a text message: a command, or else an answer to the
// current state's question.
func (t *turn) onText(raw string) {
	text := strings.TrimSpace(raw)
	if body, ok := complaintBody(text); ok {
		complain(t, body)
		return
	}
	if cmd, ok := commands[norm(text)]; ok {
		cmd(t)
		return
	}
	if text == "" {
		t.emptyText()
		return
	}
	textHandlers[t.s.State](t, text)
}

// complaintBody reports whether text is a complaint and returns what follows
// 投诉, without the separator the customer put after it (投诉：…).
func complaintBody(text string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimLeftFunc(text, filler), complaintMark)
	if !ok {
		return "", false
	}
	return strings.TrimRightFunc(strings.TrimLeftFunc(rest, filler), unicode.IsSpace), true
}

// emptyText answers a message of only spaces: nothing to keep, so just ask
// again.
func (t *turn) emptyText() {
	if t.s.State == StateIdle {
		t.say(emptyIdleText)
		return
	}
	t.ask("")
}

// listTickets leaves the answer to the bot, which knows the tickets.
func listTickets(t *turn) {
	t.emit(Intent{Kind: IntentListTickets})
}

func help(t *turn) {
	t.say(HelpText())
	t.remind()
}

// callback asks the bot to have a person call the customer back.
func callback(t *turn) {
	t.emit(Intent{Kind: IntentCallback})
	t.say(callbackAckText)
	t.remind()
}

// waitForComplaint waits for the complaint's text. A draft in progress stays
// and is returned to afterwards; a change being made to it is given up.
func waitForComplaint(t *turn) {
	t.s.Editing = ""
	t.goTo(StateComplaint)
	t.ask("")
}

func complain(t *turn, body string) {
	if body == "" {
		waitForComplaint(t)
		return
	}
	t.emit(Intent{Kind: IntentComplaint, Text: body})
	if t.s.State == StateComplaint {
		t.goTo(t.resumeState())
	}
	t.say(complaintAckText)
	t.remind()
}

// cancel gives up what is in progress: the complaint being asked for, else
// the draft, else a draft set aside earlier.
func cancel(t *turn) {
	switch {
	case t.s.State == StateComplaint:
		t.goTo(t.resumeState())
		t.say(complaintCancelText)
		t.remind()
	case t.s.Draft != nil:
		t.drop(t.s.Draft)
		t.s.Draft = nil
		t.s.Editing = ""
		t.goTo(StateIdle)
		t.say(cancelledText)
	case t.s.Saved != nil:
		t.drop(t.s.Saved)
		t.s.Saved = nil
		t.savedTouched = true
		t.say(savedCancelledText)
	default:
		t.say(nothingToCancelText)
	}
}

// startReport begins a report with the description question, even while a
// ticket is open: 报修 is how a customer with an open ticket reports
// something else.
func startReport(t *turn) {
	prefix := ""
	if t.newDraft() {
		prefix = newReportSaved
	}
	t.goTo(StateDescribe)
	t.ask(prefix)
}

// resume picks up the draft set aside. A draft in progress with content
// takes its place in Saved, so 继续 twice switches back.
func resume(t *turn) {
	saved := t.s.Saved
	if saved == nil {
		continueCurrent(t)
		return
	}
	t.savedTouched = true
	t.s.Saved = nil
	prefix := resumedNote
	if t.s.Draft.hasContent() {
		t.s.Saved = t.s.Draft
		prefix = swappedNote
	}
	t.s.Draft = saved
	t.s.Editing, t.s.Misses = "", 0
	t.goTo(next(saved, t.s.Profile))
	t.ask(prefix)
}

// continueCurrent answers 继续 when nothing was set aside: the customer
// wants to go on with what they are doing.
func continueCurrent(t *turn) {
	if t.s.Draft == nil {
		t.say(nothingToContinue)
		return
	}
	if !drafting(t.s.State) {
		t.goTo(t.resumeState())
	}
	t.ask(continueNote)
}

// idleText starts a report with the text as its description, or, while a
// ticket is open, passes the text on to it.
func (t *turn) idleText(text string) {
	if t.s.ActiveTicket != 0 {
		t.emit(Intent{Kind: IntentAppend, Text: text})
		t.say(fmt.Sprintf(relayedFmt, t.s.ActiveTicket))
		return
	}
	t.newDraft()
	t.addToDescription(text)
	t.advance(gotDescription)
}
