package telegram_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store/storetest"
)

const engineer = int64(100001)

// What staff do in the chat reaches the desk in order and in its terms.
func TestPollingDeliversInOrder(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	h := &recorder{}
	b, _ := newBot(t, testConfig(fake), h, rec)

	// A ping about ticket 42 that the engineer will reply to.
	if err := b.SendStaff(context.Background(), bot.StaffMessage{ChatID: engineer, Text: "新工单 #42", Ref: "ping:42", TicketID: 42}); err != nil {
		t.Fatal(err)
	}
	start(t, b.RunOutbox)
	ping := fake.WaitSent(t, 1, wait)[0].MessageID
	eventually(t, "the ping recorded", func() bool {
		_, err := rec.Outbox.MessageByRef(context.Background(), engineer, "ping:42")
		return err == nil
	})

	text := fake.Text(engineer, "在路上")
	cmd := fake.Text(engineer, "/mine@"+telegramtest.BotUserName+" 3")
	group := fake.GroupText(-500, engineer, "hello group")
	photo := fake.Photo(engineer, "现场照片", "small", "medium", "large")
	reply := fake.Reply(engineer, "已联系客户", ping)
	press := fake.Press(engineer, ping, "ack:42")
	fake.Queue(text, cmd, group, photo, reply, press)
	start(t, b.Run)

	name := "Staff 100001"
	want := []bot.StaffUpdate{
		{UpdateID: text.UpdateID, UserID: engineer, ChatID: engineer, Name: name, Text: "在路上"},
		{UpdateID: cmd.UpdateID, UserID: engineer, ChatID: engineer, Name: name, Text: "/mine 3"},
		{UpdateID: photo.UpdateID, UserID: engineer, ChatID: engineer, Name: name, Text: "现场照片", PhotoID: "large"},
		{UpdateID: reply.UpdateID, UserID: engineer, ChatID: engineer, Name: name, Text: "已联系客户", ReplyTo: 42},
		{UpdateID: press.UpdateID, UserID: engineer, ChatID: engineer, Name: name,
			Callback: &bot.Callback{ID: press.CallbackQuery.ID, Data: "ack:42", MessageID: ping}},
	}
	if diff := cmp.Diff(want, h.waitFor(t, len(want))); diff != "" {
		t.Errorf("updates (-want +got):\n%s", diff)
	}
}

// A crash while the desk works on an update: the next process handles
// that update again (it was never confirmed), but not the ones before it.
func TestPollingRestartAfterCrash(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	first := &recorder{block: "two", release: make(chan struct{}), blocked: make(chan struct{})}
	a, _ := newBot(t, testConfig(fake), first, rec)
	fake.Queue(fake.Text(engineer, "one"), fake.Text(engineer, "two"), fake.Text(engineer, "three"))
	start(t, a.Run)
	t.Cleanup(func() { close(first.release) }) // before a is stopped: it waits for its handler
	<-first.blocked                            // a "crashes" inside update two: it never finishes it

	second := &recorder{}
	b, _ := newBot(t, testConfig(fake), second, rec)
	start(t, b.Run)
	fake.Queue(fake.Text(engineer, "four"))

	if diff := cmp.Diff([]string{"two", "three", "four"}, texts(second.waitFor(t, 3))); diff != "" {
		t.Errorf("after the restart (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"one", "two"}, texts(first.got())); diff != "" {
		t.Errorf("before the crash (-want +got):\n%s", diff)
	}
}

// A restart after a clean stop: updates handled but not yet confirmed to
// Telegram come again and are not handled twice.
func TestPollingRestartSkipsHandled(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	first := &recorder{}
	a, _ := newBot(t, testConfig(fake), first, rec)
	one, two := fake.Text(engineer, "one"), fake.Text(engineer, "two")
	fake.Queue(one, two)
	stop := start(t, a.Run)
	first.waitFor(t, 2)
	stop()

	// Telegram hands out again what it had no confirmation for, as when
	// the process stops before its next getUpdates.
	fake.Queue(one, two, fake.Text(engineer, "three"))
	second := &recorder{}
	b, _ := newBot(t, testConfig(fake), second, rec)
	start(t, b.Run)
	if diff := cmp.Diff([]string{"three"}, texts(second.waitFor(t, 1))); diff != "" {
		t.Errorf("after the restart (-want +got):\n%s", diff)
	}
}

// The desk failing on an update is logged and polling moves on.
func TestPollingHandlerErrorMovesOn(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	h := &recorder{fail: "boom"}
	b, logs := newBot(t, testConfig(fake), h, rec)
	bad := fake.Text(engineer, "boom")
	fake.Queue(bad, fake.Text(engineer, "fine"))
	start(t, b.Run)
	if diff := cmp.Diff([]string{"boom", "fine"}, texts(h.waitFor(t, 2))); diff != "" {
		t.Errorf("handled (-want +got):\n%s", diff)
	}
	if !strings.Contains(logs.String(), "staff update failed") {
		t.Errorf("failure not logged:\n%s", logs)
	}
}

// Polling configured while a webhook is set: the webhook goes.
func TestPollingRemovesWebhook(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	hooked, _ := newBot(t, webhookConfig(fake), nil, rec)
	if err := hooked.RegisterWebhook(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := &recorder{}
	b, _ := newBot(t, testConfig(fake), h, rec)
	fake.Queue(fake.Text(engineer, "hi"))
	start(t, b.Run)
	h.waitFor(t, 1)
	if fake.Webhook() != nil {
		t.Error("webhook still set")
	}
}

func texts(us []bot.StaffUpdate) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Text)
	}
	return out
}
