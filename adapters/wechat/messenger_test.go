package wechat

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/hotline-desk/hotline/bot"
)

var ticketTemplate = map[string]TemplateConfig{
	"ticket": {ID: "tpl-ticket", Fields: map[string]string{
		"ticket": "character_string1",
		"status": "thing2",
	}},
}

func TestNotifyText(t *testing.T) {
	api := newFakeAPI(t)
	m := newTestMessenger(t, api, nil)

	if err := m.Notify(context.Background(), testOpenID, bot.Notice{Reply: bot.Reply{Text: "工单已受理"}}); err != nil {
		t.Fatalf("Notify: %v", err)
	}

	calls, fetches := api.recorded()
	if len(calls) != 1 || fetches != 1 {
		t.Fatalf("got %d sends and %d token fetches, want 1 and 1", len(calls), fetches)
	}
	if calls[0].Path != "/cgi-bin/message/custom/send" || calls[0].Token != "token-1" {
		t.Errorf("sent to %s with token %q", calls[0].Path, calls[0].Token)
	}
	want := message.CustomerMessage{ToUser: testOpenID, Msgtype: "text", Text: &message.MediaText{Content: "工单已受理"}}
	if diff := cmp.Diff(want, calls[0].customMessage(t)); diff != "" {
		t.Errorf("customer message (-want +got):\n%s", diff)
	}
}

func TestNotifyMenu(t *testing.T) {
	api := newFakeAPI(t)
	m := newTestMessenger(t, api, nil)
	menu := &bot.Menu{Head: "请选择严重程度", Tail: "也可以回复数字", Items: []bot.MenuItem{
		{ID: "101", Content: "1 系统瘫痪"}, {ID: "102", Content: "2 功能受损"},
	}}

	err := m.Notify(context.Background(), testOpenID, bot.Notice{Reply: bot.Reply{Text: "1 系统瘫痪\n2 功能受损", Menu: menu}})
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}

	want := message.CustomerMessage{ToUser: testOpenID, Msgtype: "msgmenu", Msgmenu: &message.MediaMsgmenu{
		HeadContent: "请选择严重程度", TailContent: "也可以回复数字",
		List: []message.MsgmenuItem{{ID: "101", Content: "1 系统瘫痪"}, {ID: "102", Content: "2 功能受损"}},
	}}
	if diff := cmp.Diff(want, api.next(t).customMessage(t)); diff != "" {
		t.Errorf("menu message (-want +got):\n%s", diff)
	}
}

func TestNotifyWindowClosedSendsTemplate(t *testing.T) {
	api := newFakeAPI(t)
	m := newTestMessenger(t, api, ticketTemplate)
	api.failCustom(CodeWindowClosed)
	n := bot.Notice{
		Reply: bot.Reply{Text: "您的工单已解决"},
		Template: &bot.TemplateMessage{
			Kind:        "ticket",
			Fields:      map[string]string{"ticket": "T-20260101-0001", "status": "已解决：更换了交换机电源模块并恢复全部业务", "extra": "不在模板里"},
			URL:         "https://hotline.example/t/1",
			ClientMsgID: "ticket-1-resolved",
		},
	}

	if err := m.Notify(context.Background(), testOpenID, n); err != nil {
		t.Fatalf("Notify: %v", err)
	}

	if c := api.next(t); c.Path != "/cgi-bin/message/custom/send" {
		t.Fatalf("first send went to %s", c.Path)
	}
	c := api.next(t)
	if c.Path != "/cgi-bin/message/template/send" {
		t.Fatalf("fallback went to %s", c.Path)
	}
	got := c.templateMessage(t)
	want := message.TemplateMessage{
		ToUser:      testOpenID,
		TemplateID:  "tpl-ticket",
		URL:         "https://hotline.example/t/1",
		ClientMsgID: "ticket-1-resolved",
		Data: map[string]*message.TemplateDataItem{
			"character_string1": {Value: "T-20260101-0001"},
			"thing2":            {Value: "已解决：更换了交换机电源模块并恢复全部…"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("template message (-want +got):\n%s", diff)
	}
	if n := len([]rune(got.Data["thing2"].Value)); n != maxThing {
		t.Errorf("truncated value has %d characters, want %d", n, maxThing)
	}
}

func TestNotifyUnreachable(t *testing.T) {
	tests := []struct {
		name          string
		customCodes   []int
		templateCodes []int
		template      *bot.TemplateMessage
		wantCode      int
	}{
		{name: "unsubscribed", customCodes: []int{CodeUnsubscribed}, wantCode: CodeUnsubscribed},
		{name: "window closed without template", customCodes: []int{CodeWindowClosed}, wantCode: CodeWindowClosed},
		{name: "template kind not configured", customCodes: []int{CodeWindowClosed},
			template: &bot.TemplateMessage{Kind: "survey"}},
		{name: "template refused", customCodes: []int{CodeWindowClosed}, templateCodes: []int{CodeTemplateRefused},
			template: &bot.TemplateMessage{Kind: "ticket"}, wantCode: CodeTemplateRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t)
			m := newTestMessenger(t, api, ticketTemplate)
			api.failCustom(tt.customCodes...)
			api.failTemplate(tt.templateCodes...)

			err := m.Notify(context.Background(), testOpenID, bot.Notice{Reply: bot.Reply{Text: "进展"}, Template: tt.template})

			if !errors.Is(err, bot.ErrUnreachable) {
				t.Fatalf("got %v, want bot.ErrUnreachable", err)
			}
			if got := ErrorCode(err); got != tt.wantCode {
				t.Errorf("ErrorCode = %d, want %d", got, tt.wantCode)
			}
		})
	}
}

func TestNotifyRefetchesRejectedToken(t *testing.T) {
	api := newFakeAPI(t)
	m := newTestMessenger(t, api, nil)
	api.failCustom(CodeTokenInvalid)

	if err := m.Notify(context.Background(), testOpenID, bot.Notice{Reply: bot.Reply{Text: "您好"}}); err != nil {
		t.Fatalf("Notify: %v", err)
	}

	calls, fetches := api.recorded()
	if fetches != 2 {
		t.Errorf("token fetched %d times, want 2", fetches)
	}
	var tokens []string
	for _, c := range calls {
		tokens = append(tokens, c.Token)
	}
	if diff := cmp.Diff([]string{"token-1", "token-2"}, tokens); diff != "" {
		t.Errorf("tokens used (-want +got):\n%s", diff)
	}
}

func TestNotifyRetriesTokenOnlyOnce(t *testing.T) {
	api := newFakeAPI(t)
	m := newTestMessenger(t, api, nil)
	api.failCustom(CodeTokenExpired, CodeTokenExpired, CodeTokenExpired)

	err := m.Notify(context.Background(), testOpenID, bot.Notice{Reply: bot.Reply{Text: "您好"}})

	if !IsTokenInvalid(err) || errors.Is(err, bot.ErrUnreachable) {
		t.Fatalf("got %v, want the token error", err)
	}
	if calls, _ := api.recorded(); len(calls) != 2 {
		t.Errorf("got %d sends, want 2", len(calls))
	}
}

func TestNotifyOtherErrorWrapped(t *testing.T) {
	api := newFakeAPI(t)
	m := newTestMessenger(t, api, ticketTemplate)
	api.failCustom(45009)

	err := m.Notify(context.Background(), testOpenID, bot.Notice{Reply: bot.Reply{Text: "您好"}, Template: &bot.TemplateMessage{Kind: "ticket"}})

	if ErrorCode(err) != 45009 || errors.Is(err, bot.ErrUnreachable) || !strings.HasPrefix(err.Error(), "wechat send: ") {
		t.Fatalf("got %v, want a wrapped errcode 45009", err)
	}
	if calls, _ := api.recorded(); len(calls) != 1 {
		t.Errorf("got %d sends, want 1 (no template fallback)", len(calls))
	}
}

func TestNotifyTemplateOnly(t *testing.T) {
	api := newFakeAPI(t)
	m := newTestMessenger(t, api, ticketTemplate)

	err := m.Notify(context.Background(), testOpenID, bot.Notice{Template: &bot.TemplateMessage{Kind: "ticket", Fields: map[string]string{"ticket": "T-1"}}})
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	if c := api.next(t); c.Path != "/cgi-bin/message/template/send" {
		t.Errorf("sent to %s, want the template endpoint", c.Path)
	}
}

func TestNotifyCancelledContextSendsNothing(t *testing.T) {
	api := newFakeAPI(t)
	m := newTestMessenger(t, api, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := m.Notify(ctx, testOpenID, bot.Notice{Reply: bot.Reply{Text: "您好"}})

	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if calls, fetches := api.recorded(); len(calls) != 0 || fetches != 0 {
		t.Errorf("got %d sends and %d token fetches, want none", len(calls), fetches)
	}
}

func TestNewMessengerChecksConfig(t *testing.T) {
	tests := map[string]Config{
		"no app id":           {AppSecret: "s"},
		"no secret":           {AppID: "a"},
		"bad api base":        {AppID: "a", AppSecret: "s", APIBase: "ftp://x"},
		"template without id": {AppID: "a", AppSecret: "s", Templates: map[string]TemplateConfig{"ticket": {}}},
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := NewMessenger(cfg, nil); err == nil {
				t.Error("NewMessenger accepted it")
			}
		})
	}
}

func TestNotifyConcurrently(t *testing.T) {
	api := newFakeAPI(t)
	m := newTestMessenger(t, api, nil)
	errs := make(chan error, 8)

	for i := range 8 {
		go func() {
			errs <- m.Notify(context.Background(), testOpenID, bot.Notice{Reply: bot.Reply{Text: fmt.Sprint("消息", i)}})
		}()
	}

	for range 8 {
		if err := <-errs; err != nil {
			t.Errorf("Notify: %v", err)
		}
	}
	if _, fetches := api.recorded(); fetches != 1 {
		t.Errorf("token fetched %d times, want 1", fetches)
	}
}

// Every push's outcome reaches Sends: sent, refused for good, or failed.
func TestNotifyReportsOutcomes(t *testing.T) {
	api := newFakeAPI(t)
	m := newTestMessenger(t, api, ticketTemplate)
	var got []string
	m.sends = func(outcome string) { got = append(got, outcome) }
	notice := bot.Notice{Reply: bot.Reply{Text: "进展"}}
	m.Notify(context.Background(), testOpenID, notice)
	api.failCustom(CodeUnsubscribed)
	m.Notify(context.Background(), testOpenID, notice)
	api.failCustom(45009) // the daily quota: may pass
	m.Notify(context.Background(), testOpenID, notice)
	if want := []string{"sent", "refused", "failed"}; !slices.Equal(got, want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
}
