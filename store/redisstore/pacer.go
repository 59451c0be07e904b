package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hotline-desk/hotline/bot/survey"
)

// Pacer spaces survey messages at most rate per second across every
// replica (survey.Pacer). One Redis key holds the time the next message
// may go (GCRA's "theoretical arrival time"); each Wait reserves the next
// slot atomically and sleeps until it. The time is Redis's own (TIME), so
// replicas' clocks need not agree. A per-process limiter (x/time/rate)
// would let N replicas send N times the rate; rounds are sent by claimed
// jobs on any replica, so the schedule has to be shared.
type Pacer struct {
	rdb      *Redis
	key      string
	interval time.Duration
}

// pacerHeadroom keeps the pace 10% under the configured rate: messages
// leave on schedule, but the network (and a busy machine) delays each a
// little differently, and what the platform counts is when they arrive. At
// 2% a loaded CI machine was seen to bunch 202 arrivals into one second of
// a 200/s round.
const pacerHeadroom = 0.9

var _ survey.Pacer = (*Pacer)(nil)

// NewPacer paces at most rate messages per second under keys.
func NewPacer(rdb *Redis, keys Keys, rate float64) *Pacer {
	return &Pacer{rdb: rdb, key: keys.SurveyPace(), interval: time.Duration(float64(time.Second) / (rate * pacerHeadroom))}
}

// reserveScript returns how many microseconds to wait for the reserved slot.
var reserveScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call("GET", KEYS[1]) or "0")
if tat < now then tat = now end
local nxt = tat + interval
redis.call("SET", KEYS[1], string.format("%.0f", nxt), "PX", string.format("%.0f", math.floor((nxt - now) / 1000) + 1000))
return tat - now`)

// Wait implements survey.Pacer: it returns when the reserved slot comes,
// or with ctx's error.
func (p *Pacer) Wait(ctx context.Context) error {
	us, err := reserveScript.Run(ctx, p.rdb, []string{p.key}, p.interval.Microseconds()).Int64()
	if err != nil {
		return fmt.Errorf("survey pacer: %w", err)
	}
	if us <= 0 {
		return nil
	}
	t := time.NewTimer(time.Duration(us) * time.Microsecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
