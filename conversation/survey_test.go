package conversation

import (
	"strings"
	"testing"
	"time"
)

var revisitForm = &Questionnaire{Name: "revisit", Title: "售后服务回访", Questions: []Question{
	{ID: OverallQuestion, Kind: QuestionRating, Text: "总体满意吗？"},
	{ID: "speed", Kind: QuestionChoice, Text: "响应速度？", Options: []string{"很快", "及时", "较慢", "太慢"}},
	{ID: "solved", Kind: QuestionYesNo, Text: "解决了吗？"},
	{ID: "comment", Kind: QuestionText, Text: "意见？"},
}}

func TestReadSurveyMove(t *testing.T) {
	idle, drafting := Session{}, Session{State: StateSeverity, Draft: &Draft{Description: "x"}}
	for _, c := range []struct {
		name string
		s    Session
		ev   Event
		want SurveyMove
	}{
		{"tap while idle", idle, menu("sv:7:1:2"), SurveyMove{Kind: SurveyTapped, Tap: SurveyTap{Survey: 7, Step: 1, Choice: 2}}},
		{"tap while drafting", drafting, menu("sv:7:0:1"), SurveyMove{Kind: SurveyTapped, Tap: SurveyTap{Survey: 7, Step: 0, Choice: 1}}},
		{"broken tap", idle, menu("sv:7:x:1"), SurveyMove{}},
		{"choice zero", idle, menu("sv:7:0:0"), SurveyMove{}},
		{"another menu", idle, menu("sev2"), SurveyMove{}},
		{"TD", drafting, text("td。"), SurveyMove{Kind: SurveyOptOut}},
		{"full-width TD", idle, text("ＴＤ"), SurveyMove{Kind: SurveyOptOut}},
		{"恢复调查", idle, text("恢复调查"), SurveyMove{Kind: SurveyOptIn}},
		{"typed while idle", idle, text("满意"), SurveyMove{Kind: SurveyMaybeTyped}},
		{"typed while drafting", drafting, text("2"), SurveyMove{}},
		{"image", idle, image("m"), SurveyMove{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ReadSurveyMove(c.s, c.ev); got != c.want {
				t.Errorf("ReadSurveyMove = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestReadAnswer(t *testing.T) {
	q := revisitForm.Questions
	for _, c := range []struct {
		q        Question
		text     string
		want     string
		answered bool
	}{
		{q[0], "1", "1", true}, {q[0], "４", "4", true}, {q[0], "比较满意！", "2", true}, {q[0], "5", "", false},
		{q[0], "还有个问题", "", false}, {q[1], "2", "及时", true}, {q[1], "较慢", "较慢", true}, {q[1], "慢", "", false},
		{q[2], "是的", "yes", true}, {q[2], "没解决", "no", true}, {q[2], "2", "no", true},
		{q[3], "无", "", true}, {q[3], " 工程师很耐心 ", "工程师很耐心", true}, {q[3], "  ", "", false},
	} {
		got, ok := ReadAnswer(c.q, c.text)
		if got != c.want || ok != c.answered {
			t.Errorf("%s %q: %q %v, want %q %v", c.q.ID, c.text, got, ok, c.want, c.answered)
		}
	}
}

func TestSurveyAfter(t *testing.T) {
	for _, c := range []struct {
		name     string
		turn     SurveyTurn
		next     int
		done     bool
		says     string
		menuItem string // the first choice's id, when a question with choices is asked
	}{
		{"happy rating, next question", SurveyTurn{Step: 0, Value: "1", Outcome: AnswerCounted, Pending: -1}, 1, false, "感谢您的评价！\n（2/4）响应速度？", "sv:9:1:1"},
		{"unhappy rating", SurveyTurn{Step: 0, Value: "4", Outcome: AnswerCounted, Pending: -1}, 1, false, "质量管理部会尽快与您联系", "sv:9:1:1"},
		{"repeated tap on an earlier question", SurveyTurn{Step: 0, Value: "1", Outcome: AnswerRepeated, Pending: 2}, 2, false, "这道题您已经回答过了。\n（3/4）解决了吗？", "sv:9:2:1"},
		{"the comment is typed", SurveyTurn{Step: 2, Value: "yes", Outcome: AnswerCounted, Pending: -1}, 3, false, "直接回复即可；没有请回复「无」。", ""},
		{"last answer thanks", SurveyTurn{Step: 3, Value: "很好", Outcome: AnswerCounted, Pending: -1}, 0, true, "已收到您的意见，感谢您参与调查", ""},
		{"too late", SurveyTurn{Step: 1, Value: "及时", Outcome: AnswerTooLate, Pending: -1}, 0, true, "不再计入统计", ""},
		{"done on the page", SurveyTurn{Step: 1, Value: "及时", Outcome: AnswerDone, Pending: -1}, 0, true, "您已经完成了这次调查", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.turn.Survey, c.turn.Questionnaire = 9, revisitForm
			next, done, r := SurveyAfter(c.turn)
			if next != c.next || done != c.done || !strings.Contains(r.Text, c.says) {
				t.Fatalf("SurveyAfter = %d, %v, %q; want %d, %v, …%q…", next, done, r.Text, c.next, c.done, c.says)
			}
			if (c.menuItem == "") != (r.Menu == nil) || (r.Menu != nil && r.Menu.Items[0].ID != c.menuItem) {
				t.Fatalf("menu %+v, want first item %q", r.Menu, c.menuItem)
			}
		})
	}
}

// A question's choices come as a menu and, numbered, in the text; a tap
// on one is read back as the same answer.
func TestSurveyQuestionRoundTrip(t *testing.T) {
	r := SurveyInvitation(12, 9, true, revisitForm, 0, false)
	if !strings.Contains(r.Text, "售后服务回访，想了解您对近期服务（工单 #12）的感受，共 4 个问题") || !strings.HasSuffix(r.Text, "\n4 不满意\n回复数字即可。回复 TD 不再接收调查。") {
		t.Fatalf("text %q", r.Text)
	}
	tap := r.Menu.Items[2]
	m := ReadSurveyMove(Session{}, menu(tap.ID))
	if m.Kind != SurveyTapped || revisitForm.Questions[m.Tap.Step].ChoiceValue(m.Tap.Choice) != "3" || tap.Content != "一般" {
		t.Fatalf("tap %+v read as %+v", tap, m)
	}
}

func TestPendingTTL(t *testing.T) {
	expires := t0.Add(72 * time.Hour)
	if got := PendingTTL(revisitForm, 0, expires, t0); got != 72*time.Hour {
		t.Errorf("rating: %v", got)
	}
	if got := PendingTTL(revisitForm, 3, expires, t0); got != IdleTimeout {
		t.Errorf("comment: %v", got)
	}
	if got := PendingTTL(revisitForm, 0, t0, t0.Add(time.Hour)); got != time.Second {
		t.Errorf("expired: %v", got)
	}
}
