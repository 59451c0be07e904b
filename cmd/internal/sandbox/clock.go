package sandbox

import (
	"errors"
	"sort"
	"sync"
	"time"
)

// ErrMoving is the refusal of a clock move while another one runs.
var ErrMoving = errors.New("the clock is already moving")

// Clock is Hotline's injected clock in the sandbox: the wall clock plus an
// offset that only grows. Pass its Now wherever Hotline takes a clock
// (bot.Clock, wechat.Config.Now, telegram.Config.Now). Safe for concurrent
// use; one move at a time.
type Clock struct {
	mu      sync.Mutex
	offset  time.Duration
	changes []offsetChange // every offset set, oldest first
	moving  bool
	wall    func() time.Time
}

// offsetChange is an offset and the wall time it took effect.
type offsetChange struct {
	wall   time.Time
	offset time.Duration
}

// NewClock returns a clock that reads start now and runs on from there
// with the wall clock; a zero start reads the wall clock.
func NewClock(start time.Time) *Clock {
	c := &Clock{wall: time.Now}
	if !start.IsZero() {
		c.offset = start.Sub(c.wall())
	}
	c.changes = []offsetChange{{wall: c.wall(), offset: c.offset}}
	return c
}

// Now is the sandbox's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wall().Add(c.offset)
}

// At is what the clock read at the wall time wall: how the sandbox dates a
// message the fakes received then.
func (c *Clock) At(wall time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	// The first change after wall; the one before it was in effect.
	i := sort.Search(len(c.changes), func(i int) bool { return c.changes[i].wall.After(wall) })
	return wall.Add(c.changes[max(i-1, 0)].offset)
}

// Moving reports whether a move is running.
func (c *Clock) Moving() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.moving
}

// Move moves the clock forward by d (a negative d does nothing); ErrMoving
// while another move runs.
func (c *Clock) Move(d time.Duration) error {
	end, err := c.begin()
	if err != nil {
		return err
	}
	defer end()
	c.set(c.Now().Add(d))
	return nil
}

// MoveTo moves the clock forward to t (never back); ErrMoving while another
// move runs.
func (c *Clock) MoveTo(t time.Time) error {
	end, err := c.begin()
	if err != nil {
		return err
	}
	defer end()
	c.set(t)
	return nil
}

// begin takes the clock for one move, which may set it several times;
// end gives it back.
func (c *Clock) begin() (end func(), err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.moving {
		return nil, ErrMoving
	}
	c.moving = true
	return func() {
		c.mu.Lock()
		c.moving = false
		c.mu.Unlock()
	}, nil
}

// set moves the clock to t when t is ahead; the caller holds the move.
func (c *Clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := c.wall()
	if !t.After(wall.Add(c.offset)) {
		return
	}
	c.offset = t.Sub(wall)
	c.changes = append(c.changes, offsetChange{wall: wall, offset: c.offset})
}
