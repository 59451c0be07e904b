package conversation

import (
	"strings"
	"testing"
)

func TestConfirmation(t *testing.T) {
	for _, c := range []struct {
		ev         Event
		solved, ok bool
	}{
		{menu(MenuSolved), true, true}, {menu(MenuUnsolved), false, true}, {menu("sev1"), false, false},
		{text(MenuSolved), false, false}, // a tap's id typed is no tap
	} {
		if solved, ok := ConfirmTap(c.ev); solved != c.solved || ok != c.ok {
			t.Errorf("ConfirmTap(%+v) = %v %v", c.ev, solved, ok)
		}
	}
	for in, want := range map[string][2]bool{"1": {true, true}, "１": {true, true}, "好了。": {true, true}, " 2 ": {false, true},
		"还是不行！": {false, true}, "打印机又坏了": {false, false}} {
		if solved, ok := ReadConfirmation(in); solved != want[0] || ok != want[1] {
			t.Errorf("ReadConfirmation(%q) = %v %v, want %v", in, solved, ok, want)
		}
	}
}

func TestConfirmationWords(t *testing.T) {
	q := ConfirmationQuestion(12, "已更换网线")
	if q.Text != "您的工单 #12 已处理：已更换网线\n请问问题是否已经解决？\n回复「1」已解决，「2」未解决。" || len(q.Menu.Items) != 2 {
		t.Fatalf("question %+v", q)
	}
	for _, c := range []struct {
		solved, applied bool
		want            string
	}{
		{true, true, "感谢您的确认，工单 #12 已关闭"},
		{false, true, "工单 #12 已重新打开"},
		{true, false, "工单 #12 目前状态为「已关闭」"},
	} {
		if got := ConfirmationReply(12, c.solved, c.applied, "已关闭").Text; !strings.Contains(got, c.want) {
			t.Errorf("%v %v: %q", c.solved, c.applied, got)
		}
	}
}
