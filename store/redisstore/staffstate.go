package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hotline-desk/hotline/bot/staffdesk"
	"github.com/hotline-desk/hotline/bot/staffdialog"
)

// StaffStates keeps what the bot waits for from each staff member (a
// resolution note, a reassignment), one key per member for a day
// (staffdesk.StateStore).
type StaffStates struct {
	rdb  *Redis
	keys Keys
}

var _ staffdesk.StateStore = (*StaffStates)(nil)

// NewStaffStates uses rdb with keys built by keys.
func NewStaffStates(rdb *Redis, keys Keys) *StaffStates {
	return &StaffStates{rdb: rdb, keys: keys}
}

// StaffState implements staffdesk.StateStore.
func (s *StaffStates) StaffState(ctx context.Context, staffID int64) (staffdialog.State, error) {
	var st staffdialog.State
	data, err := s.rdb.Get(ctx, s.keys.StaffState(staffID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(data, &st)
}

// SetStaffState implements staffdesk.StateStore; the zero state is deleted.
func (s *StaffStates) SetStaffState(ctx context.Context, staffID int64, st staffdialog.State) error {
	if st == (staffdialog.State{}) {
		return s.rdb.Del(ctx, s.keys.StaffState(staffID)).Err()
	}
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.rdb.Set(ctx, s.keys.StaffState(staffID), data, 24*time.Hour).Err()
}
