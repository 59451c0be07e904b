package conversation

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// FuzzStep plays random dialogues and checks, after every step, that
//
//   - Step does not panic and leaves the session it was given unchanged;
//   - the session survives a JSON round trip (it lives in Redis);
//   - the session is consistent (repair has nothing to fix), fields keep
//     their limits, and phones are normalised;
//   - replies are non-empty, fit a WeChat text message, and a reply with a
//     menu names every option in its text too;
//   - no intent shares a draft with the session;
//   - nothing the customer typed is lost (see checkText).
func FuzzStep(f *testing.F) {
	for _, seed := range [][]byte{
		{},
		{0, 0, 1, 10, 0, 1, 11, 0, 1, 12},
		{1, 0, 0, 14, 0, 0, 20, 0, 0, 30, 0, 0, 25},
		{0, 0, 1, 14, 5, 0, 50, 0, 0, 7, 6, 0, 8},
		{0, 0, 2, 40, 0, 0, 3, 3, 0, 2, 50, 0, 1, 9},
		{1, 0, 6, 0, 0, 1, 14, 0, 0, 15},
	} {
		f.Add(seed)
	}
	f.Fuzz(playDialogue)
}

// TestStepRandomDialogues runs the fuzz checks over a fixed set of random
// dialogues, so plain `go test` covers more than the seeds.
func TestStepRandomDialogues(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		data := make([]byte, r.IntN(400))
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		playDialogue(t, data)
	}
}

// playDialogue decodes data into a dialogue and checks every step.
func playDialogue(t *testing.T, data []byte) {
	in := &fuzzInput{b: data}
	s := Session{}
	if in.next()%2 == 1 {
		s.Profile = zhang
	}
	now := t0
	var track tracker
	for step := 0; step < 300 && !in.empty(); step++ {
		now = now.Add(in.jump())
		ev, meddle := in.event(s)
		if meddle != nil {
			meddle(&s)
			continue
		}
		pre := s
		preJSON := mustJSON(t, pre)
		var replies []Reply
		var intents []Intent
		s, replies, intents = Step(pre, ev, now)
		if got := mustJSON(t, pre); got != preJSON {
			t.Fatalf("step %d: Step changed its input:\n%s\n%s", step, preJSON, got)
		}
		checkSession(t, s)
		checkReplies(t, replies)
		checkIntents(t, s, intents)
		if ev.Kind == EventText {
			track.checkText(t, pre, ev.Text, now, s, intents)
		}
		track.checkKept(t, s, intents)
		for _, i := range intents {
			if i.Kind == IntentOpenTicket {
				s.ActiveTicket++ // as the bot does once the ticket is open
			}
		}
	}
}

// jump is the time before the next message: mostly the seconds or minutes
// of a dialogue, sometimes around IdleTimeout or much longer.
func (in *fuzzInput) jump() time.Duration {
	b := in.next()
	if b < 240 {
		return []time.Duration{0, time.Second, time.Minute, 10 * time.Minute}[b%4]
	}
	return []time.Duration{IdleTimeout - time.Second, IdleTimeout, 2 * time.Hour, 72 * time.Hour}[b%4]
}

// fuzzWords are texts customers send: commands, answers to each question,
// near misses, and ordinary sentences.
var fuzzWords = []string{
	"查询", "进度", "取消", " 取消。 ", "帮助", "HELP", "人工", "报修", "新报修", "继续", "投诉", "投诉：太慢了", "投诉 工程师态度差",
	"确认", "确认提交", "修改", "是", "否", "好的", "无", "没有", "1", "2", "3", "4", "5", "6", "３", "致命", "一般", "建议",
	"单位", "联系人", "电话", "房间号", "问题描述", "严重程度", "13812345678", "0459-1234567", "(0459)1234567转801", "12345",
	"打印机坏了", "系统登录不了", "公积金中心", "张三", "301", "", "  ", "嗯嗯", "还有一个问题", "我想查询一下", "取消。取消",
}

// fuzzAnswers are good answers to each question.
var fuzzAnswers = map[State][]string{
	StateIdle:      {"打印机坏了", "系统登录不了"},
	StateDescribe:  {"网络断了"},
	StateSeverity:  {"1", "２", "普通", "功能建议"},
	StateProfile:   {"是", "否"},
	StateUnit:      {"公积金中心"},
	StateName:      {"张三"},
	StatePhone:     {"13812345678", "0459-1234567转801"},
	StateRoom:      {"301", "无"},
	StateSummary:   {"确认", "确认", "修改", "3"},
	StateEdit:      {"1", "电话", "问题描述", "严重程度", "房间号"},
	StateComplaint: {"太慢了"},
}

var fuzzProfiles = []Profile{{}, zhang, {Unit: "公积金中心", Name: "张三", Phone: "138 1234 5678"},
	{Unit: strings.Repeat("长", maxShortField+1), Name: "张三", Phone: "13812345678"}, {Unit: "中心", Name: "李四", Phone: "0459-1234567", Room: RoomNone}}

var fuzzMenuIDs = []string{"sev1", "sev2", "sev3", "sev4", "sev5", "sev9", "yes", "no", "confirm", "edit", "cancel",
	"edit_unit", "edit_name", "edit_phone", "edit_room", "edit_description", "edit_severity", "bogus", ""}

var fuzzStates = []State{StateIdle, StateDescribe, StateSeverity, StateProfile, StateUnit, StateName, StatePhone,
	StateRoom, StateSummary, StateEdit, StateComplaint, "bogus"}

type fuzzInput struct{ b []byte }

func (in *fuzzInput) empty() bool { return len(in.b) == 0 }

func (in *fuzzInput) next() byte {
	if len(in.b) == 0 {
		return 0
	}
	c := in.b[0]
	in.b = in.b[1:]
	return c
}

func (in *fuzzInput) take(n int) string {
	n = min(n, len(in.b))
	s := string(in.b[:n])
	in.b = in.b[n:]
	return s
}

// event reads the next event, or a change the bot (or a corrupted record)
// makes to the session between messages.
func (in *fuzzInput) event(s Session) (Event, func(*Session)) {
	op := in.next()
	arg := int(in.next())
	switch op % 20 {
	case 16, 17, 18, 19:
		// A customer who answers as asked, so dialogues get deep.
		answers := fuzzAnswers[s.State]
		if len(answers) == 0 {
			return text(fuzzWords[arg%len(fuzzWords)]), nil
		}
		return text(answers[arg%len(answers)]), nil
	case 0, 1, 2, 3, 4, 5:
		return text(fuzzWords[arg%len(fuzzWords)]), nil
	case 6:
		return text(in.take(arg % 24)), nil
	case 7:
		counts := []int{maxShortField + 1, maxDescription - 5, maxDescription + 7}
		return text(fuzzWords[arg%len(fuzzWords)] + strings.Repeat("字", counts[arg%len(counts)])), nil
	case 8:
		return menu(fuzzMenuIDs[arg%len(fuzzMenuIDs)]), nil
	case 9:
		return click([]string{ClickReport, ClickProgress, ClickComplaint, "OTHER"}[arg%4]), nil
	case 10:
		return image(in.take(arg % 8)), nil
	case 11:
		return voice(in.take(arg % 8)), nil
	case 12:
		return kind([]EventKind{EventSubscribe, EventUnsubscribe, "location"}[arg%3]), nil
	case 13:
		return Event{}, func(s *Session) { s.ActiveTicket = 0 } // the ticket was closed
	case 15:
		return Event{}, func(s *Session) { s.Profile = fuzzProfiles[arg%len(fuzzProfiles)] } // the bot refreshed it
	case 14:
		return Event{}, func(s *Session) { s.State = fuzzStates[arg%len(fuzzStates)] }
	}
	return Event{}, func(s *Session) {
		s.Editing = []string{"", fieldUnit, fieldPhone, fieldDescription, fieldSeverity, "x"}[arg%6]
	}
}

func mustJSON(t *testing.T, s Session) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

func checkSession(t *testing.T, s Session) {
	t.Helper()
	var back Session
	if err := json.Unmarshal([]byte(mustJSON(t, s)), &back); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Fatalf("JSON round trip (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(s, repair(s.clone())); diff != "" {
		t.Fatalf("inconsistent session (-got +repaired):\n%s", diff)
	}
	for _, d := range []*Draft{s.Draft, s.Saved} {
		if d == nil {
			continue
		}
		if n := utf8.RuneCountInString(d.Description); n > maxDescription {
			t.Fatalf("description has %d runes", n)
		}
		for _, v := range []string{d.Unit, d.Name, d.Room} {
			if utf8.RuneCountInString(v) > maxShortField {
				t.Fatalf("field too long: %q", v)
			}
		}
		if p, ok := NormalisePhone(d.Phone); d.Phone != "" && (!ok || p != d.Phone) {
			t.Fatalf("phone not normalised: %q", d.Phone)
		}
	}
}

func checkReplies(t *testing.T, replies []Reply) {
	t.Helper()
	for _, r := range replies {
		if r.Text == "" || len(r.Text) > 2048 {
			t.Fatalf("reply of %d bytes: %q", len(r.Text), r.Text)
		}
		if r.Menu == nil {
			continue
		}
		for _, it := range r.Menu.Items {
			if !strings.Contains(r.Text, it.Content) {
				t.Fatalf("option %q missing from the text:\n%s", it.Content, r.Text)
			}
		}
	}
}

func checkIntents(t *testing.T, s Session, intents []Intent) {
	t.Helper()
	for _, i := range intents {
		if i.Draft != nil && (i.Draft == s.Draft || i.Draft == s.Saved) {
			t.Fatalf("intent %s shares its draft with the session", i.Kind)
		}
	}
}

// tracker holds the free texts the customer sent that live in a draft's
// description, and so must stay in the session until they reach the bot.
type tracker struct{ kept []string }

// checkText classifies one text message. It is consumed, and not tracked,
// when it is
//
//   - empty after trimming spaces (nothing was said);
//   - a command: the whole message, as norm folds it, is a keyword;
//   - a complaint: its body after 投诉 must be the Text of a complaint
//     intent (or, when empty, the session now asks for it);
//   - the answer to the question pending (the session's state, idle once
//     it expired), which must then show in the draft: a severity, 是/否, a
//     summary or edit choice, a unit, name or room that fits, a phone that
//     normalises; in the complaint state or with a ticket open when idle,
//     an intent must carry the text.
//
// Everything else is free text and is tracked (checkKept).
func (tr *tracker) checkText(t *testing.T, pre Session, raw string, now time.Time, post Session, intents []Intent) {
	t.Helper()
	x := strings.TrimSpace(strings.ToValidUTF8(raw, "\uFFFD"))
	if x == "" {
		return
	}
	if _, ok := commands[norm(x)]; ok {
		return
	}
	if body, ok := complaintBody(x); ok {
		if body == "" && post.State != StateComplaint || body != "" && !hasIntent(intents, IntentComplaint, body) {
			t.Fatalf("complaint %q: state %q, intents %+v", x, post.State, intents)
		}
		return
	}
	eff := repair(pre.clone())
	if eff.Expired(now) {
		eff = Session{ActiveTicket: eff.ActiveTicket}
	}
	if answered(t, eff, x, post, intents) {
		return
	}
	tr.kept = append(tr.kept, x)
}

// answered reports whether x answered the pending question, and checks the
// answer took effect.
func answered(t *testing.T, eff Session, x string, post Session, intents []Intent) bool {
	t.Helper()
	mustBe := func(got, want string) bool {
		if got != want {
			t.Fatalf("answer %q in %q: field is %q, want %q", x, eff.State, got, want)
		}
		return true
	}
	short := utf8.RuneCountInString(x) <= maxShortField
	switch eff.State {
	case StateIdle:
		if eff.ActiveTicket != 0 && !hasIntent(intents, IntentAppend, x) {
			t.Fatalf("text %q not appended to ticket %d: %+v", x, eff.ActiveTicket, intents)
		}
		return eff.ActiveTicket != 0
	case StateComplaint:
		if !hasIntent(intents, IntentComplaint, x) {
			t.Fatalf("complaint text %q not in intents %+v", x, intents)
		}
		return true
	case StateSeverity:
		n, ok := parseSeverity(x)
		if ok && post.Draft.Severity != n {
			t.Fatalf("severity %q: draft has %d", x, post.Draft.Severity)
		}
		return ok
	case StateProfile:
		_, ok := parseYesNo(x)
		return ok
	case StateSummary:
		return summaryAnswers[compact(x)] != ""
	case StateEdit:
		_, ok := fieldAnswers[compact(x)]
		return ok
	case StateUnit:
		return short && mustBe(post.Draft.Unit, x)
	case StateName:
		return short && mustBe(post.Draft.Name, x)
	case StateRoom:
		if roomNoneWords[compact(x)] {
			return mustBe(post.Draft.Room, RoomNone)
		}
		return short && mustBe(post.Draft.Room, x)
	case StatePhone:
		p, ok := NormalisePhone(x)
		return ok && mustBe(post.Draft.Phone, p)
	}
	return false
}

func hasIntent(intents []Intent, k IntentKind, text string) bool {
	for _, i := range intents {
		if i.Kind == k && i.Text == text {
			return true
		}
	}
	return false
}

// checkKept checks every tracked text is still in the session's drafts, or
// was handed to the bot this step (then it is no longer tracked). A text too
// long for the description is split: the head stays in it, the rest goes out
// as IntentOverflowText.
func (tr *tracker) checkKept(t *testing.T, s Session, intents []Intent) {
	t.Helper()
	var out, overflow []string
	for _, i := range intents {
		out = append(out, i.Text)
		if i.Draft != nil {
			out = append(out, i.Draft.Description)
		}
		if i.Kind == IntentOverflowText {
			overflow = append(overflow, i.Text)
		}
	}
	var here []string
	for _, d := range []*Draft{s.Draft, s.Saved} {
		if d != nil {
			here = append(here, d.Description)
		}
	}
	kept := tr.kept[:0]
	for _, k := range tr.kept {
		switch {
		case containedIn(out, k):
		case containedIn(here, k):
			kept = append(kept, k)
		default:
			head, ok := splitKept(k, here, overflow)
			if !ok {
				t.Fatalf("customer's text lost: %q\nsession: %s\nintents: %+v", k, mustJSON(t, s), intents)
			}
			kept = append(kept, head)
		}
	}
	tr.kept = kept
}

func containedIn(texts []string, k string) bool {
	for _, s := range texts {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

// splitKept finds k cut in two: its head in a description, its tail in an
// overflow intent. It returns the head, which stays tracked.
func splitKept(k string, here, overflow []string) (string, bool) {
	for _, o := range overflow {
		if head, ok := strings.CutSuffix(k, o); ok && head != "" && containedIn(here, head) {
			return head, true
		}
	}
	return "", false
}
