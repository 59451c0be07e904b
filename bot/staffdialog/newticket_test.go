package staffdialog_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot/staffdialog"
)

// newEnv is a Monday afternoon with three units and two engineers.
func newEnv(now time.Time) staffdialog.NewEnv {
	return staffdialog.NewEnv{Now: now, Location: shanghai,
		Units:     []string{"大庆市住房公积金管理中心", "大庆市人民医院", "市一医院"},
		Engineers: []staffdialog.StaffChoice{{ID: 7, Label: "李工（工号 007）"}, {ID: 9, Label: "赵工（工号 009）"}}}
}

var monday1420 = time.Date(2026, 12, 7, 14, 20, 0, 0, shanghai)

// step is one thing the dispatcher does: text typed, or a button's data
// after "new:" (press).
type step struct {
	text, press string
	want        string // in the reply (or the toast)
	awaiting    bool   // the dialogue goes on
}

func play(t *testing.T, env staffdialog.NewEnv, steps []step) staffdialog.NewOutcome {
	t.Helper()
	out := staffdialog.StartNew(env)
	for i, s := range steps {
		if s.press != "" {
			out = staffdialog.NewPress(out.Next, s.press, env)
		} else {
			out = staffdialog.NewText(out.Next, s.text, env)
		}
		got := out.Toast
		if out.Reply != nil {
			got += "\n" + out.Reply.Text
		}
		if !strings.Contains(got, s.want) || (out.Next.Awaiting == staffdialog.AwaitNew) != s.awaiting {
			t.Fatalf("step %d (%+v): reply %q, awaiting %q; want %q, awaiting %v", i, s, got, out.Next.Awaiting, s.want, s.awaiting)
		}
	}
	return out
}

func TestNewTicketDialogue(t *testing.T) {
	env := newEnv(monday1420)
	out := play(t, env, []step{
		{press: "sev:2", want: "客户单位", awaiting: true},
		{text: "医院", want: "请选择单位", awaiting: true}, // two match: a pick list
		{press: "unit:1:1", want: "联系人", awaiting: true},
		{text: "张三", want: "联系电话", awaiting: true},
		{text: "138 0459 1234", want: "房间", awaiting: true},
		{press: "skip", want: "问题描述", awaiting: true},
		{text: "挂号系统打不开", want: "受理渠道", awaiting: true},
		{press: "ch:phone", want: "何时提出", awaiting: true},
		{text: "14:05", want: "来电时间：2026-12-07 14:05", awaiting: true},
		{press: "eng", want: "派给哪位工程师", awaiting: true},
		{press: "to:7", want: "指定 李工（工号 007）", awaiting: true},
		{press: "ok", want: "正在登记"},
	})
	d := out.Open
	if d == nil {
		t.Fatal("no ticket to open")
	}
	c := d.Call()
	want := staffdialog.Call{Channel: "phone", Unit: "市一医院", Contact: "张三", Phone: "13804591234", Description: "挂号系统打不开",
		Severity: 2, At: time.Date(2026, 12, 7, 14, 5, 0, 0, shanghai), Assign: 7}
	if c != want {
		t.Errorf("call = %+v\nwant %+v", c, want)
	}
	if d.Key(5) != "new:5:"+strconv.FormatInt(monday1420.UnixNano(), 10) {
		t.Errorf("key = %s", d.Key(5))
	}
}

// A button of an earlier search is refused: the list it belonged to was
// replaced by a narrower one. Changing the unit drops an engineer chosen
// for the old one.
func TestNewTicketUnitSearches(t *testing.T) {
	env := newEnv(monday1420)
	out := play(t, env, []step{
		{press: "sev:3", want: "客户单位", awaiting: true},
		{text: "医院", want: "请选择单位", awaiting: true},
		{text: "大庆", want: "请选择单位", awaiting: true}, // a second list: 公积金中心, 人民医院
		{press: "unit:1:0", want: "之前的查找结果", awaiting: true},
		{press: "unit:2:1", want: "联系人", awaiting: true},
		{text: "张三", want: "联系电话", awaiting: true},
		{text: "13800138000", want: "房间", awaiting: true},
		{press: "skip", want: "问题描述", awaiting: true},
		{text: "挂号慢", want: "受理渠道", awaiting: true},
		{press: "ch:phone", want: "何时提出", awaiting: true},
		{press: "now", want: "单位：大庆市人民医院", awaiting: true},
		{press: "eng", want: "派给哪位工程师", awaiting: true},
		{press: "to:9", want: "指定 赵工", awaiting: true},
		{press: "edit:unit", want: "客户单位", awaiting: true},
		{text: "公积金", want: "自动派单", awaiting: true},
		{press: "ok", want: "正在登记"},
	})
	if out.Open == nil || out.Open.Unit != "大庆市住房公积金管理中心" || out.Open.Assign != 0 {
		t.Fatalf("open = %+v", out.Open)
	}
}

func TestNewTicketByTyping(t *testing.T) {
	env := newEnv(monday1420)
	out := play(t, env, []step{
		{text: "严重", want: "客户单位", awaiting: true},
		{text: "公积金", want: "联系人", awaiting: true}, // one match: taken
		{text: "王五", want: "联系电话", awaiting: true},
		{text: "0459-4601234", want: "房间", awaiting: true},
		{text: "302", want: "问题描述", awaiting: true},
		{text: "打印报表空白", want: "受理渠道", awaiting: true},
		{text: "邮件", want: "何时提出", awaiting: true},
		{text: "昨天 17:40", want: "来电时间：2026-12-06 17:40", awaiting: true},
		{text: "确认", want: ""},
	})
	if out.Open == nil || out.Open.Unit != "大庆市住房公积金管理中心" || out.Open.Room != "302" || out.Open.Channel != "email" || out.Open.Assign != 0 {
		t.Fatalf("open = %+v", out.Open)
	}
}

// Bad input gets the question again with what was wrong, and changes
// nothing: an unknown unit (the name as typed is offered after three
// tries), a malformed phone, a time in the future, an empty description.
func TestNewTicketBadInput(t *testing.T) {
	env := newEnv(monday1420)
	out := play(t, env, []step{
		{text: "九", want: "请点按钮选择严重程度", awaiting: true},
		{press: "sev:3", want: "客户单位", awaiting: true},
		{text: "火星站", want: "没有找到包含「火星站」", awaiting: true},
		{text: "月球", want: "没有找到", awaiting: true},
		{press: "unitas", want: "请按当前步骤", awaiting: true}, // not offered yet
		{text: "火星基地", want: "按「火星基地」登记", awaiting: true},
		{press: "unitas", want: "联系人", awaiting: true},
		{text: "", want: "请回复联系人姓名", awaiting: true},
		{text: "赵六", want: "联系电话", awaiting: true},
		{text: "12345", want: "电话号码格式不对", awaiting: true},
		{text: "13912345678", want: "房间", awaiting: true},
		{text: "无", want: "问题描述", awaiting: true},
		{text: "", want: "请回复问题描述", awaiting: true},
		{text: "接口超时", want: "受理渠道", awaiting: true},
		{text: "传真", want: "请点按钮选择受理渠道", awaiting: true},
		{press: "ch:visit", want: "何时提出", awaiting: true},
		{text: "15:00", want: "晚于现在", awaiting: true},
		{text: "2026-02-30 10:00", want: "没有这个日期", awaiting: true},
		{text: "2026-10-01 10:00", want: "30 天以内", awaiting: true},
		{text: "下午三点", want: "没看懂时间", awaiting: true},
		{press: "now", want: "未签约单位", awaiting: true},
		{press: "edit", want: "修改哪一项", awaiting: true},
		{press: "edit:phone", want: "联系电话", awaiting: true},
		{text: "13912340000", want: "电话：13912340000", awaiting: true},
		{press: "ok", want: "正在登记"},
	})
	if out.Open == nil || out.Open.Unit != "火星基地" || out.Open.KnownUnit || !out.Open.At.Equal(monday1420) || out.Open.Phone != "13912340000" {
		t.Fatalf("open = %+v", out.Open)
	}
}

func TestNewTicketCancelAndExpiry(t *testing.T) {
	env := newEnv(monday1420)
	out := play(t, env, []step{{press: "sev:1", want: "客户单位", awaiting: true}, {text: "取消", want: "已取消本次登记"}})
	if out.Open != nil {
		t.Fatal("cancelled dialogue opened a ticket")
	}
	start := staffdialog.StartNew(env)
	st := staffdialog.NewPress(start.Next, "sev:1", env).Next
	later := newEnv(monday1420.Add(staffdialog.NewIdle))
	if out := staffdialog.NewText(st, "市一医院", later); out.Open != nil || out.Next.Awaiting != "" || !strings.Contains(out.Reply.Text, "已作废") {
		t.Errorf("stale answer = %+v", out)
	}
	if out := staffdialog.NewPress(st, "no", later); out.Next.Awaiting != "" || !strings.Contains(out.Reply.Text, "已作废") {
		t.Errorf("stale press = %+v", out)
	}
	// The expiry job drops the dialogue it was scheduled for, not one
	// touched since.
	if _, ok := staffdialog.ExpireNew(st, st.New.Touched.Add(-time.Minute)); ok {
		t.Error("expired a dialogue touched since")
	}
	if out, ok := staffdialog.ExpireNew(st, st.New.Touched); !ok || !strings.Contains(out.Reply.Text, "30 分钟") || out.Next.Awaiting != "" {
		t.Errorf("ExpireNew = %+v, %v", out, ok)
	}
	// A press after the end says so and changes nothing.
	if out := staffdialog.NewPress(staffdialog.State{}, "ok", env); out.Open != nil || !strings.Contains(out.Toast, "已经结束") {
		t.Errorf("press after the end = %+v", out)
	}
}

func TestParseCallTime(t *testing.T) {
	now := monday1420
	for _, c := range []struct {
		in   string
		want string // "" for an error
	}{
		{"现在", "2026-12-07 14:20"},
		{"14:05", "2026-12-07 14:05"},
		{"9：30", "2026-12-07 09:30"},
		{"昨天 17:40", "2026-12-06 17:40"},
		{"前天17:40", "2026-12-05 17:40"},
		{"12-01 09:30", "2026-12-01 09:30"},
		{"2026-12-01 09:30", "2026-12-01 09:30"},
		{"2026年12月1日 09:30", "2026-12-01 09:30"},
		{"14:21", ""},
		{"25:00", ""},
		{"2026-11-31 10:00", ""},
		{"2026-12-08 09:00", ""},
		{"2025-12-01 09:00", ""},
		{"soon", ""},
	} {
		got, err := staffdialog.ParseCallTime(c.in, now, shanghai)
		if c.want == "" {
			if err == nil {
				t.Errorf("ParseCallTime(%q) = %v, want an error", c.in, got)
			}
			continue
		}
		if err != nil || got.Format("2006-01-02 15:04") != c.want {
			t.Errorf("ParseCallTime(%q) = %v, %v; want %s", c.in, got, err, c.want)
		}
	}
}
