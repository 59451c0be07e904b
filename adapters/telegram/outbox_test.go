package telegram_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/adapters/telegram"
	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

func send(t *testing.T, b *telegram.Bot, m bot.StaffMessage) {
	t.Helper()
	if err := b.SendStaff(context.Background(), m); err != nil {
		t.Fatalf("send staff: %v", err)
	}
}

// A ping with buttons arrives with its inline keyboard; a press on it
// comes back with the same data and is answered through
// answerCallbackQuery.
func TestOutboxButtonsAndCallback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		fake := telegramtest.New(t)
		h := &recorder{}
		b, _ := newBot(t, testConfig(fake), h, rec)
		buttons := [][]bot.Button{{{Text: "确认接单", Data: "ack:42"}, {Text: "转派", Data: "reassign:42"}}, {{Text: "详情", Data: "show:42"}}}
		send(t, b, bot.StaffMessage{ChatID: engineer, Text: "新工单 #42", Buttons: buttons, Ref: "ping:42", TicketID: 42})
		start(t, b.RunOutbox)

		sent := fake.WaitSent(t, 1, wait)[0]
		kb, err := sent.Keyboard()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]telegramtest.Button{{{Text: "确认接单", CallbackData: "ack:42"}, {Text: "转派", CallbackData: "reassign:42"}}, {{Text: "详情", CallbackData: "show:42"}}}
		if diff := cmp.Diff(want, kb); diff != "" {
			t.Errorf("keyboard (-want +got):\n%s", diff)
		}
		if sent.ChatID() != engineer || sent.Text() != "新工单 #42" {
			t.Errorf("sent %q to %d", sent.Text(), sent.ChatID())
		}

		press := fake.Press(engineer, sent.MessageID, kb[0][0].CallbackData)
		fake.Queue(press)
		start(t, b.Run)
		cb := h.waitFor(t, 1)[0].Callback
		if cb == nil || cb.Data != "ack:42" || cb.MessageID != sent.MessageID {
			t.Fatalf("callback %+v, want ack:42 on message %d", cb, sent.MessageID)
		}
		if err := b.AnswerCallback(context.Background(), cb.ID, "已接单"); err != nil {
			t.Fatal(err)
		}
		answers := fake.Calls("answerCallbackQuery")
		if len(answers) != 1 || answers[0].Params.Get("callback_query_id") != press.CallbackQuery.ID ||
			answers[0].Params.Get("text") != "已接单" {
			t.Errorf("answerCallbackQuery calls: %+v", answers)
		}
	})
}

func TestOutboxPhoto(t *testing.T) {
	fake := telegramtest.New(t)
	b, _ := newBot(t, testConfig(fake), nil, storetest.Postgres(t))
	send(t, b, bot.StaffMessage{ChatID: engineer, Text: "客户发来的照片", PhotoID: "AgACAgUAAxkBAAI"})
	send(t, b, bot.StaffMessage{ChatID: engineer, Text: "链接", PhotoID: "https://files.example/p.jpg"})
	start(t, b.RunOutbox)
	sent := fake.WaitSent(t, 2, wait)
	for i, want := range []string{"AgACAgUAAxkBAAI", "https://files.example/p.jpg"} {
		if sent[i].Method != "sendPhoto" || sent[i].Params.Get("photo") != want {
			t.Errorf("send %d: %s photo=%q, want sendPhoto %q", i, sent[i].Method, sent[i].Params.Get("photo"), want)
		}
	}
	if sent[0].Text() != "客户发来的照片" {
		t.Errorf("caption %q", sent[0].Text())
	}
}

// An edit by ref changes the message sent under that ref, not another; an
// edit that changes nothing ("message is not modified") counts as done.
func TestOutboxEditByRef(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	b, _ := newBot(t, testConfig(fake), nil, rec)
	ctx := context.Background()
	send(t, b, bot.StaffMessage{ChatID: engineer, Text: "新工单 #42", Ref: "ping:42", TicketID: 42,
		Buttons: [][]bot.Button{{{Text: "确认接单", Data: "ack:42"}}}})
	send(t, b, bot.StaffMessage{ChatID: engineer, Text: "新工单 #43", Ref: "ping:43", TicketID: 43})
	edit := bot.StaffEdit{ChatID: engineer, Ref: "ping:42", Text: "工单 #42 已接单",
		Buttons: [][]bot.Button{{{Text: "已解决", Data: "resolve:42"}}}}
	for range 2 {
		if err := b.EditStaff(ctx, edit); err != nil {
			t.Fatal(err)
		}
	}
	start(t, b.RunOutbox)

	sent := fake.WaitSent(t, 2, wait)
	fake.Wait(t, wait, "two edits", func() bool { return len(fake.Calls("editMessageText")) == 2 })
	edits := fake.Calls("editMessageText")
	if got := edits[0].Params.Get("message_id"); got != fmt.Sprint(sent[0].MessageID) || !edits[0].OK {
		t.Errorf("edited message %s (ok %v), want %d", got, edits[0].OK, sent[0].MessageID)
	}
	kb, _ := edits[0].Keyboard()
	if diff := cmp.Diff([][]telegramtest.Button{{{Text: "已解决", CallbackData: "resolve:42"}}}, kb); diff != "" {
		t.Errorf("edited keyboard (-want +got):\n%s", diff)
	}
	if edits[1].OK {
		t.Errorf("second edit: want Telegram's 'not modified'")
	}
	eventually(t, "all recorded", func() bool {
		return count(t, rec, `SELECT count(*) FROM telegram_outbox WHERE sent_at IS NULL`) == 0
	})
}

// Flood control: a 429 with retry_after 1 is waited out, at least that
// long by the fake's clock, by that message and by every other (the global
// limit may be what was exceeded); the message then arrives once.
func TestOutboxTooManyRequests(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	b, _ := newBot(t, testConfig(fake), nil, rec)
	fake.TooManyRequests(1, 1)
	send(t, b, bot.StaffMessage{ChatID: engineer, Text: "提醒"})
	stop := start(t, b.RunOutbox)
	fake.Wait(t, wait, "the 429", func() bool { return len(fake.Calls("sendMessage")) == 1 })
	send(t, b, bot.StaffMessage{ChatID: engineer + 1, Text: "另一个"})
	fake.WaitSent(t, 2, wait)
	stop()

	calls := fake.Calls("sendMessage")
	if len(calls) != 3 || calls[0].ErrorCode != 429 || !calls[1].OK || !calls[2].OK {
		t.Fatalf("calls: %+v, want a 429 then two successes", calls)
	}
	for _, c := range calls[1:] {
		if gap := c.At.Sub(calls[0].At); gap < time.Second {
			t.Errorf("%q sent %v after the 429, want at least retry_after (1s)", c.Text(), gap)
		}
	}
	var texts []string
	for _, c := range fake.Sent() {
		texts = append(texts, c.Text())
	}
	slices.Sort(texts)
	if diff := cmp.Diff([]string{"另一个", "提醒"}, texts); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
}

// During an outage messages stay queued; once Telegram is back every one
// arrives, once, in each chat's order.
func TestOutboxSurvivesOutage(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	b, _ := newBot(t, testConfig(fake), nil, rec)
	fake.SetOutage(true)
	chats := []int64{engineer, engineer + 1}
	for i := range 5 {
		for _, chat := range chats {
			send(t, b, bot.StaffMessage{ChatID: chat, Text: fmt.Sprintf("%d-%d", chat, i)})
		}
	}
	stop := start(t, b.RunOutbox)
	fake.Wait(t, wait, "failed tries", func() bool { return len(fake.Calls("sendMessage")) >= 6 })
	if n := count(t, rec, `SELECT count(*) FROM telegram_outbox WHERE sent_at IS NULL AND failed_at IS NULL`); n != 10 {
		t.Fatalf("%d messages queued during the outage, want 10", n)
	}
	fake.SetOutage(false)
	fake.WaitSent(t, 10, wait)
	stop()

	assertDeliveredOnce(t, fake.Sent(), chats, 5)
}

// assertDeliveredOnce checks that each chat got texts "<chat>-0" … in order,
// each once.
func assertDeliveredOnce(t *testing.T, sent []telegramtest.Call, chats []int64, perChat int) {
	t.Helper()
	got := map[int64][]string{}
	for _, c := range sent {
		got[c.ChatID()] = append(got[c.ChatID()], c.Text())
	}
	want := map[int64][]string{}
	for _, chat := range chats {
		for i := range perChat {
			want[chat] = append(want[chat], fmt.Sprintf("%d-%d", chat, i))
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("delivered per chat (-want +got):\n%s", diff)
	}
}

// A refusal (bot blocked) is final after GiveUpAfter tries, and no longer
// holds back the chat's later messages; other chats are not held up.
func TestOutboxGivesUpOnBlockedChat(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	cfg := testConfig(fake)
	cfg.GiveUpAfter = 2
	b, logs := newBot(t, cfg, nil, rec)
	blocked := int64(666)
	fake.Block(blocked)
	send(t, b, bot.StaffMessage{ChatID: blocked, Text: "a"})
	send(t, b, bot.StaffMessage{ChatID: blocked, Text: "b"})
	send(t, b, bot.StaffMessage{ChatID: engineer, Text: "c"})
	start(t, b.RunOutbox)

	eventually(t, "both given up", func() bool {
		return count(t, rec, `SELECT count(*) FROM telegram_outbox WHERE failed_at IS NOT NULL`) == 2
	})
	var tries int
	for _, c := range fake.Calls("sendMessage") {
		if c.ChatID() == blocked {
			tries++
		}
	}
	if tries != 4 {
		t.Errorf("%d tries to the blocked chat, want 2 per message", tries)
	}
	if sent := fake.Sent(); len(sent) != 1 || sent[0].Text() != "c" {
		t.Errorf("sent %+v, want only c", sent)
	}
	if n := count(t, rec, `SELECT count(*) FROM telegram_outbox WHERE last_error LIKE '%blocked%'`); n != 2 {
		t.Errorf("%d rows keep the refusal, want 2", n)
	}
	if !strings.Contains(logs.String(), "telegram message given up") {
		t.Errorf("giving up not logged:\n%s", logs)
	}
}

// 40 messages to 40 chats keep the global rate: Telegram's own 30/s.
func TestOutboxGlobalRate(t *testing.T) {
	fake := telegramtest.New(t)
	cfg := testConfig(fake)
	cfg.GlobalRate = 30
	b, _ := newBot(t, cfg, nil, storetest.Postgres(t))
	for i := range 40 {
		send(t, b, bot.StaffMessage{ChatID: int64(1000 + i), Text: "广播"})
	}
	start(t, b.RunOutbox)
	sent := fake.WaitSent(t, 40, wait)

	var at []time.Time
	for _, c := range sent {
		at = append(at, c.At)
	}
	slices.SortFunc(at, time.Time.Compare)
	// The limiter spaces sends 1/30 s apart; arrivals at the fake may bunch
	// by the odd scheduling delay (jitter), which the bounds allow for.
	const jitter = 100 * time.Millisecond
	if span, least := at[len(at)-1].Sub(at[0]), 39*time.Second/30-jitter; span < least {
		t.Errorf("40 sends in %v, want at least %v at 30/s", span, least)
	}
	for i := range at {
		n := 0
		for j := i; j < len(at) && at[j].Sub(at[i]) < time.Second; j++ {
			n++
		}
		if most := 1 + int(30*(time.Second+jitter).Seconds()); n > most {
			t.Fatalf("%d sends within a second from send %d, want at most %d", n, i, most)
		}
	}
}

// Messages to one chat are PerChatInterval apart at Telegram.
func TestOutboxPerChatInterval(t *testing.T) {
	fake := telegramtest.New(t)
	cfg := testConfig(fake)
	cfg.PerChatInterval = 200 * time.Millisecond // Telegram's is 1s; shorter here
	b, _ := newBot(t, cfg, nil, storetest.Postgres(t))
	for i := range 3 {
		send(t, b, bot.StaffMessage{ChatID: engineer, Text: fmt.Sprintf("%d-%d", engineer, i)})
	}
	start(t, b.RunOutbox)
	sent := fake.WaitSent(t, 3, wait)
	assertDeliveredOnce(t, sent, []int64{engineer}, 3)
	for i := 1; i < len(sent); i++ {
		if gap := sent[i].At.Sub(sent[i-1].At); gap < cfg.PerChatInterval {
			t.Errorf("sends %d and %d are %v apart, want at least %v", i-1, i, gap, cfg.PerChatInterval)
		}
	}
}

// Two replicas' workers share the outbox: every message is delivered
// exactly once, in each chat's order.
func TestOutboxTwoWorkersDeliverOnce(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	a, _ := newBot(t, testConfig(fake), nil, rec)
	b, _ := newBot(t, testConfig(fake), nil, rec)
	var chats []int64
	for c := range 20 {
		chats = append(chats, int64(2000+c))
	}
	for i := range 10 {
		for _, chat := range chats {
			send(t, []*telegram.Bot{a, b}[chat%2], bot.StaffMessage{ChatID: chat, Text: fmt.Sprintf("%d-%d", chat, i)})
		}
	}
	stopA, stopB := start(t, a.RunOutbox), start(t, b.RunOutbox)
	fake.WaitSent(t, 200, wait)
	stopA()
	stopB()

	assertDeliveredOnce(t, fake.Sent(), chats, 10)
	if n := count(t, rec, `SELECT count(*) FROM telegram_outbox WHERE sent_at IS NULL`); n != 0 {
		t.Errorf("%d messages not recorded as sent", n)
	}
}

func TestSendStaffRefusesWhatTelegramWould(t *testing.T) {
	fake := telegramtest.New(t)
	b, _ := newBot(t, testConfig(fake), nil, storetest.Postgres(t))
	ctx := context.Background()
	long := string(make([]byte, 65))
	for name, m := range map[string]bot.StaffMessage{
		"no chat":             {Text: "x"},
		"nothing to send":     {ChatID: engineer},
		"data too long":       {ChatID: engineer, Text: "x", Buttons: [][]bot.Button{{{Text: "b", Data: long}}}},
		"button with no text": {ChatID: engineer, Text: "x", Buttons: [][]bot.Button{{{Data: "d"}}}},
	} {
		if err := b.SendStaff(ctx, m); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := b.EditStaff(ctx, bot.StaffEdit{ChatID: engineer, Text: "x"}); err == nil {
		t.Error("edit without ref accepted")
	}
}
