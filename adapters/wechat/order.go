package wechat

import (
	"sync"
)

// A customer's replies go out in the order the bot answered their
// messages. The bot takes one customer's messages one at a time, but each
// answer that misses the passive reply is pushed from its own goroutine:
// without an order, a customer who sent three messages quickly could get
// the second question before the first. Each answer takes its turn in its
// customer's line as the bot returns it; a push waits for the turn before
// it, and every answer gives its turn up when it is pushed or answered
// passively, so the line never stalls.

// turn is an answer's place in its customer's line.
type turn struct {
	prev <-chan struct{} // closed when the answer before has gone
	done chan struct{}   // closed when this one has
	once sync.Once
}

// over gives the turn up: the next answer may go. Safe to call twice and on
// a nil turn (an answer that took none: a panic in the bot).
func (t *turn) over() {
	if t != nil {
		t.once.Do(func() { close(t.done) })
	}
}

// wait returns when the answer before has gone, or stop closes first (the
// push's deadline: a line is never held for ever).
func (t *turn) wait(stop <-chan struct{}) {
	if t == nil || t.prev == nil {
		return
	}
	select {
	case <-t.prev:
	case <-stop:
	}
}

// lines are the customers' lines of answers.
type lines struct {
	mu    sync.Mutex
	tails map[string]*turn
}

// take gives the answer just returned for customer the next place in
// their line.
func (l *lines) take(customer string) *turn {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tails == nil {
		l.tails = map[string]*turn{}
	}
	t := &turn{done: make(chan struct{})}
	if prev := l.tails[customer]; prev != nil {
		t.prev = prev.done
	}
	l.tails[customer] = t
	go l.forget(customer, t)
	return t
}

// forget drops a customer's line once its last answer has gone, so the map
// holds only customers with answers on their way.
func (l *lines) forget(customer string, t *turn) {
	<-t.done
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tails[customer] == t {
		delete(l.tails, customer)
	}
}
