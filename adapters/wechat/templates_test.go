package wechat_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/adapters/wechat"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
)

// Every value Hotline puts into a template fits the keyword types the
// example configuration maps it to, unchanged where the type allows no
// cutting: each ticket status is a phrase, the ticket number a
// character_string, the times WeChat's time format.
func TestEveryTemplateValueFitsTheExampleTypes(t *testing.T) {
	data, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	settings, err := policyfile.Parse(data, "../../config.example.yaml", loc, nil)
	if err != nil {
		t.Fatal(err)
	}
	tpls := settings.WeChatTemplates
	at := time.Date(2026, 12, 8, 15, 1, 0, 0, loc)
	tk := &bot.Ticket{ID: 1024, Description: strings.Repeat("打印机连不上服务器，", 5)}
	for _, status := range notify.TicketStatuses {
		msg := notify.TicketTemplate(tk, status, at, loc)
		if err := wechat.CheckTemplate(tpls[msg.Kind], msg.Fields); err != nil {
			t.Errorf("ticket notice %q: %v", status, err)
		}
	}
	// The survey invitation (bot/survey's template), the renewal notice
	// (bot/engine's) and the maintenance done (bot/upkeep's), with the
	// longest values they carry.
	for kind, fields := range map[string]map[string]string{
		"survey":  {"title": "服务满意度回访问卷（工单结束后）", "ticket": "#1024", "time": at.Format("2006-01-02 15:04"), "note": "点击填写，约1分钟"},
		"renewal": {"unit": "大庆市住房公积金管理中心信息科", "date": "2026-12-31"},
		"upkeep": {"title": "2026年第4季度电话回访已完成", "unit": "大庆市住房公积金管理中心信息科", "time": at.Format("2006-01-02 15:04"),
			"note": "上门检查了服务器、备份和打印机，运行正常"},
	} {
		if err := wechat.CheckTemplate(tpls[kind], fields); err != nil {
			t.Errorf("%s notice: %v", kind, err)
		}
	}
	// A status that breaks the phrase rule is caught before a send.
	if err := wechat.CheckTemplate(tpls["ticket"], notify.TicketTemplate(tk, "已解决，请确认", at, loc).Fields); err == nil {
		t.Error("a seven-character status with a comma passed as a phrase")
	}
}
