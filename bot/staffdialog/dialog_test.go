package staffdialog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot/staffdialog"
)

func TestResolutionDialogue(t *testing.T) {
	st, ask := staffdialog.AskNote(12)
	if st.Awaiting != staffdialog.AwaitNote || st.Ticket != 12 || !strings.Contains(ask.Text, "工单 #12 的解决说明") {
		t.Fatalf("AskNote = %+v, %q", st, ask.Text)
	}
	st, reply := staffdialog.NoteReceived(st, "换了网线")
	if st.Awaiting != "" || st.Note != "换了网线" || len(reply.Buttons) != 1 || len(reply.Buttons[0]) != 3 || reply.Buttons[0][1].Data != "how:12:remote" {
		t.Fatalf("NoteReceived = %+v, %+v", st, reply)
	}
	for _, c := range []struct {
		name   string
		ticket int64
		how    string
		ok     bool
		way    string
	}{
		{"the way pressed", 12, "remote", true, "远程"},
		{"another ticket's button", 13, "phone", false, ""},
		{"a way not offered", 12, "teleport", false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			note, way, ok, toast := staffdialog.Resolution(st, c.ticket, c.how)
			if ok != c.ok || way != c.way || (ok && note != "换了网线") || (!ok && toast == "") {
				t.Errorf("Resolution = %q, %q, %v, %q", note, way, ok, toast)
			}
		})
	}
	if _, _, ok, _ := staffdialog.Resolution(staffdialog.State{Ticket: 12}, 12, "phone"); ok {
		t.Error("resolved without a note")
	}
}

var env = staffdialog.RoundEnv{Now: time.Date(2026, 12, 2, 9, 0, 0, 0, shanghai), Location: shanghai,
	Questionnaires: []staffdialog.QuestionnaireInfo{{Name: "revisit", Title: "售后服务回访", Questions: 5}, {Name: "ticket", Title: "服务满意度调查", Questions: 2}}}

func draftAt(step string) staffdialog.State {
	return staffdialog.State{Awaiting: staffdialog.AwaitRound, Round: &staffdialog.RoundDraft{Step: step}}
}

// Each step of the round dialogue: the answer taken, the next question,
// or what was not understood.
func TestRoundDialogue(t *testing.T) {
	for _, c := range []struct {
		name     string
		st       staffdialog.State
		text     string
		nextStep string // "" with the state cleared
		do       staffdialog.Do
		says     string
		keep     bool // the state stays as it was: nothing to save
	}{
		{"period", draftAt("period"), "上月", "filters", staffdialog.DoNothing, "② 回访哪些客户", false},
		{"bad period", draftAt("period"), "November", "period", staffdialog.DoNothing, "没看懂", true},
		{"filters", draftAt("filters"), "单位=市中心医院 级别=1,2", "sample", staffdialog.DoNothing, "③ 抽样比例", false},
		{"bad filter", draftAt("filters"), "部门=IT", "filters", staffdialog.DoNothing, "没看懂", true},
		{"sample", draftAt("sample"), "30%", "questionnaire", staffdialog.DoNothing, "④ 用哪份问卷？\nrevisit — 售后服务回访（5 题）", false},
		{"bad sample", draftAt("sample"), "0%", "sample", staffdialog.DoNothing, "没看懂", true},
		{"questionnaire", draftAt("questionnaire"), "revisit", "confirm", staffdialog.DoPreview, "", false},
		{"unknown questionnaire", draftAt("questionnaire"), "nps", "questionnaire", staffdialog.DoNothing, "可选：revisit、ticket", true},
		{"confirm", draftAt("confirm"), "确认发送", "", staffdialog.DoStart, "", false},
		{"not yet confirmed", draftAt("confirm"), "好的", "confirm", staffdialog.DoNothing, "请按「确认发送」", true},
		{"cancel at any step", draftAt("sample"), "取消", "", staffdialog.DoNothing, "已放弃新建回访轮次", false},
		{"no draft", staffdialog.State{Awaiting: staffdialog.AwaitRound}, "上月", "", staffdialog.DoNothing, "已放弃", false},
		{"unknown step starts over", draftAt("zzz"), "上月", "period", staffdialog.DoNothing, "① 回访哪段时间", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := staffdialog.RoundText(c.st, c.text, env)
			step := ""
			if out.Next.Round != nil {
				step = out.Next.Round.Step
			}
			said := ""
			if out.Reply != nil {
				said = out.Reply.Text
			}
			if step != c.nextStep || out.Do != c.do || !strings.Contains(said, c.says) || out.Keep != c.keep {
				t.Fatalf("RoundText = step %q, do %v, %q, keep %v; want %q, %v, …%q…, %v", step, out.Do, said, out.Keep, c.nextStep, c.do, c.says, c.keep)
			}
		})
	}
}

// The answers add up to the round drafted, and the draft the dialogue
// keeps is a copy: an earlier state is never changed.
func TestRoundDialogueDraft(t *testing.T) {
	st, _ := staffdialog.StartRound()
	before := st
	for _, text := range []string{"2026-11", "工程师=007", "全部"} {
		st = staffdialog.RoundText(st, text, env).Next
	}
	out := staffdialog.RoundPress(st, "q:ticket", env)
	if out.Do != staffdialog.DoPreview || out.Toast != "正在统计" {
		t.Fatalf("questionnaire button: %+v", out)
	}
	d := out.Draft
	if d.From.Format(time.DateOnly) != "2026-11-01" || d.To.Format(time.DateOnly) != "2026-12-01" || d.Engineer != "007" ||
		d.SampleRate != 1 || d.Questionnaire != "ticket" || d.Seed != env.Now.UnixNano() {
		t.Fatalf("draft %+v", d)
	}
	if before.Round.Step != "period" || st.Round.Step != "questionnaire" {
		t.Fatalf("an earlier state changed: %+v, %+v", before.Round, st.Round)
	}
	if out := staffdialog.RoundPress(out.Next, "go", env); out.Do != staffdialog.DoStart || out.Draft.Questionnaire != "ticket" {
		t.Fatalf("confirm button: %+v", out)
	}
}

func TestRoundButtonsOutOfStep(t *testing.T) {
	for _, c := range []struct {
		st    staffdialog.State
		arg   string
		toast string
	}{
		{staffdialog.State{}, "go", "已经设置完毕或已放弃"},
		{draftAt("period"), "go", "请按当前步骤操作"},
		{draftAt("confirm"), "q:revisit", "请按当前步骤操作"},
		{draftAt("confirm"), "no", "已放弃"},
	} {
		if out := staffdialog.RoundPress(c.st, c.arg, env); !strings.Contains(out.Toast, c.toast) || out.Do != staffdialog.DoNothing || out.Keep == (c.arg == "no") {
			t.Errorf("%+v %q: %+v", c.st.Round, c.arg, out)
		}
	}
}
