package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hotline-desk/hotline/adapters/telegram"
	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
)

const (
	staffWebhookSecret = "staff-webhook-secret-0123456789"
	engineerTG         = 100007
	leadTG             = 100001
	strangerTG         = 999999
)

// staffPolicy puts an engineer and a lead on duty round the clock.
const staffPolicy = `
staff:
  - {number: "007", name: 李工, roles: [engineer], telegram_user_id: 100007}
  - {number: "001", name: 王主管, roles: [lead], telegram_user_id: 100001}
`

// fastTelegram paces the staff bot for tests: the pacing itself is tested
// in adapters/telegram.
func fastTelegram(c *telegram.Config) {
	c.GlobalRate, c.PerChatInterval, c.PollInterval = 1000, time.Millisecond, 10*time.Millisecond
}

// staffHarness is the intake harness with the staff bot on a fake Bot API,
// its outbox worker running.
type staffHarness struct {
	*harness
	tg *telegramtest.FakeBotAPI
}

func newStaffHarness(t *testing.T) *staffHarness {
	fake := telegramtest.New(t)
	h := &staffHarness{harness: newHarness(t, intakeOptions{policy: staffPolicy, telegram: fake}), tg: fake}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.app.telegram.RunOutbox(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

// update posts a Telegram update to the webhook as Telegram would.
func (h *staffHarness) update(u tgbotapi.Update, secret string) int {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/telegram", bytes.NewReader(telegramtest.Body(u)))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (h *staffHarness) staff(u tgbotapi.Update) {
	h.t.Helper()
	if code := h.update(u, staffWebhookSecret); code != http.StatusOK {
		h.t.Fatalf("webhook answered %d", code)
	}
}

// sentTo waits for a message to chat whose text contains want.
func (h *staffHarness) sentTo(chat int64, want string) telegramtest.Call {
	h.t.Helper()
	var found telegramtest.Call
	h.tg.Wait(h.t, pushWait, "a message to "+want, func() bool {
		for _, c := range h.tg.Sent() {
			if c.ChatID() == chat && strings.Contains(c.Text(), want) {
				found = c
				return true
			}
		}
		return false
	})
	return found
}

func (h *staffHarness) ticketStatus(id int64) string {
	h.t.Helper()
	var s string
	if err := h.rec.DB.GetContext(context.Background(), &s, `SELECT status FROM tickets WHERE id = $1`, id); err != nil {
		h.t.Fatal(err)
	}
	return s
}

// The whole story across both platforms: customer reports → the on-duty
// engineer is pinged with four buttons → 接单 → the customer is told → the
// engineer's reply reaches the customer → the customer's answer reaches the
// engineer → 已解决 with a note → the customer is told and confirms.
func TestStaffScenario(t *testing.T) {
	h := newStaffHarness(t)
	const customer = "oCustomer-staff"
	id := h.reportFault(customer)

	ping := h.sentTo(engineerTG, "🔔 新工单")
	kb, err := ping.Keyboard()
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, row := range kb {
		for _, b := range row {
			labels = append(labels, b.Text)
			if len(b.CallbackData) > 64 {
				t.Errorf("callback data %q over 64 bytes", b.CallbackData)
			}
		}
	}
	if strings.Join(labels, ",") != "接单,已解决,转派,需上门" {
		t.Fatalf("ping buttons %v", labels)
	}
	for _, want := range []string{"大庆市住房公积金管理中心", "13800138000", "响应时限"} {
		if !strings.Contains(ping.Text(), want) {
			t.Errorf("ping lacks %q:\n%s", want, ping.Text())
		}
	}
	pingID := ping.MessageID

	// A stranger's press and commands change nothing.
	h.staff(h.tg.Press(strangerTG, pingID, kb[0][0].CallbackData))
	h.staff(h.tg.Text(strangerTG, "/queue"))
	if s := h.ticketStatus(id); s != "open" {
		t.Fatalf("a stranger changed the ticket to %s", s)
	}
	h.sentTo(strangerTG, "仅供登记在册的工作人员使用")

	h.advance(20 * time.Minute)
	h.staff(h.tg.Press(engineerTG, pingID, kb[0][0].CallbackData))
	h.staff(h.tg.Press(engineerTG, pingID, kb[0][0].CallbackData)) // a second press is a no-op
	if s := h.ticketStatus(id); s != "acknowledged" {
		t.Fatalf("after 接单: %s", s)
	}
	if n := h.count("ticket_events WHERE kind = 'acknowledged'"); n != 1 {
		t.Fatalf("acknowledged %d times", n)
	}
	if told := h.nextPush(customer); !strings.Contains(told.Text, "李工（工号 007）") {
		t.Fatalf("customer told %q", told.Text)
	}

	h.staff(h.tg.Reply(engineerTG, "您好，请先重启一下打印机试试", pingID))
	if got := h.nextPush(customer); !strings.Contains(got.Text, "请先重启一下打印机试试") {
		t.Fatalf("engineer's reply reached the customer as %q", got.Text)
	}
	if a := h.says(customer, h.text(customer, "重启了还是不行")); !strings.Contains(a.text, "已转达") {
		t.Fatalf("customer's answer acknowledged as %q", a.text)
	}
	h.sentTo(engineerTG, "重启了还是不行")

	h.staff(h.tg.Press(engineerTG, pingID, "res:"+strconv.FormatInt(id, 10)))
	h.sentTo(engineerTG, "解决说明")
	h.staff(h.tg.Text(engineerTG, "更新了打印机驱动，已恢复打印"))
	how := h.sentTo(engineerTG, "请选择解决方式")
	hkb, _ := how.Keyboard()
	h.staff(h.tg.Press(engineerTG, how.MessageID, hkb[0][1].CallbackData)) // 远程
	asked := h.nextPush(customer)
	if asked.Menu == nil || !strings.Contains(asked.Menu.Head, "更新了打印机驱动") || len(asked.Menu.Items) != 2 {
		t.Fatalf("customer asked to confirm with %+v", asked)
	}
	if a := h.says(customer, h.tap(customer, asked.Menu.Items[0])); !strings.Contains(a.text, "已关闭") {
		t.Fatalf("confirmation answered %q", a.text)
	}
	if s := h.ticketStatus(id); s != "closed" {
		t.Fatalf("after the customer confirmed: %s", s)
	}
	if edits := h.tg.Calls("editMessageText"); len(edits) == 0 {
		t.Error("the ping was never edited to show the new state")
	}
}

// A wrong or missing webhook secret gets 401 and changes nothing.
func TestStaffWebhookSecret(t *testing.T) {
	h := newStaffHarness(t)
	for _, secret := range []string{"", "wrong-secret-wrong-secret"} {
		if code := h.update(h.tg.Text(engineerTG, "/mine"), secret); code != http.StatusUnauthorized {
			t.Errorf("secret %q: %d, want 401", secret, code)
		}
	}
}

// Images both ways: the customer's photo on an open ticket reaches the
// engineer as a Telegram photo of the same bytes (fetched from WeChat
// server side, uploaded to Telegram), and the engineer's photo, sent as a
// reply to the ping, reaches the customer as a WeChat image of the same
// bytes and is kept in the ticket's log.
func TestStaffImagesBothWays(t *testing.T) {
	h := newStaffHarness(t)
	const customer = "oCustomer-images"
	id := h.reportFault(customer)
	ping := h.sentTo(engineerTG, "🔔 新工单")
	kb, err := ping.Keyboard()
	if err != nil {
		t.Fatal(err)
	}
	h.staff(h.tg.Press(engineerTG, ping.MessageID, kb[0][0].CallbackData)) // 接单
	h.nextPush(customer)                                                   // told who took it

	screen := []byte("\xff\xd8\xff\xe0 the customer's printer error screen")
	h.fake.AddMedia("wx-media-printer", screen)
	body := wechattest.ImageMessage(intakeAccount, customer, "wx-media-printer", h.nextMsgID(), h.clock())
	if code, raw := h.post(intakeToken, body); code != http.StatusOK {
		t.Fatalf("image answered %d: %s", code, raw)
	}
	got := h.sentTo(engineerTG, fmt.Sprintf("💬 工单 #%d 客户发来的图片", id))
	if got.Method != "sendPhoto" || !bytes.Equal(got.Upload, screen) {
		t.Fatalf("engineer got %s with %d bytes, want a photo of the customer's %d", got.Method, len(got.Upload), len(screen))
	}
	for _, c := range h.tg.Calls() {
		if strings.Contains(c.Params.Encode(), "access_token") {
			t.Errorf("%s handed Telegram a WeChat access token: %v", c.Method, c.Params)
		}
	}

	diagram := []byte("\xff\xd8\xff\xe0 the engineer's wiring diagram")
	h.tg.AddFile("tg-diagram-large", diagram)
	photo := h.tg.Photo(engineerTG, "", "tg-diagram-small", "tg-diagram-large")
	photo.Message.ReplyToMessage = &tgbotapi.Message{MessageID: ping.MessageID, Chat: photo.Message.Chat}
	h.staff(photo)
	images, err := h.fake.Wait(1, pushWait, func(m wechattest.Message) bool {
		return m.To == customer && m.MsgType == "image" && m.ErrCode == 0
	})
	if err != nil {
		t.Fatal(err)
	}
	var uploaded []byte
	for _, u := range h.fake.Uploads() {
		if u.MediaID == images[0].MediaID {
			uploaded = u.Data
		}
	}
	if !bytes.Equal(uploaded, diagram) {
		t.Fatalf("customer's image %s holds %q, want the engineer's photo", images[0].MediaID, uploaded)
	}
	h.sentTo(engineerTG, fmt.Sprintf("已将图片转达工单 #%d", id))
	if n := h.count("ticket_events WHERE kind = 'staff_image'"); n != 1 {
		t.Errorf("%d staff_image events, want 1", n)
	}
}
