package bot

import (
	"context"
	"time"

	"github.com/hotline-desk/hotline/conversation"
)

// SessionStore keeps customers' dialogue state between messages.
type SessionStore interface {
	// Session loads a session; found is false for a new or long-idle one.
	Session(ctx context.Context, channel, openID string) (s conversation.Session, found bool, err error)
	SaveSession(ctx context.Context, channel, openID string, s conversation.Session) error
	// LockCustomer serialises work on one customer's dialogue across
	// replicas; unlock releases it. It waits until ctx ends for a lock held
	// elsewhere.
	LockCustomer(ctx context.Context, channel, openID string) (unlock func(), err error)
}

// InboundLog makes every inbound message count once: a retry of a message
// being handled waits for, and gets, the first copy's replies.
type InboundLog interface {
	// Claim marks key as being handled; false when it was claimed before.
	Claim(ctx context.Context, key string) (bool, error)
	// Finish records the replies of a claimed key.
	Finish(ctx context.Context, key string, replies []Reply) error
	// Release forgets a claim whose handling failed, so a retry handles it.
	Release(ctx context.Context, key string) error
	// Replies waits until the key's replies are recorded or ctx ends.
	Replies(ctx context.Context, key string) ([]Reply, error)
}

// Backlog keeps inbound messages that could not be handled, so nothing a
// customer sent is lost when a store fails.
type Backlog interface {
	Keep(ctx context.Context, in Inbound, cause string, at time.Time) error
	// Waiting lists kept messages not yet handled, oldest first.
	Waiting(ctx context.Context, limit int) ([]BacklogItem, error)
	// Handled marks a kept message as handled.
	Handled(ctx context.Context, id int64, at time.Time) error
}

// BacklogItem is one kept message.
type BacklogItem struct {
	ID int64
	In Inbound
}
