package bot

import "context"

// StaffState is what the bot waits for from a staff member between
// messages: the resolution note of a ticket, then how it was solved; the
// result of a revisit; the answers of the /round dialogue.
type StaffState struct {
	Awaiting string      `json:"awaiting,omitempty"` // "" or awaitNote, awaitMissing, awaitRevisit, awaitRound
	Ticket   int64       `json:"ticket,omitempty"`
	Note     string      `json:"note,omitempty"`
	Task     int64       `json:"task,omitempty"`  // the revisit task whose result is awaited
	Round    *RoundDraft `json:"round,omitempty"` // the round being set up with /round
}

const awaitNote = "resolution_note"

// StaffStateStore keeps StaffState per staff member.
type StaffStateStore interface {
	StaffState(ctx context.Context, staffID int64) (StaffState, error)
	SetStaffState(ctx context.Context, staffID int64, s StaffState) error
}
