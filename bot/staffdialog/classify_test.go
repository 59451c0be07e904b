package staffdialog_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/staffdialog"
)

var categories = []string{"登录", "报表", "打印", "接口", "数据", "其他"}

// The buttons: the kinds in a row, then the categories and 未分类 three to
// a row, the current ones marked; the card's end in :t.
func TestClassifyButtons(t *testing.T) {
	b := func(text, data string) bot.Button { return bot.Button{Text: text, Data: data} }
	for _, c := range []struct {
		name   string
		ticket bot.Ticket
		cats   []string
		onCard bool
		want   [][]bot.Button
	}{
		{"the defaults after a resolution", bot.Ticket{ID: 12, Kind: bot.KindFault}, categories, false, [][]bot.Button{
			{b("✓ 故障", "cls:12:k:fault"), b("咨询", "cls:12:k:consult"), b("日常维护", "cls:12:k:maintenance"), b("升级补丁", "cls:12:k:upgrade")},
			{b("登录", "cls:12:c:0"), b("报表", "cls:12:c:1"), b("打印", "cls:12:c:2")},
			{b("接口", "cls:12:c:3"), b("数据", "cls:12:c:4"), b("其他", "cls:12:c:5")},
			{b("✓ 未分类", "cls:12:c:-")},
		}},
		{"a lead's card, classified", bot.Ticket{ID: 7, Kind: bot.KindConsult, Category: "报表"}, categories[:2], true, [][]bot.Button{
			{b("故障", "cls:7:k:fault:t"), b("✓ 咨询", "cls:7:k:consult:t"), b("日常维护", "cls:7:k:maintenance:t"), b("升级补丁", "cls:7:k:upgrade:t")},
			{b("登录", "cls:7:c:0:t"), b("✓ 报表", "cls:7:c:1:t"), b("未分类", "cls:7:c:-:t")},
		}},
		{"no kind read yet counts as a fault; no categories", bot.Ticket{ID: 3}, nil, false, [][]bot.Button{
			{b("✓ 故障", "cls:3:k:fault"), b("咨询", "cls:3:k:consult"), b("日常维护", "cls:3:k:maintenance"), b("升级补丁", "cls:3:k:upgrade")},
			{b("✓ 未分类", "cls:3:c:-")},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := staffdialog.ClassifyButtons(&c.ticket, c.cats, c.onCard)
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("buttons (-want +got):\n%s", d)
			}
			for _, row := range got {
				for _, btn := range row {
					if len(btn.Data) > 64 {
						t.Errorf("%q: %d bytes of callback data", btn.Data, len(btn.Data))
					}
				}
			}
		})
	}
	long := staffdialog.ClassifyButtons(&bot.Ticket{ID: 1<<63 - 1}, categories, true)
	if data := long[0][2].Data; len(data) > 64 {
		t.Errorf("the longest data %q is %d bytes", data, len(data))
	}
}

// A press, read and applied to the ticket as it is: what it sets, or the
// toast that refuses it.
func TestClassifyPress(t *testing.T) {
	ticket := &bot.Ticket{ID: 12, Kind: bot.KindConsult, Category: "登录"}
	for _, c := range []struct {
		name           string
		data           string
		parses         bool
		onCard         bool
		kind, category string
		refusal        string
	}{
		{"a kind keeps the category", "cls:12:k:upgrade", true, false, bot.KindUpgrade, "登录", ""},
		{"a category keeps the kind", "cls:12:c:4", true, false, bot.KindConsult, "数据", ""},
		{"未分类 clears the category", "cls:12:c:-", true, false, bot.KindConsult, "", ""},
		{"the same again", "cls:12:c:0", true, false, bot.KindConsult, "登录", ""},
		{"from the card", "cls:12:k:fault:t", true, true, bot.KindFault, "登录", ""},
		{"an index past the list", "cls:12:c:6", true, false, "", "", "分类已变更，请重新打开 /ticket 12"},
		{"another ticket's button", "cls:13:k:fault", true, false, "", "", "无效的按钮"},
		{"a kind there is not", "cls:12:k:feature", false, false, "", "", ""},
		{"a negative index", "cls:12:c:-2", false, false, "", "", ""},
		{"an index that is no number", "cls:12:c:登录", false, false, "", "", ""},
		{"another field", "cls:12:x:1", false, false, "", "", ""},
		{"another mark", "cls:12:k:fault:x", false, false, "", "", ""},
		{"no ticket", "cls:0:k:fault", false, false, "", "", ""},
		{"too short", "cls:12:k", false, false, "", "", ""},
		{"another action", "how:12:k:fault", false, false, "", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, ok := staffdialog.ParseClassify(c.data)
			if ok != c.parses {
				t.Fatalf("ParseClassify(%q) = %+v, %v; want ok %v", c.data, p, ok, c.parses)
			}
			if !ok {
				return
			}
			kind, category, refusal := p.Classification(ticket, categories)
			if kind != c.kind || category != c.category || refusal != c.refusal || p.OnCard != c.onCard {
				t.Errorf("%q sets %q, %q, refused %q, on card %v; want %q, %q, %q, %v", c.data, kind, category, refusal, p.OnCard,
					c.kind, c.category, c.refusal, c.onCard)
			}
		})
	}
}

func TestClassifyTexts(t *testing.T) {
	if got := staffdialog.ClassifyPrompt(12); got != "工单 #12 已解决。类型与分类（可选，默认 故障·未分类）：" {
		t.Errorf("prompt %q", got)
	}
	tk := &bot.Ticket{ID: 12, Kind: bot.KindMaintenance}
	if got := staffdialog.ClassifiedToast(tk, true); got != "工单 #12 已设为 日常维护·未分类" {
		t.Errorf("toast %q", got)
	}
	tk.Category = "打印"
	if got := staffdialog.ClassifiedToast(tk, false); got != "工单 #12 已是 日常维护·打印" {
		t.Errorf("toast %q", got)
	}
}
