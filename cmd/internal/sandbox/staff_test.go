package sandbox

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
)

func TestStaffPressIsQueuedAsACallbackQuery(t *testing.T) {
	h := newHarness(t)
	li := Staff[0]
	ping := h.botSend(li.TelegramID, "🆕 工单 #12 待接单", []telegramtest.Button{{Text: "接单", CallbackData: "ack:12"}, {Text: "转派", CallbackData: "reassign:12"}})
	st := h.state("", li.ID)
	if n := len(st.Staff.Lines); n != 1 || st.Staff.Lines[0].MessageID != ping || len(st.Staff.Lines[0].Buttons[0]) != 2 {
		t.Fatalf("chat = %+v", st.Staff.Lines)
	}
	if code := h.do("POST", "/sandbox/staff", map[string]any{"id": li.ID, "press": map[string]any{"message_id": ping, "data": "ack:12"}}, nil); code != http.StatusAccepted {
		t.Fatalf("press: HTTP %d", code)
	}
	us := h.updates()
	if len(us) != 1 || us[0].CallbackQuery == nil {
		t.Fatalf("queued = %+v", us)
	}
	q := us[0].CallbackQuery
	if q.Data != "ack:12" || q.From.ID != li.TelegramID || q.Message.MessageID != ping || q.Message.Chat.ID != li.TelegramID || q.ID == "" {
		t.Errorf("callback query = %+v", q)
	}
	// The adapter answers the press and edits the card: one message, edited, and a toast.
	h.botCall("answerCallbackQuery", url.Values{"callback_query_id": {q.ID}, "text": {"已接单"}})
	h.botCall("editMessageText", url.Values{"chat_id": {strconv.FormatInt(li.TelegramID, 10)}, "message_id": {strconv.Itoa(ping)},
		"text": {"工单 #12 处理中（李工）"}, "reply_markup": {`{"inline_keyboard":[[{"text":"已解决","callback_data":"resolve:12"}]]}`}})
	want := []shown{
		{fromBot, kindText, "工单 #12 处理中（李工）", ""},
		{fromSystem, kindPress, "按下「接单」", ""},
		{fromSystem, kindToast, "已接单", ""},
	}
	lines := h.state("", li.ID).Staff.Lines
	if diff := cmp.Diff(want, shownLines(lines)); diff != "" {
		t.Errorf("chat (-want +got):\n%s", diff)
	}
	if !lines[0].Edited || lines[0].Buttons[0][0].CallbackData != "resolve:12" {
		t.Errorf("edited card = %+v", lines[0])
	}
	if others := h.state("", Staff[1].ID).Staff.Lines; len(others) != 0 {
		t.Errorf("another engineer's chat shows %+v", others)
	}
}

func TestStaffPressesTelegramWouldNeverSendAreRefused(t *testing.T) {
	h := newHarness(t)
	li, zhao := Staff[0], Staff[1]
	ping := h.botSend(li.TelegramID, "工单 #12", []telegramtest.Button{{Text: "接单", CallbackData: "ack:12"}})
	theirs := h.botSend(zhao.TelegramID, "工单 #13", []telegramtest.Button{{Text: "接单", CallbackData: "ack:13"}})
	for name, p := range map[string]map[string]any{
		"data not on the message": {"message_id": ping, "data": "close:12"},
		"another staff's message": {"message_id": theirs, "data": "ack:13"},
		"no such message":         {"message_id": 999999, "data": "ack:12"},
		"empty data":              {"message_id": ping, "data": ""},
	} {
		t.Run(name, func(t *testing.T) {
			var res map[string]string
			if code := h.do("POST", "/sandbox/staff", map[string]any{"id": li.ID, "press": p}, &res); code != http.StatusBadRequest || res["error"] == "" {
				t.Errorf("HTTP %d %v, want 400 with a message", code, res)
			}
		})
	}
	if us := h.updates(); len(us) != 0 {
		t.Errorf("queued %d updates, want none", len(us))
	}
}

func TestStaffTextsCommandsAndReplies(t *testing.T) {
	h := newHarness(t)
	boss := Staff[2]
	card := h.botSend(boss.TelegramID, "⚠️ 工单 #12 客户投诉：太慢了")
	for _, body := range []map[string]any{
		{"id": boss.ID, "text": "/queue"},
		{"id": boss.ID, "text": "已安排专人处理", "reply_to": card},
	} {
		if code := h.do("POST", "/sandbox/staff", body, nil); code != http.StatusAccepted {
			t.Fatalf("%v: HTTP %d", body, code)
		}
	}
	us := h.updates()
	if len(us) != 2 {
		t.Fatalf("queued %d updates, want 2", len(us))
	}
	cmd, reply := us[0].Message, us[1].Message
	if cmd == nil || cmd.Text != "/queue" || !cmd.IsCommand() || cmd.From.ID != boss.TelegramID || cmd.Chat.ID != boss.TelegramID {
		t.Errorf("command = %+v", cmd)
	}
	if reply == nil || reply.ReplyToMessage == nil || reply.ReplyToMessage.MessageID != card || reply.Text != "已安排专人处理" {
		t.Errorf("reply = %+v", reply)
	}
	lines := h.state("", boss.ID).Staff.Lines
	if len(lines) != 3 || lines[2].ReplyTo != card || lines[1].Text != "/queue" || lines[1].From != fromStaff {
		t.Errorf("chat = %+v", lines)
	}
	var res map[string]string
	if code := h.do("POST", "/sandbox/staff", map[string]any{"id": boss.ID, "text": "x", "reply_to": card + 1000}, &res); code != http.StatusBadRequest {
		t.Errorf("reply to an unknown message: HTTP %d, want 400", code)
	}
	if code := h.do("POST", "/sandbox/staff", map[string]any{"id": boss.ID, "text": strings.Repeat("字", maxStaffText+1)}, &res); code != http.StatusBadRequest {
		t.Errorf("overlong text: HTTP %d, want 400", code)
	}
}

func TestDocumentsAreFileLinesThatDownload(t *testing.T) {
	h := newHarness(t)
	boss := Staff[3]
	// sendDocument is multipart; the fake keeps the upload.
	id := h.sendDocument(boss.TelegramID, "2026-02-服务月报.xlsx", []byte("PK\x03\x04 workbook"), "2026年2月服务月报")
	lines := h.state("", boss.ID).Staff.Lines
	if len(lines) != 1 || lines[0].Kind != kindFile || lines[0].File.Name != "2026-02-服务月报.xlsx" || lines[0].Text != "2026年2月服务月报" {
		t.Fatalf("chat = %+v", lines)
	}
	resp, err := http.Get(h.srv.URL + lines[0].File.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: HTTP %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = http.Get(h.srv.URL + "/sandbox/file?staff=" + Staff[0].ID + "&message=" + strconv.Itoa(id))
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("another staff member's file: HTTP %d, want 404", resp.StatusCode)
	}
}
