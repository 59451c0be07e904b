package staffdesk_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/telegram"
	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/staffdesk"
	"github.com/hotline-desk/hotline/bot/ticket"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/redisstore"
	"github.com/hotline-desk/hotline/store/storetest"
)

// fixture is the staff desk on real PostgreSQL and Redis, speaking through
// the real Telegram adapter to the fake Bot API.
type fixture struct {
	t     *testing.T
	rec   *store.Records
	tg    *telegramtest.FakeBotAPI
	desk  *staffdesk.Desk
	lc    *ticket.Lifecycle
	now   time.Time
	press int
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, rec: storetest.Postgres(t), tg: telegramtest.New(t), now: time.Date(2026, 3, 2, 9, 0, 0, 0, shanghai)}
	rdb, keys := storetest.Redis(t)
	p, err := policy.Default(policy.Options{Location: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	chat := f.startTelegram()
	clock := func() time.Time { return f.now }
	rec := f.rec
	n := notify.New(notify.Deps{Clock: clock, Policy: p, Staff: rec.Staff, Customers: rec.Customers, Tickets: rec.Tickets,
		StaffChat: chat, Answerer: chat, Log: quiet()})
	f.lc = ticket.New(ticket.Deps{Clock: clock, Policy: p, Tickets: rec.Tickets, Units: rec.Units, Customers: rec.Customers,
		Staff: rec.Staff, Notify: n, Log: quiet()})
	f.desk = staffdesk.New(staffdesk.Deps{Clock: clock, Policy: p, Staff: rec.Staff, Tickets: rec.Tickets,
		States: redisstore.NewStaffStates(rdb, keys), Lifecycle: f.lc, Notify: n, Jobs: rec.Jobs, Log: quiet()})
	return f
}

// startTelegram runs the staff bot's outbox against the fake Bot API.
func (f *fixture) startTelegram() *telegram.Bot {
	cfg := telegram.Config{Token: telegramtest.Token, APIEndpoint: f.tg.Endpoint(), HTTPTimeout: 2 * time.Second,
		GlobalRate: 1000, PerChatInterval: time.Millisecond, PollInterval: 20 * time.Millisecond,
		RetryBase: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond}
	nobody := telegram.HandlerFunc(func(context.Context, bot.StaffUpdate) error { return nil })
	out := f.rec.Outbox
	b, err := telegram.New(cfg, nobody, telegram.Stores{Outbox: out, Deliveries: out, Messages: out, Updates: out}, quiet())
	if err != nil {
		f.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); b.RunOutbox(ctx) }()
	f.t.Cleanup(func() { cancel(); <-done })
	return b
}

// addStaff adds a linked staff member; their Telegram id is 1000 + the
// number.
func (f *fixture) addStaff(number, roles string) *bot.Staff {
	f.t.Helper()
	n, _ := strconv.Atoi(number)
	tg := int64(1000 + n)
	s := &bot.Staff{Number: number, Name: "工" + number, RolesText: roles, TelegramUserID: &tg, Active: true, CreatedAt: f.now, UpdatedAt: f.now}
	if err := f.rec.Staff.AddStaff(context.Background(), s); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// open opens a ticket assigned to eng.
func (f *fixture) open(eng *bot.Staff) *bot.Ticket {
	f.t.Helper()
	o, err := f.lc.Open(context.Background(), ticket.Report{Channel: bot.ChannelWeChat, OpenID: "o1", Key: "msg:o1:1", Unit: "某单位",
		Name: "张三", Phone: "13800138000", Description: "系统登录不了", Severity: 3, At: f.now, Assign: eng,
		Events: func(*bot.Ticket) []bot.Event { return nil }})
	if err != nil {
		f.t.Fatal(err)
	}
	return o.Ticket
}

// tap presses a button as s and returns the toast it was answered with.
func (f *fixture) tap(s *bot.Staff, data string) string {
	f.t.Helper()
	f.press++
	id := fmt.Sprintf("cb%d", f.press)
	u := bot.StaffUpdate{UserID: *s.TelegramUserID, ChatID: *s.TelegramUserID, Callback: &bot.Callback{ID: id, Data: data}}
	if err := f.desk.HandleStaff(context.Background(), u); err != nil {
		f.t.Fatalf("press %s: %v", data, err)
	}
	for _, c := range f.tg.Calls("answerCallbackQuery") {
		if c.Params.Get("callback_query_id") == id {
			return c.Params.Get("text")
		}
	}
	f.t.Fatalf("press %s was not answered", data)
	return ""
}

func (f *fixture) text(s *bot.Staff, text string) {
	f.t.Helper()
	u := bot.StaffUpdate{UserID: *s.TelegramUserID, ChatID: *s.TelegramUserID, Text: text}
	if err := f.desk.HandleStaff(context.Background(), u); err != nil {
		f.t.Fatalf("%s says %q: %v", s.Number, text, err)
	}
}

func (f *fixture) ticket(id int64) *bot.Ticket {
	f.t.Helper()
	t, err := f.rec.Tickets.Ticket(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}

// classified is the ticket's classified events' bodies.
func (f *fixture) classified(id int64) []string {
	f.t.Helper()
	events, err := f.rec.Tickets.Events(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		if e.Kind == bot.EventClassified {
			out = append(out, e.Body)
		}
	}
	return out
}

// message waits for a message sent to s whose text starts with prefix.
func (f *fixture) message(s *bot.Staff, prefix string) telegramtest.Call {
	f.t.Helper()
	var found telegramtest.Call
	f.tg.Wait(f.t, 5*time.Second, fmt.Sprintf("a message to %s starting %q", s.Number, prefix), func() bool {
		for _, c := range f.tg.Sent() {
			if c.ChatID() == *s.TelegramUserID && strings.HasPrefix(c.Text(), prefix) {
				found = c
				return true
			}
		}
		return false
	})
	return found
}

// edited waits for an edit of message id whose keyboard shows marked
// (like "✓ 咨询") and whose text holds each of texts, and returns it.
func (f *fixture) edited(s *bot.Staff, id int, marked string, texts ...string) telegramtest.Call {
	f.t.Helper()
	var found telegramtest.Call
	f.tg.Wait(f.t, 5*time.Second, fmt.Sprintf("message %d edited to show %s", id, marked), func() bool {
		for _, c := range f.tg.Calls("editMessageText") {
			if c.OK && c.ChatID() == *s.TelegramUserID && c.MessageID == id && hasButton(c, marked) &&
				!slices.ContainsFunc(texts, func(t string) bool { return !strings.Contains(c.Text(), t) }) {
				found = c
				return true
			}
		}
		return false
	})
	return found
}

// button is the data of the button labelled text on a message.
func button(t *testing.T, c telegramtest.Call, text string) string {
	t.Helper()
	rows, err := c.Keyboard()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		for _, b := range row {
			if b.Text == text {
				return b.CallbackData
			}
		}
	}
	t.Fatalf("no button %q on %q: %+v", text, c.Text(), rows)
	return ""
}

func hasButton(c telegramtest.Call, text string) bool {
	rows, _ := c.Keyboard()
	for _, row := range rows {
		for _, b := range row {
			if b.Text == text {
				return true
			}
		}
	}
	return false
}
