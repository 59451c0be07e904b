package bot

import (
	"context"
	"time"
)

// The staff side of the desk talks through a chat (Telegram). These types
// are channel-neutral; adapters/telegram speaks them.

// Button is one inline button. Data comes back in a StaffUpdate's Callback
// and must fit Telegram's 64 bytes.
type Button struct {
	Text string
	Data string
}

// StaffMessage is a message to one staff member's private chat.
type StaffMessage struct {
	ChatID  int64
	Text    string     // plain text, no markup
	Buttons [][]Button // inline keyboard rows; nil for none
	PhotoID string     // a photo to send instead of plain text (Text is its caption): a channel file id or URL
	// CustomerMedia is a customer's image by its media id on the customer's
	// channel (WeChat), which only that channel can serve: a staff chat that
	// can fetch it sends the photo with MediaCaption; one that cannot, or
	// when the media cannot be had, sends Text instead.
	CustomerMedia string `json:",omitempty"`
	MediaCaption  string `json:",omitempty"`
	// Ref names the message for later edits and for replies to it, e.g.
	// "ping:42": the sender records the message id it got under this name.
	Ref      string
	TicketID int64 // the ticket the message is about, so a reply to it reaches that ticket
	// NotBefore holds the message until then (quiet hours); zero: now.
	NotBefore time.Time
	// Key, when set, makes sending the same message again harmless: the
	// outbox keeps one message per key (scheduled jobs set it).
	Key string
}

// StaffEdit changes a message sent earlier under Ref.
type StaffEdit struct {
	ChatID  int64
	Ref     string
	Text    string
	Buttons [][]Button
}

// StaffSender delivers messages to staff. Send and Edit return once the
// message is stored for delivery (a durable outbox): delivery survives an
// outage of the chat platform and a restart.
type StaffSender interface {
	SendStaff(ctx context.Context, m StaffMessage) error
	EditStaff(ctx context.Context, e StaffEdit) error
}

// Callback is a press of an inline button.
type Callback struct {
	ID        string // to answer it
	Data      string
	MessageID int
}

// StaffUpdate is one thing a staff member did in the chat.
type StaffUpdate struct {
	UpdateID int
	UserID   int64 // the chat platform's user id: who did it
	ChatID   int64 // where: the private chat with the bot
	Name     string
	Text     string // a message or a command such as "/mine"
	// ReplyTo is the TicketID of the bot message this one replies to
	// (resolved by the adapter from its record of sent messages), or 0.
	ReplyTo  int64
	PhotoID  string // a photo sent; Text is its caption
	Callback *Callback
}

// StaffPhotoFetcher is a staff chat that can hand over the bytes of a
// photo a staff member sent (StaffUpdate.PhotoID), an optional ability:
// without it, a staff photo is relayed as its caption alone.
type StaffPhotoFetcher interface {
	FetchStaffPhoto(ctx context.Context, fileID string) ([]byte, error)
}

// CallbackAnswerer answers a button press at once (the spinner on the
// staff member's button stops, and the text shows as a toast).
type CallbackAnswerer interface {
	AnswerCallback(ctx context.Context, callbackID, text string) error
}

// StaffDocument is a file for a staff member's chat (a monthly report),
// with a caption.
type StaffDocument struct {
	ChatID  int64
	Name    string // the file name staff see, such as 2026-11-系统服务月报.xlsx
	Data    []byte
	Caption string
}

// StaffDocumentSender sends files to staff (the Telegram bot does). A
// refusal that would come again (a chat gone, a file refused) wraps
// ErrRefused.
type StaffDocumentSender interface {
	SendStaffDocument(ctx context.Context, d StaffDocument) error
}
