package bot_test

import (
	"testing"

	"github.com/hotline-desk/hotline/bot"
)

func TestKindLabel(t *testing.T) {
	want := map[string]string{bot.KindFault: "故障", bot.KindConsult: "咨询", bot.KindMaintenance: "日常维护", bot.KindUpgrade: "升级补丁", "feature": "feature"}
	for kind, label := range want {
		if got := bot.KindLabel(kind); got != label {
			t.Errorf("KindLabel(%q) = %q, want %q", kind, got, label)
		}
	}
	if len(bot.Kinds) != 4 || bot.Kinds[0] != bot.KindFault {
		t.Errorf("Kinds = %v", bot.Kinds)
	}
	if bot.CategoryLabel("") != "未分类" || bot.CategoryLabel("登录") != "登录" {
		t.Error("CategoryLabel")
	}
}
