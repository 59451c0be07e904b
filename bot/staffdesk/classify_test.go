package staffdesk_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// The engineer resolves with a way and gets the classification buttons;
// 咨询 then 登录 set the ticket's kind and category, one event each, and the
// message's ✓ follows. An engineer who does not have the ticket is refused;
// a lead changes it on /ticket N, after the ticket closed too; a button of
// a category the list no longer has is refused.
func TestClassifyAfterResolving(t *testing.T) {
	f := newFixture(t)
	eng, other, lead := f.addStaff("001", "engineer"), f.addStaff("002", "engineer"), f.addStaff("009", "lead")
	tk := f.open(eng)
	f.tap(eng, "res:1")
	f.text(eng, "重置了密码，已能登录")
	f.tap(eng, "how:1:phone")
	prompt := f.message(eng, "工单 #1 已解决。类型与分类（可选，默认 故障·未分类）：")
	rows, err := prompt.Keyboard()
	if err != nil || len(rows) != 4 || len(rows[0]) != 4 || rows[0][0].Text != "✓ 故障" || len(rows[1]) != 3 || rows[3][0].Text != "✓ 未分类" {
		t.Fatalf("the classification buttons: %+v, %v", rows, err)
	}
	if got := f.ticket(tk.ID); got.Status != bot.StatusResolved || got.Kind != bot.KindFault || got.Category != "" {
		t.Fatalf("resolved: %s, %q, %q", got.Status, got.Kind, got.Category)
	}

	if toast := f.tap(eng, button(t, prompt, "咨询")); toast != "工单 #1 已设为 咨询·未分类" {
		t.Errorf("咨询 answered %q", toast)
	}
	f.edited(eng, prompt.MessageID, "✓ 咨询")
	if toast := f.tap(eng, button(t, prompt, "登录")); toast != "工单 #1 已设为 咨询·登录" {
		t.Errorf("登录 answered %q", toast)
	}
	f.edited(eng, prompt.MessageID, "✓ 登录")
	if toast := f.tap(eng, button(t, prompt, "登录")); toast != "工单 #1 已是 咨询·登录" { // a double press
		t.Errorf("登录 again answered %q", toast)
	}
	want := []string{"类型 咨询，分类 未分类", "类型 咨询，分类 登录"}
	if got := f.ticket(tk.ID); got.Kind != bot.KindConsult || got.Category != "登录" || !slices.Equal(f.classified(tk.ID), want) {
		t.Fatalf("after 咨询 and 登录: %q, %q, events %q", got.Kind, got.Category, f.classified(tk.ID))
	}

	if toast := f.tap(other, "cls:1:k:upgrade"); !strings.Contains(toast, "只有处理人或主管可以操作") {
		t.Errorf("another engineer's press answered %q", toast)
	}
	f.text(other, "/ticket 1")
	if card := f.message(other, "工单 #1"); hasButton(card, "咨询") || hasButton(card, "✓ 咨询") {
		t.Error("an engineer's /ticket carries the classification buttons")
	}

	if _, _, err := f.lc.Confirm(t.Context(), tk.ID, true, "o1", "msg:o1:2", f.now); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Hour)
	f.text(lead, "/ticket 1")
	card := f.message(lead, "工单 #1")
	if !strings.Contains(card.Text(), "类型：咨询\n分类：登录") || !hasButton(card, "✓ 咨询") || !strings.HasSuffix(button(t, card, "日常维护"), ":t") {
		t.Fatalf("the lead's card:\n%s", card.Text())
	}
	if toast := f.tap(lead, button(t, card, "日常维护")); toast != "工单 #1 已设为 日常维护·登录" {
		t.Errorf("the lead's 日常维护 answered %q", toast)
	}
	f.edited(lead, card.MessageID, "✓ 日常维护", "类型：日常维护", "已关闭", "classified")
	if toast := f.tap(lead, "cls:1:c:6:t"); toast != "分类已变更，请重新打开 /ticket 1" {
		t.Errorf("a stale category answered %q", toast)
	}
	want = append(want, "类型 日常维护，分类 登录")
	if got := f.ticket(tk.ID); got.Status != bot.StatusClosed || got.Kind != bot.KindMaintenance || got.Category != "登录" || !slices.Equal(f.classified(tk.ID), want) {
		t.Fatalf("at the end: %s, %q, %q, events %q", got.Status, got.Kind, got.Category, f.classified(tk.ID))
	}
}
