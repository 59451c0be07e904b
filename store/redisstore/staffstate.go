package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hotline-desk/hotline/bot"
)

// StaffStates keeps what the bot waits for from each staff member (a
// resolution note, a reassignment), one key per member for a day
// (bot.StaffStateStore).
type StaffStates struct {
	rdb  *Redis
	keys Keys
}

var _ bot.StaffStateStore = (*StaffStates)(nil)

// NewStaffStates uses rdb with keys built by keys.
func NewStaffStates(rdb *Redis, keys Keys) *StaffStates {
	return &StaffStates{rdb: rdb, keys: keys}
}

// StaffState implements bot.StaffStateStore.
func (s *StaffStates) StaffState(ctx context.Context, staffID int64) (bot.StaffState, error) {
	var st bot.StaffState
	data, err := s.rdb.Get(ctx, s.keys.StaffState(staffID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(data, &st)
}

// SetStaffState implements bot.StaffStateStore; the zero state is deleted.
func (s *StaffStates) SetStaffState(ctx context.Context, staffID int64, st bot.StaffState) error {
	if st == (bot.StaffState{}) {
		return s.rdb.Del(ctx, s.keys.StaffState(staffID)).Err()
	}
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.rdb.Set(ctx, s.keys.StaffState(staffID), data, 24*time.Hour).Err()
}
