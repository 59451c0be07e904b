package intake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/conversation"
)

// A message is one step of the customer's dialogue. The step is decided
// once, from the session as last seen: a taker's claim, a tap on the
// confirmation menu, or the dialogue's own step with its intents. A step
// whose only effect is on the dialogue is committed optimistically (one
// Redis round trip in the usual case); any other runs under the customer's
// lock, where the step already decided is carried out unless the session
// changed meanwhile, in which case it is decided again from the new one.

// quickTries bounds how often a step is decided again from a newer session
// before it runs under the customer's lock instead.
const quickTries = 3

// step is a message's step, decided from one session.
type step struct {
	snap  SessionSnapshot // the session it was decided from
	s     conversation.Session
	now   time.Time
	taker Taker // a taker claimed the message (claim)
	claim any
	// confirm is a tap on the confirmation menu while a ticket is active.
	confirm *bool
	// The dialogue's step, once taken (taken).
	taken   bool
	next    conversation.Session
	said    []conversation.Reply
	intents []conversation.Intent
}

// quiet reports whether the step changes nothing but the dialogue, so it
// may be committed optimistically and its intents run afterwards.
func (st *step) quiet() bool {
	if !st.taken {
		return false
	}
	for _, it := range st.intents {
		if it.Kind != conversation.IntentDraftCancelled {
			return false
		}
	}
	return true
}

// process runs the message as one step of the customer's dialogue.
func (d *Desk) process(ctx context.Context, in bot.Inbound) ([]bot.Reply, error) {
	snap, err := d.sessions.Snapshot(ctx, in.Channel, in.From)
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	var st *step
	for range quickTries {
		if st, err = d.decide(ctx, in, snap); err != nil {
			return nil, err
		}
		if !st.quiet() {
			break
		}
		replies := bot.Replies(st.said)
		res, err := d.sessions.Commit(ctx, in.Key, snap, st.next, replies)
		if err != nil {
			return nil, fmt.Errorf("commit step: %w", err)
		}
		switch res.Outcome {
		case Committed:
			d.runQuiet(ctx, in, st)
			return replies, nil
		case Handled:
			return res.Replies, nil
		case Busy:
			return d.processLocked(ctx, in, st)
		}
		snap = res.Current
	}
	return d.processLocked(ctx, in, st)
}

// processLocked claims the message, locks the customer, carries out the
// step (decided again if the session changed since st), and records the
// session and the replies.
func (d *Desk) processLocked(ctx context.Context, in bot.Inbound, st *step) ([]bot.Reply, error) {
	for try := 1; ; try++ {
		replies, err := d.processLockedOnce(ctx, in, st)
		if !errors.Is(err, ErrLockLost) || try == 3 {
			return replies, err
		}
		// The step outlived the lock and another changed the session: take
		// it again on that session (its effects are keyed by the message,
		// so none happens twice).
		d.log.Warn("a step outlived the customer's lock; taking it again", slog.Int("try", try))
		st = &step{}
	}
}

func (d *Desk) processLockedOnce(ctx context.Context, in bot.Inbound, st *step) ([]bot.Reply, error) {
	lock, err := d.sessions.Begin(ctx, in.Key, in.Channel, in.From)
	if err != nil {
		return nil, fmt.Errorf("lock customer: %w", err)
	}
	if lock.Handled {
		return lock.Replies, nil
	}
	release := d.sessions.Hold(ctx, lock)
	defer release()
	if !sameSession(st.snap, lock.Snapshot) {
		st, err = d.decide(ctx, in, lock.Snapshot)
	}
	var next conversation.Session
	var replies []bot.Reply
	if err == nil {
		next, replies, err = d.carryOut(ctx, in, st)
	}
	if err == nil {
		err = wrap("save session", d.sessions.Finish(ctx, lock, next, replies))
	}
	if errors.Is(err, ErrLockLost) && st.taker != nil {
		// A taker's effects (a survey answer) are not keyed by the message:
		// taken again, they would count twice. They stand; the session, which
		// a taker barely changes, is left to the newer step.
		d.log.Warn("a step outlived the customer's lock; its effects stand, the session stays the newer step's")
		return replies, nil
	}
	if err != nil {
		if aerr := d.sessions.Abort(context.WithoutCancel(ctx), lock); aerr != nil {
			d.log.Warn("release inbound claim", slog.String("err", aerr.Error()))
		}
		return nil, err
	}
	return replies, nil
}

// sameSession reports whether two snapshots are the same version of the
// session, so a step decided from one holds for the other. A customer
// without a session has none to compare: their step was decided from the
// database (their details, their open ticket), which may have changed, so
// it is decided again.
func sameSession(a, b SessionSnapshot) bool {
	return a.Found && b.Found && a.Version == b.Version
}

// decide decides the message's step from a snapshot.
func (d *Desk) decide(ctx context.Context, in bot.Inbound, snap SessionSnapshot) (*step, error) {
	s, err := d.sessionOf(ctx, in, snap)
	if err != nil {
		return nil, err
	}
	st := d.decideFrom(ctx, in, s, d.now())
	st.snap = snap
	return st, nil
}

// decideFrom decides the step from a session: a taker's claim, a tap on
// the confirmation menu, or the dialogue's step.
func (d *Desk) decideFrom(ctx context.Context, in bot.Inbound, s conversation.Session, now time.Time) *step {
	st := &step{s: s, now: now}
	for _, t := range d.takers {
		if claim := t.Claim(ctx, in, s); claim != nil {
			st.taker, st.claim = t, claim
			return st
		}
	}
	st.pastTakers(in)
	return st
}

// pastTakers decides the step once no taker has the message.
func (st *step) pastTakers(in bot.Inbound) {
	ev := in.Event()
	if solved, ok := conversation.ConfirmTap(ev); ok && st.s.ActiveTicket != 0 {
		st.confirm = &solved
		return
	}
	st.next, st.said, st.intents = conversation.Step(st.s, ev, st.now)
	st.taken = true
}

// carryOut carries out a step under the customer's lock.
func (d *Desk) carryOut(ctx context.Context, in bot.Inbound, st *step) (conversation.Session, []bot.Reply, error) {
	if st.taker != nil {
		next, replies, ok, err := st.taker.Take(ctx, st.claim, in, st.s, st.now)
		if ok {
			return next, replies, err
		}
		st.pastTakers(in)
	}
	if st.confirm != nil {
		replies, err := d.confirm(ctx, st.s.ActiveTicket, *st.confirm, in, st.now)
		return st.s, replies, err
	}
	return d.runIntents(ctx, in, st)
}

// runIntents carries out the dialogue's intents. An intent may send the
// event through the desk once more (a message for a ticket that has
// meanwhile closed starts a new report), or answer in place of the
// dialogue's acknowledgement.
func (d *Desk) runIntents(ctx context.Context, in bot.Inbound, st *step) (conversation.Session, []bot.Reply, error) {
	next := st.next
	out := bot.Replies(st.said)
	for _, it := range st.intents {
		x := &intentRun{desk: d, in: in, s: &next, now: st.now}
		res, err := x.run(ctx, it)
		if err != nil {
			return st.s, nil, err
		}
		switch {
		case res.again:
			s := st.s
			s.ActiveTicket = 0
			return d.carryOut(ctx, in, d.decideFrom(ctx, in, s, st.now))
		case res.replace:
			out = res.replies
		case res.ack != "":
			out = replaceAck(out, res.ack, res.replies)
		default:
			out = append(out, res.replies...)
		}
	}
	return next, out, nil
}

// runQuiet carries out the quiet intents of a committed step.
func (d *Desk) runQuiet(ctx context.Context, in bot.Inbound, st *step) {
	next := st.next
	for _, it := range st.intents {
		x := &intentRun{desk: d, in: in, s: &next, now: st.now}
		if _, err := x.run(ctx, it); err != nil {
			d.log.Warn("after step", slog.String("intent", string(it.Kind)), slog.String("err", err.Error()))
		}
	}
}

// confirm takes the customer's answer to a resolution.
func (d *Desk) confirm(ctx context.Context, id int64, solved bool, in bot.Inbound, now time.Time) ([]bot.Reply, error) {
	t, applied, err := d.lifecycle.Confirm(ctx, id, solved, in.From, in.Key, now)
	if err != nil {
		return nil, fmt.Errorf("confirm ticket: %w", err)
	}
	return []bot.Reply{bot.ReplyOf(conversation.ConfirmationReply(t.ID, solved, applied, t.Status.Label()))}, nil
}

// replaceAck puts replies in the place of the dialogue's acknowledgement
// ack, or after the others when the dialogue did not say it.
func replaceAck(out []bot.Reply, ack string, replies []bot.Reply) []bot.Reply {
	i := slices.IndexFunc(out, func(r bot.Reply) bool { return r.Text == ack })
	if i < 0 {
		return append(out, replies...)
	}
	return slices.Concat(out[:i], replies, out[i+1:])
}
