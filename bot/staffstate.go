package bot

import "context"

// StaffState is what the bot waits for from a staff member between
// messages: the resolution note of a ticket, then how it was solved.
type StaffState struct {
	Awaiting string `json:"awaiting,omitempty"` // "" or awaitNote
	Ticket   int64  `json:"ticket,omitempty"`
	Note     string `json:"note,omitempty"`
}

const awaitNote = "resolution_note"

// StaffStateStore keeps StaffState per staff member.
type StaffStateStore interface {
	StaffState(ctx context.Context, staffID int64) (StaffState, error)
	SetStaffState(ctx context.Context, staffID int64, s StaffState) error
}
