package bot

import "time"

// The staff chat's durable outbox: a message for staff is stored first and
// delivered by a worker on any replica (adapters/telegram), so an outage of
// the chat platform or a crash delays it but never loses it. The store
// keeps the items; the adapter decides what their payload means.

// Kinds of outbox items.
const (
	OutboxSend = "send"
	OutboxEdit = "edit"
)

// OutboxItem is one message waiting for delivery to a staff chat.
type OutboxItem struct {
	ID        int64     `db:"id"`
	ChatID    int64     `db:"chat_id"`
	Kind      string    `db:"kind"`      // OutboxSend or OutboxEdit
	Ref       string    `db:"ref"`       // names the message for edits; "" for none
	TicketID  int64     `db:"ticket_id"` // 0 for none
	Payload   string    `db:"payload"`   // the message as JSON, the adapter's business
	CreatedAt time.Time `db:"created_at"`
	DueAt     time.Time `db:"due_at"`
	Attempts  int       `db:"attempts"` // failed tries so far
	LastError string    `db:"last_error"`
	// Key, when set, is unique: enqueueing the same key again stores
	// nothing (scheduled work that runs twice sends once).
	Key string `db:"-"`
}
