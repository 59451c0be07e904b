package conversation

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSeverityNames(t *testing.T) {
	for _, c := range []struct {
		n             int
		name, meaning string
	}{
		{0, "", ""},
		{1, "致命性问题", "系统瘫痪，业务无法进行"},
		{2, "严重问题", "系统不能正常运行，多项功能受影响"},
		{3, "普通问题", "部分功能失效，业务基本可以进行"},
		{4, "小问题", "不影响基本服务"},
		{5, "功能建议", "希望增加或改进的功能"},
		{6, "", ""},
	} {
		if got := SeverityName(c.n); got != c.name {
			t.Errorf("SeverityName(%d) = %q, want %q", c.n, got, c.name)
		}
		if got := SeverityMeaning(c.n); got != c.meaning {
			t.Errorf("SeverityMeaning(%d) = %q, want %q", c.n, got, c.meaning)
		}
	}
}

func TestParseSeverity(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1, true}, {"５", 5, true}, {"3级", 3, true}, {"三级", 3, true}, {"sev2", 2, true},
		{"致命性问题", 1, true}, {"严重问题。", 2, true}, {"一般", 3, true}, {"轻微", 4, true}, {"建议", 5, true},
		{"小问题：不影响基本服务", 4, true}, {"4 小问题", 4, true},
		{"0", 0, false}, {"6", 0, false}, {"12", 0, false}, {"很严重", 0, false}, {"", 0, false},
	} {
		n, ok := parseSeverity(c.in)
		if n != c.want || ok != c.ok {
			t.Errorf("parseSeverity(%q) = %d, %v; want %d, %v", c.in, n, ok, c.want, c.ok)
		}
	}
}

// The question is a menu for tapping, and the same choices numbered in the
// text for clients that cannot show menus.
func TestSeverityPrompt(t *testing.T) {
	_, replies, _ := Step(Session{}, text("打印机连不上"), t0)
	if len(replies) != 1 || replies[0].Menu == nil {
		t.Fatalf("replies = %+v", replies)
	}
	want := []MenuItem{
		{"sev1", "致命性问题：系统瘫痪，业务无法进行"},
		{"sev2", "严重问题：系统不能正常运行，多项功能受影响"},
		{"sev3", "普通问题：部分功能失效，业务基本可以进行"},
		{"sev4", "小问题：不影响基本服务"},
		{"sev5", "功能建议：希望增加或改进的功能"},
	}
	if diff := cmp.Diff(want, replies[0].Menu.Items); diff != "" {
		t.Errorf("menu (-want +got):\n%s", diff)
	}
	wantReplies(t, replies, "1 致命性问题", "2 严重问题", "3 普通问题", "4 小问题", "5 功能建议", "回复数字 1-5")
	// A tapped option sent back as plain text answers as well as the tap.
	for i, it := range want {
		if n, ok := parseSeverity(it.Content); !ok || n != i+1 {
			t.Errorf("option %q reads as %d, %v", it.Content, n, ok)
		}
	}
}
