// Package staffdialog is the staff's guided dialogues in the chat as pure
// state machines: the resolution note, what the customer must add, the
// result of a revisit, drafting a revisit round, and entering a ticket for
// a caller (/new). A step takes the
// state kept between messages and what the staff member sent, and returns
// the next state, what to say, and what the desk must do; it does no I/O
// and reads no clock, so every dialogue is a table test. The rooms that
// start a dialogue (bot/staffdesk, bot/survey) carry its effects out.
package staffdialog

import "github.com/hotline-desk/hotline/bot"

// State is what the desk waits for from one staff member between
// messages. The zero State waits for nothing.
type State struct {
	Awaiting string      `json:"awaiting,omitempty"` // "" or one of the Await kinds
	Ticket   int64       `json:"ticket,omitempty"`
	Note     string      `json:"note,omitempty"`
	Task     int64       `json:"task,omitempty"`  // the revisit task whose result is awaited
	Round    *RoundDraft `json:"round,omitempty"` // the round being set up with /round
	New      *NewDraft   `json:"new,omitempty"`   // the ticket being entered with /new
}

// What a state waits for; each kind is carried on by the room that started
// it (staffdesk.Desk.Dialogue).
const (
	AwaitNote    = "resolution_note" // the resolution note of Ticket
	AwaitMissing = "missing_info"    // what the customer of Ticket must add
	AwaitRevisit = "revisit_result"  // the result of revisit task Task
	AwaitRound   = "round"           // the next answer of the /round dialogue
	AwaitNew     = "new_ticket"      // the next answer of the /new dialogue
)

// Reply is what a dialogue says to the staff member: text, with buttons.
type Reply struct {
	Text    string
	Buttons [][]bot.Button
}

func say(text string) *Reply { return &Reply{Text: text} }
