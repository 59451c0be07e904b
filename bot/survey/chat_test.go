package survey

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/conversation"
)

// pendingStore is a PendingStore in memory.
type pendingStore struct {
	p     *PendingQuestion
	reads int
}

func (s *pendingStore) PendingSurvey(ctx context.Context, channel, openID string) (PendingQuestion, bool, error) {
	s.reads++
	if s.p == nil {
		return PendingQuestion{}, false, nil
	}
	return *s.p, true, nil
}

func (s *pendingStore) SetPendingSurvey(ctx context.Context, channel, openID string, p PendingQuestion, ttl time.Duration) error {
	s.p = &p
	return nil
}

func (s *pendingStore) ClearPendingSurvey(ctx context.Context, channel, openID string, survey int64) error {
	s.p = nil
	return nil
}

// A typed answer is claimed while a question is pending; when the question
// ends before the claim is taken (the survey expired, or was answered on
// the page), the message goes to the dialogue after all, as if no survey
// had been asked.
func TestTypedAnswerAfterTheQuestionEnded(t *testing.T) {
	store := &pendingStore{p: &PendingQuestion{Survey: 7}}
	chat := New(Deps{Pending: store, Log: slog.New(slog.DiscardHandler)}).Chat
	in := bot.Inbound{Channel: "wechat", From: "o1", Kind: bot.InboundText, Text: "1"}
	cl := chat.Claim(context.Background(), in, conversation.Session{})
	if cl == nil {
		t.Fatal("a typed answer with a question pending was not claimed")
	}
	store.p = nil // the survey's expiry, between the claim and the lock
	_, replies, ok, err := chat.Take(context.Background(), cl, in, conversation.Session{}, time.Now())
	if ok || err != nil || replies != nil {
		t.Fatalf("Take = %v, %v, %v; want the message left to the dialogue", replies, ok, err)
	}
	if store.reads != 2 {
		t.Fatalf("%d reads of the pending question, want the claim's and the lock's", store.reads)
	}
	if cl := chat.Claim(context.Background(), in, conversation.Session{}); cl != nil {
		t.Fatal("claimed with no question pending")
	}
}
