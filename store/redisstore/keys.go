package redisstore

import "strconv"

// Every Redis key Hotline uses is built here, under one prefix, so an
// operator can find (and a test can clear) all of them.

// KeyPrefix starts every key.
const KeyPrefix = "hotline:"

// Keys builds Redis keys under a prefix (KeyPrefix in production; tests
// add their own suffix to stay apart).
type Keys struct{ Prefix string }

// DefaultKeys uses KeyPrefix.
var DefaultKeys = Keys{Prefix: KeyPrefix}

// Session is a customer's conversation state.
func (k Keys) Session(channel, openID string) string {
	return k.Prefix + "session:" + channel + ":" + openID
}

// Inbound marks an inbound message as seen and holds its replies, so a
// retry gets the same answer.
func (k Keys) Inbound(key string) string { return k.Prefix + "inbound:" + key }

// Lock serialises work on one customer's conversation.
func (k Keys) Lock(channel, openID string) string {
	return k.Prefix + "lock:" + channel + ":" + openID
}

// WeChatToken holds cached WeChat access tokens (the library's own key
// follows the prefix).
func (k Keys) WeChatToken(key string) string { return k.Prefix + "wechat:" + key }

// TelegramUpdate marks a Telegram update id as handled.
func (k Keys) TelegramUpdate(id int) string {
	return k.Prefix + "tg:update:" + strconv.Itoa(id)
}

// StaffState is what the bot waits for from a staff member.
func (k Keys) StaffState(staffID int64) string {
	return k.Prefix + "staff:" + strconv.FormatInt(staffID, 10) + ":state"
}

// SurveyPending is the survey question a customer was asked in the chat.
func (k Keys) SurveyPending(channel, openID string) string {
	return k.Prefix + "survey:pending:" + channel + ":" + openID
}

// SurveyPace is the shared schedule of survey sends (SendPacer).
func (k Keys) SurveyPace() string { return k.Prefix + "survey:pace" }
