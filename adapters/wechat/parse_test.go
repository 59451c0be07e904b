package wechat

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/bot"
)

// wireXML builds a callback body from element names and values.
func wireXML(fields ...string) string {
	var b strings.Builder
	b.WriteString("<xml>")
	fmt.Fprintf(&b, "<ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>1772443800</CreateTime>", testAccount, testOpenID)
	for i := 0; i+1 < len(fields); i += 2 {
		fmt.Fprintf(&b, "<%s><![CDATA[%s]]></%s>", fields[i], fields[i+1], fields[i])
	}
	b.WriteString("</xml>")
	return b.String()
}

func TestParseCallback(t *testing.T) {
	sent := time.Unix(1772443800, 0)
	base := bot.Inbound{Channel: "wechat", From: testOpenID, SentAt: sent}
	with := func(change func(*bot.Inbound)) bot.Inbound {
		in := base
		change(&in)
		return in
	}
	tests := []struct {
		name string
		body string
		want bot.Inbound
	}{
		{"text", wireXML("MsgType", "text", "Content", " 打印机 坏了 ", "MsgId", "2345"), with(func(in *bot.Inbound) {
			in.Kind, in.Text, in.Key = bot.InboundText, " 打印机 坏了 ", "msg:"+testOpenID+":2345"
		})},
		{"menu tap", wireXML("MsgType", "text", "Content", "1 全部中断", "MsgId", "2346", "bizmsgmenuid", "sev1"), with(func(in *bot.Inbound) {
			in.Kind, in.Text, in.MenuID, in.Key = bot.InboundText, "1 全部中断", "sev1", "msg:"+testOpenID+":2346"
		})},
		{"image", wireXML("MsgType", "image", "MediaId", "media-1", "PicUrl", "http://x", "MsgId", "2347"), with(func(in *bot.Inbound) {
			in.Kind, in.MediaID, in.Key = bot.InboundImage, "media-1", "msg:"+testOpenID+":2347"
		})},
		{"voice", wireXML("MsgType", "voice", "MediaId", "media-2", "Format", "amr", "MsgId", "2348"), with(func(in *bot.Inbound) {
			in.Kind, in.MediaID, in.Key = bot.InboundVoice, "media-2", "msg:"+testOpenID+":2348"
		})},
		{"location", wireXML("MsgType", "location", "Location_X", "46.58", "Location_Y", "125.10", "Label", "大庆市萨尔图区", "MsgId", "2349"), with(func(in *bot.Inbound) {
			in.Kind, in.Text, in.Key = bot.InboundLocation, "大庆市萨尔图区（46.58, 125.10）", "msg:"+testOpenID+":2349"
		})},
		{"video", wireXML("MsgType", "video", "MediaId", "media-3", "ThumbMediaId", "thumb", "MsgId", "2350"), with(func(in *bot.Inbound) {
			in.Kind, in.MediaID, in.Key = bot.InboundVideo, "media-3", "msg:"+testOpenID+":2350"
		})},
		{"short video", wireXML("MsgType", "shortvideo", "MediaId", "media-4", "MsgId", "2351"), with(func(in *bot.Inbound) {
			in.Kind, in.MediaID, in.Key = bot.InboundVideo, "media-4", "msg:"+testOpenID+":2351"
		})},
		{"link", wireXML("MsgType", "link", "Title", "报错截图说明", "Description", "系统日志", "Url", "https://example.com/a", "MsgId", "2352"), with(func(in *bot.Inbound) {
			in.Kind, in.Text, in.Key = bot.InboundLink, "报错截图说明 系统日志 https://example.com/a", "msg:"+testOpenID+":2352"
		})},
		{"file", wireXML("MsgType", "file", "Title", "error.log", "MsgId", "2353"), with(func(in *bot.Inbound) {
			in.Kind, in.Text, in.Key = bot.InboundFile, "error.log", "msg:"+testOpenID+":2353"
		})},
		{"subscribe from QR code", wireXML("MsgType", "event", "Event", "subscribe", "EventKey", "qrscene_unit42"), with(func(in *bot.Inbound) {
			in.Kind, in.EventKey, in.Key = bot.InboundSubscribe, "qrscene_unit42", "evt:"+testOpenID+":1772443800:subscribe:qrscene_unit42"
		})},
		{"unsubscribe", wireXML("MsgType", "event", "Event", "unsubscribe"), with(func(in *bot.Inbound) {
			in.Kind, in.Key = bot.InboundUnsubscribe, "evt:"+testOpenID+":1772443800:unsubscribe:"
		})},
		{"menu click", wireXML("MsgType", "event", "Event", "CLICK", "EventKey", bot.MenuKeyReport), with(func(in *bot.Inbound) {
			in.Kind, in.EventKey, in.Key = bot.InboundClick, bot.MenuKeyReport, "evt:"+testOpenID+":1772443800:CLICK:"+bot.MenuKeyReport
		})},
		{"scan", wireXML("MsgType", "event", "Event", "SCAN", "EventKey", "unit42", "Ticket", "t"), with(func(in *bot.Inbound) {
			in.Kind, in.EventKey, in.Key = bot.InboundScan, "unit42", "evt:"+testOpenID+":1772443800:SCAN:unit42"
		})},
		{"view", wireXML("MsgType", "event", "Event", "VIEW", "EventKey", "https://x", "MenuId", "5"), with(func(in *bot.Inbound) {
			in.Kind, in.EventKey, in.Key = bot.InboundOther, "https://x", "evt:"+testOpenID+":1772443800:VIEW:https://x"
		})},
		{"template job finished", wireXML("MsgType", "event", "Event", "TEMPLATESENDJOBFINISH", "MsgID", "99", "Status", "success"), with(func(in *bot.Inbound) {
			in.Kind, in.Key = bot.InboundOther, "evt:"+testOpenID+":1772443800:TEMPLATESENDJOBFINISH:"
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cb, err := parseCallback([]byte(tt.body))
			if err != nil {
				t.Fatalf("parseCallback: %v", err)
			}
			if diff := cmp.Diff(tt.want, cb.in); diff != "" {
				t.Errorf("inbound (-want +got):\n%s", diff)
			}
			if cb.account != testAccount {
				t.Errorf("account %q, want %q", cb.account, testAccount)
			}
		})
	}
}

func TestKeyWithoutMsgIdIsStablePerBody(t *testing.T) {
	first := wireXML("MsgType", "text", "Content", "你好")
	second := wireXML("MsgType", "text", "Content", "再见")

	a, errA := parseCallback([]byte(first))
	retry, errR := parseCallback([]byte(first))
	b, errB := parseCallback([]byte(second))

	if errA != nil || errR != nil || errB != nil {
		t.Fatalf("parse: %v %v %v", errA, errR, errB)
	}
	if a.in.Key != retry.in.Key || a.in.Key == b.in.Key || !strings.HasPrefix(a.in.Key, "msg:"+testOpenID+":1772443800:") {
		t.Errorf("keys %q (retry %q), %q", a.in.Key, retry.in.Key, b.in.Key)
	}
}
