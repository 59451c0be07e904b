package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hotline-desk/hotline/bot/survey"
)

// PendingSurveys keeps the survey question waiting for a customer's answer
// in the chat, one key per customer (survey.PendingStore). The callback
// reads it for every text message, so it lives in Redis, not in the
// database; losing it only means the customer's next plain answer goes to
// the dialogue (taps on the survey's menu carry their survey and still
// count).
type PendingSurveys struct {
	rdb  *Redis
	keys Keys
}

var _ survey.PendingStore = (*PendingSurveys)(nil)

// NewPendingSurveys uses rdb with keys built by keys.
func NewPendingSurveys(rdb *Redis, keys Keys) *PendingSurveys {
	return &PendingSurveys{rdb: rdb, keys: keys}
}

// PendingSurvey implements survey.PendingStore.
func (s *PendingSurveys) PendingSurvey(ctx context.Context, channel, openID string) (survey.PendingQuestion, bool, error) {
	var p survey.PendingQuestion
	data, err := s.rdb.get(ctx, s.keys.SurveyPending(channel, openID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	return p, true, json.Unmarshal(data, &p)
}

// SetPendingSurvey implements survey.PendingStore.
func (s *PendingSurveys) SetPendingSurvey(ctx context.Context, channel, openID string, p survey.PendingQuestion, ttl time.Duration) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return s.rdb.Set(ctx, s.keys.SurveyPending(channel, openID), data, ttl).Err()
}

// clearPendingScript deletes the key only while it names the survey, so a
// late expiry of one survey does not end the next one's questions.
var clearPendingScript = redis.NewScript(`
local v = redis.call("GET", KEYS[1])
if not v then return 0 end
if ARGV[1] == "0" or cjson.decode(v).survey == tonumber(ARGV[1]) then return redis.call("DEL", KEYS[1]) end
return 0`)

// ClearPendingSurvey implements survey.PendingStore.
func (s *PendingSurveys) ClearPendingSurvey(ctx context.Context, channel, openID string, survey int64) error {
	key := s.keys.SurveyPending(channel, openID)
	return clearPendingScript.Run(ctx, s.rdb, []string{key}, strconv.FormatInt(survey, 10)).Err()
}
