package sandbox

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// wallClock is a settable wall clock for Clock's own tests.
type wallClock struct {
	mu  sync.Mutex
	now time.Time
}

func (w *wallClock) read() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *wallClock) pass(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

func newTestClock(start time.Time) (*Clock, *wallClock) {
	wall := &wallClock{now: time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)}
	c := &Clock{wall: wall.read}
	c.offset = start.Sub(wall.now)
	c.changes = []offsetChange{{wall: wall.now, offset: c.offset}}
	return c, wall
}

func TestClockRunsFromItsStartAndOnlyForward(t *testing.T) {
	c, wall := newTestClock(testStart)
	if !c.Now().Equal(testStart) {
		t.Fatalf("Now = %v, want %v", c.Now(), testStart)
	}
	wall.pass(time.Minute)
	if want := testStart.Add(time.Minute); !c.Now().Equal(want) {
		t.Errorf("a minute later Now = %v, want %v", c.Now(), want)
	}
	if err := c.Move(time.Hour); err != nil {
		t.Fatal(err)
	}
	if want := testStart.Add(61 * time.Minute); !c.Now().Equal(want) {
		t.Errorf("after Move(1h) Now = %v, want %v", c.Now(), want)
	}
	if err := c.MoveTo(testStart); err != nil || !c.Now().Equal(testStart.Add(61*time.Minute)) {
		t.Errorf("MoveTo the past: %v, Now = %v; the clock never goes back", err, c.Now())
	}
	c.Move(-time.Hour)
	if !c.Now().Equal(testStart.Add(61 * time.Minute)) {
		t.Errorf("Move(-1h) moved the clock to %v", c.Now())
	}
}

func TestClockAtReadsTheOffsetOfTheTime(t *testing.T) {
	c, wall := newTestClock(testStart)
	before := wall.read()
	wall.pass(time.Minute)
	c.Move(24 * time.Hour)
	after := wall.read()
	wall.pass(time.Minute)
	if got := c.At(before); !got.Equal(testStart) {
		t.Errorf("At(before the move) = %v, want %v", got, testStart)
	}
	if got, want := c.At(after), testStart.Add(24*time.Hour+time.Minute); !got.Equal(want) {
		t.Errorf("At(after the move) = %v, want %v", got, want)
	}
}

func TestClockRefusesASecondMove(t *testing.T) {
	c := NewClock(time.Time{})
	end, err := c.begin()
	if err != nil {
		t.Fatal(err)
	}
	if !c.Moving() {
		t.Error("Moving is false during a move")
	}
	if err := c.Move(time.Hour); !errors.Is(err, ErrMoving) {
		t.Errorf("Move during a move: %v, want ErrMoving", err)
	}
	if err := c.MoveTo(c.Now().Add(time.Hour)); !errors.Is(err, ErrMoving) {
		t.Errorf("MoveTo during a move: %v, want ErrMoving", err)
	}
	end()
	if c.Moving() || c.Move(time.Hour) != nil {
		t.Error("the clock stays taken after the move")
	}
}

func TestConcurrentClockMovesGetOne409(t *testing.T) {
	h := newHarness(t)
	h.desk.setJobs(JobLine{ID: 1, Kind: "remind", Ticket: 12, Due: testStart.Add(10 * time.Minute)})
	h.desk.gate = make(chan struct{}) // the job runs only when let
	h.desk.schedule(t)
	type answer struct {
		code int
		res  moveResult
	}
	first := make(chan answer)
	go func() {
		var a answer
		a.code = h.do("POST", "/sandbox/clock", map[string]string{"move": "1h"}, &a.res)
		first <- a
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !h.clock.Moving() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	var res map[string]string
	if code := h.do("POST", "/sandbox/clock", map[string]string{"move": "15m"}, &res); code != http.StatusConflict || !strings.Contains(res["error"], "时钟正在调整中") {
		t.Errorf("second move: HTTP %d %v, want 409 with a message", code, res)
	}
	if st := h.state("", ""); !st.Desk.Moving {
		t.Error("the desk does not say the clock is moving")
	}
	close(h.desk.gate)
	a := <-first
	if a.code != http.StatusOK || !a.res.Moved || a.res.Steps != 1 || !a.res.Settled {
		t.Errorf("first move: HTTP %d %+v", a.code, a.res)
	}
	if now := h.clock.Now(); now.Before(testStart.Add(time.Hour)) || now.After(testStart.Add(time.Hour+time.Minute)) {
		t.Errorf("clock at %v after +1h", now)
	}
	if h.clock.Moving() {
		t.Error("still moving after the move")
	}
}

func TestAMoveStopsAtEachJobOnTheWay(t *testing.T) {
	h := newHarness(t)
	h.desk.setJobs(
		JobLine{ID: 1, Kind: "remind", Ticket: 12, Due: testStart.Add(20 * time.Minute)},
		JobLine{ID: 2, Kind: "remind", Ticket: 12, Due: testStart.Add(40 * time.Minute)},
		JobLine{ID: 3, Kind: "breach", Ticket: 12, Due: testStart.Add(2 * time.Hour)},
	)
	h.desk.schedule(t)
	var res moveResult
	if code := h.do("POST", "/sandbox/clock", map[string]string{"move": "1h"}, &res); code != http.StatusOK || res.Steps != 2 || !res.Settled {
		t.Fatalf("HTTP %d %+v", code, res)
	}
	h.desk.mu.Lock()
	defer h.desk.mu.Unlock()
	for id, want := range map[int64]time.Duration{1: 20 * time.Minute, 2: 40 * time.Minute} {
		ran, ok := h.desk.ran[id]
		if !ok || ran.Sub(testStart) < want || ran.Sub(testStart) > want+5*time.Second {
			t.Errorf("job %d ran at %v (ok %v), want at start+%v", id, ran.Sub(testStart), ok, want)
		}
	}
	if _, ran := h.desk.ran[3]; ran {
		t.Error("the job due after the move ran")
	}
}

func TestNextMovesToTheNextJob(t *testing.T) {
	h := newHarness(t)
	var res moveResult
	if code := h.do("POST", "/sandbox/clock", map[string]string{"move": "next"}, &res); code != http.StatusOK || res.Moved || !strings.Contains(res.Message, "没有排定的任务") {
		t.Errorf("nothing scheduled: HTTP %d %+v", code, res)
	}
	due := testStart.Add(26 * time.Hour)
	h.desk.setJobs(JobLine{ID: 7, Kind: "auto_close", Ticket: 3, Due: due})
	h.desk.schedule(t)
	if code := h.do("POST", "/sandbox/clock", map[string]string{"move": "next"}, &res); code != http.StatusOK || !res.Moved || !res.Settled {
		t.Fatalf("next: HTTP %d %+v", code, res)
	}
	if now := h.clock.Now(); now.Before(due) || now.After(due.Add(5*time.Second)) {
		t.Errorf("clock at %v, want the job's %v", now, due)
	}
	if _, ran := h.desk.ran[7]; !ran {
		t.Error("the job did not run")
	}
}

func TestAStuckJobDoesNotHoldEveryMove(t *testing.T) {
	h := newHarness(t)
	h.desk.setJobs(JobLine{ID: 1, Kind: "unknown_kind", Due: testStart.Add(-time.Hour)}) // due, never done
	start := time.Now()
	var res moveResult
	if code := h.do("POST", "/sandbox/clock", map[string]string{"move": "15m"}, &res); code != http.StatusOK || !res.Settled {
		t.Errorf("HTTP %d %+v", code, res)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("the move took %v waiting for a job stuck before it", took)
	}
}

func TestUnknownMovesAreRefused(t *testing.T) {
	h := newHarness(t)
	for _, move := range []string{"", "-1h", "2h", "1000h"} {
		var res map[string]string
		if code := h.do("POST", "/sandbox/clock", map[string]string{"move": move}, &res); code != http.StatusBadRequest || res["error"] == "" {
			t.Errorf("move %q: HTTP %d %v, want 400", move, code, res)
		}
	}
	if !h.clock.Now().Before(testStart.Add(time.Minute)) {
		t.Error("the clock moved")
	}
}
