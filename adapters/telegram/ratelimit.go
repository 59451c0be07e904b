package telegram

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pacing keeps sends within Telegram's limits: about 30 messages a second
// in all and one a second per chat. It measures real time between HTTP
// calls (rate.Limiter reads the wall clock itself), not the injected clock
// that due times use: every time.Now, time.Until and timer here is real
// time on purpose. It is per process: several replicas each keep the
// pace, and a 429 that this causes is obeyed like any other.

// errNoTurn: a send's turn would come too late for its lease.
var errNoTurn = errors.New("no turn to send before the deadline")

type pacer struct {
	global   *rate.Limiter
	interval time.Duration

	mu     sync.Mutex
	next   map[int64]time.Time // chat → no send before
	paused time.Time           // no send at all before (Telegram's flood control)
}

func newPacer(perSecond float64, interval time.Duration) *pacer {
	// A burst of one spaces sends evenly instead of letting a second's worth
	// out at once.
	return &pacer{global: rate.NewLimiter(rate.Limit(perSecond), 1), interval: interval, next: map[int64]time.Time{}}
}

// wait blocks until chat may be sent to, then takes a slot of the global
// rate. It fails with errNoTurn at once when the turn comes after ctx's
// deadline, so the caller can give the message back instead of sleeping.
func (p *pacer) wait(ctx context.Context, chat int64) error {
	for {
		if err := p.waitTurn(ctx, chat); err != nil {
			return err
		}
		if err := p.global.Wait(ctx); err != nil {
			return errNoTurn
		}
		// A 429 may have paused everything while this waited for its slot.
		if !time.Now().Before(p.turn(chat)) {
			return nil
		}
	}
}

func (p *pacer) waitTurn(ctx context.Context, chat int64) error {
	for {
		until := p.turn(chat)
		d := time.Until(until)
		if d <= 0 {
			return nil
		}
		if deadline, ok := ctx.Deadline(); ok && until.After(deadline) {
			return errNoTurn
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// turn is when chat may next be sent to.
func (p *pacer) turn(chat int64) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.next[chat]
	if p.paused.After(t) {
		t = p.paused
	}
	return t
}

// delay is how long from now chat's turn is (0 when it has come), in the
// pacer's real time.
func (p *pacer) delay(chat int64) time.Duration {
	return max(0, time.Until(p.turn(chat)))
}

// sent records a send to chat that just ended. The chat's interval counts
// from the end of the call, so that successive messages arrive at least an
// interval apart however long each call took.
func (p *pacer) sent(chat int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	p.next[chat] = now.Add(p.interval)
	if len(p.next) > 1024 {
		for c, t := range p.next {
			if t.Before(now) {
				delete(p.next, c)
			}
		}
	}
}

// hold obeys a 429: nothing goes to chat for d, nor to any chat (the global
// limit may be what was exceeded).
func (p *pacer) hold(chat int64, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	until := time.Now().Add(d)
	if until.After(p.next[chat]) {
		p.next[chat] = until
	}
	if until.After(p.paused) {
		p.paused = until
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
