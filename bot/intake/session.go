package intake

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/conversation"
)

// SessionStore keeps customers' dialogue state between messages and the
// replies of every message handled, so that each message counts once: a
// retry of a message gets the first copy's replies and changes nothing.
//
// A step whose only effect is the dialogue's own state is committed
// optimistically: Snapshot (which may answer from a copy held in this
// process) and Commit, which saves the step only if the session is still
// the one the step started from. A step with other effects (a ticket, a
// complaint, a survey answer) runs under the customer's lock: Begin,
// then Finish or Abort. Both kinds serialise on one customer across
// replicas, because a commit is refused while the lock is held.
type SessionStore interface {
	// Session loads a session; found is false for a new or long-idle one.
	Session(ctx context.Context, channel, openID string) (s conversation.Session, found bool, err error)
	// Snapshot is the customer's session as last known, with its version.
	Snapshot(ctx context.Context, channel, openID string) (SessionSnapshot, error)
	// Commit saves next in place of prev and records replies as the
	// answer to the message key, unless key was handled before, prev is
	// no longer current, or the customer is locked.
	Commit(ctx context.Context, key string, prev SessionSnapshot, next conversation.Session, replies []bot.Reply) (CommitResult, error)
	// Begin claims the message key and takes the customer's lock, waiting
	// until ctx ends while another step holds it. When key was handled
	// before, it returns that message's replies instead (Handled).
	Begin(ctx context.Context, key, channel, openID string) (LockedStep, error)
	// Finish saves the session, records the replies of the step's message
	// and releases the lock. A step that outlived its lock while another
	// changed the session is not written over it: ErrLockLost, and the
	// caller takes the step again.
	Finish(ctx context.Context, step LockedStep, next conversation.Session, replies []bot.Reply) error
	// Abort forgets the claim of a step that failed, so that a retry
	// handles the message, and releases the lock.
	Abort(ctx context.Context, step LockedStep) error
	// Hold keeps the step's lock and claim while it runs, until release:
	// a step that dies (a crash) loses them soon, and a retry of its
	// message takes it again.
	Hold(ctx context.Context, step LockedStep) (release func())
}

// ErrLockLost is Finish's answer to a step that took longer than the
// customer's lock while another step changed the session.
var ErrLockLost = errors.New("the customer's lock ran out and the session changed meanwhile")

// SessionSnapshot is a customer's session at one version. The zero
// version stands for no session.
type SessionSnapshot struct {
	Channel, OpenID string
	Session         conversation.Session
	Found           bool
	Version         string
}

// CommitOutcome says what came of a Commit.
type CommitOutcome int

const (
	// Committed: the step is saved and its replies recorded.
	Committed CommitOutcome = iota
	// Handled: the message was handled before; Replies are its replies.
	Handled
	// Stale: the session changed since the snapshot; Current is the new one.
	Stale
	// Busy: a step with effects holds the customer's lock.
	Busy
)

// CommitResult is the outcome of a Commit.
type CommitResult struct {
	Outcome CommitOutcome
	Replies []bot.Reply     // Handled
	Current SessionSnapshot // Stale
}

// LockedStep is a message claimed, and its customer locked, by Begin.
type LockedStep struct {
	Key      string
	Snapshot SessionSnapshot
	Token    string // the lock's owner
	// Handled: the message was handled before; Replies are its replies,
	// and nothing is claimed or locked.
	Handled bool
	Replies []bot.Reply
}

// Backlog keeps inbound messages that could not be handled, so nothing a
// customer sent is lost when a store fails.
type Backlog interface {
	Keep(ctx context.Context, in bot.Inbound, cause string, at time.Time) error
	// Waiting lists kept messages to run again, not yet handled, oldest
	// first; text kept for a report (OverflowOf) is not among them.
	Waiting(ctx context.Context, limit int) ([]BacklogItem, error)
	// OverflowOf lists the text a customer's report begun at since could
	// not hold (over the description's limit, or replaced through 修改),
	// not yet put on a ticket, oldest first; a cancelled report's is not
	// among it.
	OverflowOf(ctx context.Context, channel, openID string, since time.Time) ([]BacklogItem, error)
	// Handled marks a kept message as handled.
	Handled(ctx context.Context, id int64, at time.Time) error
}

// BacklogItem is one kept message.
type BacklogItem struct {
	ID int64
	In bot.Inbound
}

// Attach makes ticket the one the customer's next words go to (a ticket
// staff opened for them after a call): their session, if they have one,
// points at it, so a message is relayed to its engineer rather than
// starting a new report. A customer without a session gets their newest
// open ticket when one starts. A session another step holds is left as it
// is, which only means 查询 lists the ticket beside the one they follow.
func (d *Desk) Attach(ctx context.Context, channel, openID string, ticket int64) error {
	key := "attach:" + strconv.FormatInt(ticket, 10)
	for try := 0; try < 3; try++ {
		snap, err := d.sessions.Snapshot(ctx, channel, openID)
		if err != nil || !snap.Found || snap.Session.ActiveTicket == ticket {
			return err
		}
		next := snap.Session
		next.ActiveTicket = ticket
		res, err := d.sessions.Commit(ctx, key, snap, next, nil)
		if err != nil || res.Outcome != Stale {
			return err
		}
	}
	return nil
}
