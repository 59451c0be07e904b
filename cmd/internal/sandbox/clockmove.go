package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// The page's clock buttons.
var moves = map[string]time.Duration{"15m": 15 * time.Minute, "1h": time.Hour, "24h": 24 * time.Hour}

const (
	moveBudget = 20 * time.Second       // a whole move; under the server's 30 s write timeout
	settleStep = 3 * time.Second        // how long one step waits for the jobs it made due
	settlePoll = 100 * time.Millisecond // how often it looks
	maxSteps   = 100                    // steps of one move at most
	scanJobs   = 200                    // jobs read to find the next due
)

// clockRequest is POST /sandbox/clock: move 15m, 1h, 24h, or next (to
// the next job due).
type clockRequest struct {
	Move string `json:"move"`
}

// moveResult is the answer to a clock move.
type moveResult struct {
	Moved   bool      `json:"moved"`
	Now     time.Time `json:"now"`
	NowText string    `json:"now_text"`
	Steps   int       `json:"steps"`   // jobs' due times stopped at on the way
	Settled bool      `json:"settled"` // every job due ran within the move
	Message string    `json:"message"`
}

// serveClock moves Hotline's clock forward, one move at a time: 409
// while another runs (from this tab or another).
func (s *Sandbox) serveClock(w http.ResponseWriter, r *http.Request) {
	var req clockRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	d, known := moves[req.Move]
	if !known && req.Move != "next" {
		s.fail(w, r, refuse(http.StatusBadRequest, "时钟只能前进 15 分钟、1 小时、1 天或到下一个任务", "move is 15m, 1h, 24h or next"))
		return
	}
	end, err := s.d.Clock.begin()
	if errors.Is(err, ErrMoving) {
		s.fail(w, r, refuse(http.StatusConflict, "时钟正在调整中，请等这次调整完成", "a clock move is already running"))
		return
	}
	defer end()
	// The move finishes even if the page goes away.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), moveBudget)
	defer cancel()
	res, err := s.move(ctx, req.Move, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// move runs one move; the caller holds the clock.
func (s *Sandbox) move(ctx context.Context, move string, d time.Duration) (moveResult, error) {
	stuck, err := s.dueJobs(ctx)
	if err != nil {
		return moveResult{}, err
	}
	target := s.d.Clock.Now().Add(d)
	if move == "next" {
		next, ok, err := s.nextJob(ctx)
		if err != nil {
			return moveResult{}, err
		}
		if !ok {
			now := s.d.Clock.Now()
			return moveResult{Now: now, NowText: s.dayTime(now), Settled: true,
				Message: "没有排定的任务，时钟未动 · nothing is scheduled"}, nil
		}
		target = next
	}
	steps, settled := s.advance(ctx, target, stuck)
	now := s.d.Clock.Now()
	res := moveResult{Moved: true, Now: now, NowText: s.dayTime(now), Steps: steps, Settled: settled,
		Message: fmt.Sprintf("时钟已到 %s（途经 %d 个到期任务）", s.dayTime(now), steps)}
	if !settled {
		res.Message += "；仍有任务在处理"
	}
	return res, nil
}

// advance moves the clock to target, stopping at every job's due time on
// the way and letting the jobs due run, so that a day's reminders, breaches
// and surveys come in the order they would. Jobs in stuck (due before the
// move began and still not done) are not waited for.
func (s *Sandbox) advance(ctx context.Context, target time.Time, stuck map[int64]bool) (steps int, settled bool) {
	for steps < maxSteps && ctx.Err() == nil {
		next, ok, err := s.nextJob(ctx)
		if err != nil || !ok || next.After(target) {
			break
		}
		s.d.Clock.set(next)
		steps++
		s.settle(ctx, stuck)
	}
	s.d.Clock.set(target)
	return steps, s.settle(ctx, stuck)
}

// nextJob is when the first job not yet due is due.
func (s *Sandbox) nextJob(ctx context.Context) (time.Time, bool, error) {
	jobs, err := s.d.Desk.Jobs(ctx, scanJobs)
	if err != nil {
		return time.Time{}, false, err
	}
	now := s.d.Clock.Now()
	for _, j := range jobs {
		if j.Due.After(now) {
			return j.Due, true, nil
		}
	}
	return time.Time{}, false, nil
}

// dueJobs are the ids of the jobs due now and not done.
func (s *Sandbox) dueJobs(ctx context.Context) (map[int64]bool, error) {
	jobs, err := s.d.Desk.Jobs(ctx, scanJobs)
	if err != nil {
		return nil, err
	}
	now := s.d.Clock.Now()
	due := map[int64]bool{}
	for _, j := range jobs {
		if !j.Due.After(now) {
			due[j.ID] = true
		}
	}
	return due, nil
}

// settle waits, up to settleStep, until every job due has run (except the
// stuck ones); it reports whether they did.
func (s *Sandbox) settle(ctx context.Context, stuck map[int64]bool) bool {
	ctx, cancel := context.WithTimeout(ctx, settleStep)
	defer cancel()
	tick := time.NewTicker(settlePoll)
	defer tick.Stop()
	for {
		due, err := s.dueJobs(ctx)
		if err == nil && !hasOther(due, stuck) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
}

// hasOther reports whether due holds an id that is not in stuck.
func hasOther(due, stuck map[int64]bool) bool {
	for id := range due {
		if !stuck[id] {
			return true
		}
	}
	return false
}
