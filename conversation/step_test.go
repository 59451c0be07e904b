package conversation

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// stepCase is one transition: a session, an event some time after the
// session's last message, and what must come of it.
type stepCase struct {
	name    string
	s       Session
	ev      Event
	after   time.Duration // since t0; a minute when zero
	want    State
	replies []string // phrases the replies must contain
	silent  bool     // no replies at all
	intents []Intent
	check   func(t *testing.T, s Session)
}

func runCases(t *testing.T, cases []stepCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			after := c.after
			if after == 0 {
				after = time.Minute
			}
			got, replies, intents := Step(c.s, c.ev, t0.Add(after))
			if got.State != c.want {
				t.Errorf("state = %q, want %q", got.State, c.want)
			}
			if c.silent && len(replies) > 0 {
				t.Errorf("want no reply, got:\n%s", replyText(replies))
			}
			if !c.silent && len(replies) == 0 {
				t.Errorf("want a reply, got none")
			}
			wantReplies(t, replies, c.replies...)
			if diff := cmp.Diff(c.intents, intents); diff != "" {
				t.Errorf("intents (-want +got):\n%s", diff)
			}
			if !got.UpdatedAt.Equal(t0.Add(after)) {
				t.Errorf("UpdatedAt = %v, want %v", got.UpdatedAt, t0.Add(after))
			}
			if c.check != nil {
				c.check(t, got)
			}
		})
	}
}

// wantDraft checks the session's draft.
func wantDraft(want *Draft) func(*testing.T, Session) {
	return func(t *testing.T, s Session) {
		t.Helper()
		if diff := cmp.Diff(want, s.Draft); diff != "" {
			t.Errorf("draft (-want +got):\n%s", diff)
		}
	}
}

func changed(d *Draft, change func(*Draft)) *Draft {
	change(d)
	return d
}

func TestStepIdle(t *testing.T) {
	ticket := with(Session{UpdatedAt: t0}, func(s *Session) { s.ActiveTicket = 42 })
	runCases(t, []stepCase{
		{name: "text starts a report", s: Session{}, ev: text("  打印机连不上  "), want: StateSeverity,
			replies: []string{"收到，已记下您的问题", "1 致命性问题：系统瘫痪，业务无法进行", "5 功能建议：希望增加或改进的功能", "回复数字 1-5"},
			check:   wantDraft(&Draft{Description: "打印机连不上", StartedAt: t0.Add(time.Minute)})},
		{name: "spaces only", s: Session{}, ev: text(" 　 "), want: StateIdle, replies: []string{"请直接描述您遇到的问题"}},
		{name: "text with a ticket open goes to it", s: ticket, ev: text("还是不行"), want: StateIdle,
			replies: []string{"已转达给处理您工单 #42 的工程师"}, intents: []Intent{{Kind: IntentAppend, Text: "还是不行"}}},
		{name: "image with a ticket open goes to it", s: ticket, ev: image("m1"), want: StateIdle,
			replies: []string{"#42"}, intents: []Intent{{Kind: IntentAppend, Attachment: att(AttachmentImage, "m1")}}},
		{name: "image starts a report", s: Session{}, ev: image("m1"), want: StateDescribe,
			replies: []string{"已收到图片", "请简单描述您遇到的问题"},
			check:   wantDraft(&Draft{Attachments: []Attachment{{Kind: AttachmentImage, MediaID: "m1"}}, StartedAt: t0.Add(time.Minute)})},
		{name: "voice starts a report", s: Session{}, ev: voice("v1"), want: StateDescribe, replies: []string{"已收到语音"}},
		{name: "subscribe", s: Session{}, ev: kind(EventSubscribe), want: StateIdle,
			replies: []string{"直接把问题发给我们就能报修", "菜单「报修」"}},
		{name: "unsubscribe", s: Session{}, ev: kind(EventUnsubscribe), want: StateIdle, silent: true,
			intents: []Intent{{Kind: IntentUnsubscribed}}},
		{name: "report button", s: Session{}, ev: click(ClickReport), want: StateDescribe, replies: []string{"请简单描述您遇到的问题"}},
		{name: "report button with a ticket open", s: ticket, ev: click(ClickReport), want: StateDescribe, replies: []string{"请简单描述"}},
		{name: "progress button", s: Session{}, ev: click(ClickProgress), want: StateIdle, silent: true,
			intents: []Intent{{Kind: IntentListTickets}}},
		{name: "complaint button", s: Session{}, ev: click(ClickComplaint), want: StateComplaint, replies: []string{"投诉的内容"}},
		{name: "other button", s: Session{}, ev: click("V1001_OTHER"), want: StateIdle, silent: true},
		{name: "stale option", s: Session{}, ev: menu("confirm"), want: StateIdle, replies: []string{"这个选项已失效"}},
		{name: "unknown event kind", s: Session{}, ev: kind("shake"), want: StateIdle, silent: true},
		// Nothing a customer sends is dropped: a video, a location, a link or
		// a file is kept like an image.
		{name: "video with a ticket open goes to it", s: ticket, ev: Event{Kind: EventVideo, MediaID: "v9"}, want: StateIdle,
			replies: []string{"#42"}, intents: []Intent{{Kind: IntentAppend, Attachment: att(AttachmentVideo, "v9")}}},
		{name: "location starts a report", s: Session{}, ev: Event{Kind: EventLocation, Text: "大庆市萨尔图区（46.58, 125.10）"}, want: StateDescribe,
			replies: []string{"已收到位置", "请简单描述您遇到的问题"},
			check:   wantDraft(&Draft{Attachments: []Attachment{{Kind: AttachmentLocation, Text: "大庆市萨尔图区（46.58, 125.10）"}}, StartedAt: t0.Add(time.Minute)})},
		{name: "link with a ticket open goes to it", s: ticket, ev: Event{Kind: EventLink, Text: "日志 https://example.com/a"}, want: StateIdle,
			replies: []string{"#42"}, intents: []Intent{{Kind: IntentAppend, Attachment: &Attachment{Kind: AttachmentLink, Text: "日志 https://example.com/a"}}}},
		{name: "file starts a report", s: Session{}, ev: Event{Kind: EventFile, Text: "error.log"}, want: StateDescribe, replies: []string{"已收到文件"}},
	})
}

func TestStepDescribe(t *testing.T) {
	editing := with(in(StateSummary), func(s *Session) { s.State, s.Editing = StateDescribe, fieldDescription })
	runCases(t, []stepCase{
		{name: "description", s: in(StateDescribe), ev: text("系统登录不了"), want: StateSeverity,
			replies: []string{"收到", "严重程度"}, check: wantDraft(&Draft{Description: "系统登录不了", StartedAt: t0})},
		{name: "image before the description", s: in(StateDescribe), ev: image("m1"), want: StateDescribe,
			replies: []string{"已收到图片，将随报修单一起提交", "请简单描述您遇到的问题"}},
		{name: "new description replaces the old", s: editing, ev: text("其实是扫描仪"), want: StateSummary,
			replies: []string{"已更新", "问题描述：其实是扫描仪"}, intents: []Intent{{Kind: IntentOverflowText, Text: "打印机连不上"}},
			check: wantDraft(changed(draftFor(StateSummary), func(d *Draft) { d.Description, d.Overflow = "其实是扫描仪", true }))},
		{name: "new description asked as replacing", s: editing, ev: menu("nothing"), want: StateDescribe,
			replies: []string{"这个选项已失效", "替换原来的描述"}},
	})
}

func TestStepSeverity(t *testing.T) {
	misses := func(n int) Session { return with(in(StateSeverity), func(s *Session) { s.Misses = n }) }
	editing := with(in(StateSummary), func(s *Session) { s.State, s.Editing = StateSeverity, fieldSeverity })
	sev := func(n int) func(*testing.T, Session) {
		return func(t *testing.T, s Session) {
			if s.Draft.Severity != n || s.Draft.SeverityGuessed {
				t.Errorf("severity = %d (guessed %v), want %d", s.Draft.Severity, s.Draft.SeverityGuessed, n)
			}
		}
	}
	cases := []stepCase{}
	for _, a := range []struct {
		in   string
		want int
	}{
		{"1", 1}, {"２", 2}, {"3。", 3}, {" 4 ", 4}, {"5", 5}, {"致命", 1}, {"致命性问题", 1}, {"严重", 2},
		{"普通", 3}, {"一般", 3}, {"小问题", 4}, {"建议", 5}, {"功能建议", 5}, {"2级", 2},
		{"严重问题：系统不能正常运行，多项功能受影响", 2}, {"1 致命性问题", 1},
	} {
		cases = append(cases, stepCase{name: "answer " + a.in, s: in(StateSeverity), ev: text(a.in), want: StateUnit,
			replies: []string{"单位名称"}, check: sev(a.want)})
	}
	cases = append(cases, []stepCase{
		{name: "tap", s: in(StateSeverity), ev: menu("sev4"), want: StateUnit, check: sev(4)},
		{name: "first miss", s: in(StateSeverity), ev: text("不太清楚"), want: StateSeverity,
			replies: []string{"没能识别您选的级别", "已补充到问题描述", "请选择问题的严重程度"},
			check: func(t *testing.T, s Session) {
				if s.Misses != 1 || s.Draft.Description != "打印机连不上\n不太清楚" {
					t.Errorf("misses %d, description %q", s.Misses, s.Draft.Description)
				}
			}},
		{name: "out of range is a miss", s: in(StateSeverity), ev: text("6"), want: StateSeverity, replies: []string{"补充到问题描述"}},
		{name: "third miss assumes normal", s: misses(2), ev: text("很急"), want: StateUnit,
			replies: []string{"先按「普通问题」为您登记", "单位名称"},
			check: func(t *testing.T, s Session) {
				if s.Draft.Severity != 3 || !s.Draft.SeverityGuessed || s.Misses != 0 {
					t.Errorf("draft %+v misses %d", s.Draft, s.Misses)
				}
			}},
		{name: "change", s: editing, ev: text("1"), want: StateSummary, replies: []string{"已更新", "严重程度：1 致命性问题"}, check: sev(1)},
		{name: "third miss while changing keeps the level",
			s: with(editing, func(s *Session) { s.Misses = 2 }), ev: text("随便"), want: StateSummary,
			replies: []string{"严重程度保持不变", "严重程度：2 严重问题"}, check: sev(2)},
		{name: "stale tap", s: in(StateSeverity), ev: menu("yes"), want: StateSeverity,
			replies: []string{"这个选项已失效", "请选择问题的严重程度"}},
	}...)
	runCases(t, cases)
}

func TestStepProfile(t *testing.T) {
	known := func(p Profile) Session {
		return with(in(StateProfile), func(s *Session) { s.Draft = draftFor(StateUnit); s.Profile = p })
	}
	noRoom := zhang
	noRoom.Room = ""
	runCases(t, []stepCase{
		{name: "asked once for a known customer",
			s: with(in(StateSeverity), func(s *Session) { s.Profile = zhang }), ev: text("2"), want: StateProfile,
			replies: []string{"还是公积金中心的张三（138****5678，房间号 301）吗？回复「是」继续，或「否」重新填写"}},
		{name: "yes", s: known(zhang), ev: text("是的"), want: StateSummary, replies: []string{"联系人：张三"},
			check: wantDraft(draftFor(StateSummary))},
		{name: "yes tapped", s: known(zhang), ev: menu("yes"), want: StateSummary},
		{name: "yes without a room on file", s: known(noRoom), ev: text("对"), want: StateRoom, replies: []string{"房间号"}},
		{name: "no", s: known(zhang), ev: text("否"), want: StateUnit, replies: []string{"重新填写", "单位名称"},
			check: wantDraft(draftFor(StateUnit))},
		{name: "something else", s: known(zhang), ev: text("换了办公室"), want: StateProfile,
			replies: []string{"补充到问题描述", "还是公积金中心的张三"}},
	})
}

func TestStepDetails(t *testing.T) {
	long := strings.Repeat("长", 101)
	editingPhone := with(in(StateSummary), func(s *Session) { s.State, s.Editing = StatePhone, fieldPhone })
	runCases(t, []stepCase{
		{name: "unit", s: in(StateUnit), ev: text("公积金中心"), want: StateName, replies: []string{"怎么称呼您"},
			check: wantDraft(draftFor(StateName))},
		{name: "unit too long", s: in(StateUnit), ev: text(long), want: StateUnit, replies: []string{"单位最多 100 个字", "单位名称"},
			check: wantDraft(changed(draftFor(StateUnit), func(d *Draft) { d.Description += "\n" + long }))},
		{name: "name", s: in(StateName), ev: text("张三"), want: StatePhone, replies: []string{"联系电话"},
			check: wantDraft(draftFor(StatePhone))},
		{name: "mobile", s: in(StatePhone), ev: text("138 1234 5678"), want: StateRoom, replies: []string{"房间号", "「无」"},
			check: wantDraft(draftFor(StateRoom))},
		{name: "landline", s: in(StatePhone), ev: text("（0459）1234567"), want: StateRoom,
			check: func(t *testing.T, s Session) {
				if s.Draft.Phone != "0459-1234567" {
					t.Errorf("phone %q", s.Draft.Phone)
				}
			}},
		{name: "bad number", s: in(StatePhone), ev: text("1381234"), want: StatePhone, replies: []string{"格式不对", "0459-1234567"},
			check: wantDraft(changed(draftFor(StatePhone), func(d *Draft) { d.Description += "\n1381234" }))},
		{name: "no number at all", s: in(StatePhone), ev: text("稍等我查一下"), want: StatePhone,
			replies: []string{"已把您发的内容补充到问题描述", "联系电话"}},
		{name: "room", s: in(StateRoom), ev: text("301"), want: StateSummary, replies: []string{"请核对报修信息", "房间号：301"},
			check: wantDraft(draftFor(StateSummary))},
		{name: "no room", s: in(StateRoom), ev: text("没有。"), want: StateSummary, replies: []string{"房间号：无"}},
		{name: "phone changed", s: editingPhone, ev: text("0459-7654321"), want: StateSummary,
			replies: []string{"已更新", "电话：0459-7654321"},
			check: func(t *testing.T, s Session) {
				if s.Editing != "" {
					t.Errorf("still editing %q", s.Editing)
				}
			}},
	})
}

func TestStepSummary(t *testing.T) {
	full := draftFor(StateSummary)
	opened := Profile{Unit: full.Unit, Name: full.Name, Phone: full.Phone, Room: full.Room}
	isOpened := func(t *testing.T, s Session) {
		if s.Draft != nil || s.Profile != opened {
			t.Errorf("draft %+v, profile %+v", s.Draft, s.Profile)
		}
	}
	runCases(t, []stepCase{
		{name: "confirm", s: in(StateSummary), ev: text("确认"), want: StateIdle, silent: true,
			intents: []Intent{{Kind: IntentOpenTicket, Draft: full}}, check: isOpened},
		{name: "confirm by number", s: in(StateSummary), ev: text("1"), want: StateIdle, silent: true,
			intents: []Intent{{Kind: IntentOpenTicket, Draft: full}}},
		{name: "confirm tapped", s: in(StateSummary), ev: menu("confirm"), want: StateIdle, silent: true,
			intents: []Intent{{Kind: IntentOpenTicket, Draft: full}}},
		{name: "edit", s: in(StateSummary), ev: text("修改"), want: StateEdit,
			replies: []string{"要修改哪一项", "1 单位", "3 电话", "6 严重程度"}},
		{name: "edit tapped", s: in(StateSummary), ev: menu("edit"), want: StateEdit},
		{name: "cancel by number", s: in(StateSummary), ev: text("3"), want: StateIdle, replies: []string{"已取消本次报修"},
			intents: []Intent{{Kind: IntentDraftCancelled, Draft: full}}},
		{name: "cancel tapped", s: in(StateSummary), ev: menu("cancel"), want: StateIdle,
			intents: []Intent{{Kind: IntentDraftCancelled, Draft: full}}},
		{name: "more description", s: in(StateSummary), ev: text("另外扫描仪也坏了"), want: StateSummary,
			replies: []string{"补充到问题描述", "问题描述：打印机连不上\n另外扫描仪也坏了"}},
		{name: "summary shows attachments and a guessed level",
			s: with(in(StateRoom), func(s *Session) {
				s.Draft.SeverityGuessed = true
				s.Draft.Attachments = []Attachment{{Kind: AttachmentImage, MediaID: "a"}, {Kind: AttachmentImage, MediaID: "b"}, {Kind: AttachmentVoice, MediaID: "c"}}
			}),
			ev: text("301"), want: StateSummary, replies: []string{"严重程度：2 严重问题（暂定）", "附件：图片 2 张，语音 1 条", "1 确认提交\n2 修改\n3 取消"}},
	})
}

func TestStepEdit(t *testing.T) {
	editing := func(key string) func(*testing.T, Session) {
		return func(t *testing.T, s Session) {
			if s.Editing != key {
				t.Errorf("editing %q, want %q", s.Editing, key)
			}
		}
	}
	runCases(t, []stepCase{
		{name: "unit", s: in(StateEdit), ev: text("单位"), want: StateUnit, replies: []string{"单位名称"}, check: editing(fieldUnit)},
		{name: "phone by name", s: in(StateEdit), ev: text("手机号"), want: StatePhone, check: editing(fieldPhone)},
		{name: "room by number", s: in(StateEdit), ev: text("4"), want: StateRoom, check: editing(fieldRoom)},
		{name: "description", s: in(StateEdit), ev: text("5"), want: StateDescribe, replies: []string{"替换原来的描述"}, check: editing(fieldDescription)},
		{name: "severity tapped", s: in(StateEdit), ev: menu("edit_severity"), want: StateSeverity, check: editing(fieldSeverity)},
		{name: "something else", s: in(StateEdit), ev: text("都不对"), want: StateEdit, replies: []string{"补充到问题描述", "要修改哪一项"}},
	})
}

func TestStepComplaint(t *testing.T) {
	withDraft := with(in(StateUnit), func(s *Session) { s.State = StateComplaint })
	runCases(t, []stepCase{
		{name: "text", s: in(StateComplaint), ev: text("工程师一直不回电话"), want: StateIdle, replies: []string{"投诉已收到"},
			intents: []Intent{{Kind: IntentComplaint, Text: "工程师一直不回电话"}}},
		{name: "back to the draft", s: withDraft, ev: text("太慢了"), want: StateUnit,
			replies: []string{"投诉已收到", "您的报修还没提交，请继续", "单位名称"},
			intents: []Intent{{Kind: IntentComplaint, Text: "太慢了"}}},
		{name: "image", s: in(StateComplaint), ev: image("m1"), want: StateComplaint, replies: []string{"用文字说明"},
			intents: []Intent{{Kind: IntentComplaint, Attachment: att(AttachmentImage, "m1")}}},
		{name: "cancel", s: in(StateComplaint), ev: text("取消"), want: StateIdle, replies: []string{"已取消投诉"}},
		{name: "cancel back to the draft", s: withDraft, ev: text("取消"), want: StateUnit, replies: []string{"已取消投诉", "单位名称"},
			check: wantDraft(draftFor(StateUnit))},
	})
}

func TestStepCommands(t *testing.T) {
	saved := with(Session{UpdatedAt: t0}, func(s *Session) { s.Saved = draftFor(StateUnit) })
	other := &Draft{Description: "扫描仪坏了", StartedAt: t0}
	runCases(t, []stepCase{
		{name: "progress while reporting", s: in(StateSeverity), ev: text("查询"), want: StateSeverity, silent: true,
			intents: []Intent{{Kind: IntentListTickets}}},
		{name: "progress", s: Session{}, ev: text("进度！"), want: StateIdle, silent: true, intents: []Intent{{Kind: IntentListTickets}}},
		{name: "cancel with punctuation", s: in(StateUnit), ev: text(" 取消。 "), want: StateIdle, replies: []string{"已取消本次报修"},
			intents: []Intent{{Kind: IntentDraftCancelled, Draft: draftFor(StateUnit)}}, check: wantDraft(nil)},
		{name: "cancel an empty report", s: in(StateDescribe), ev: text("取消"), want: StateIdle, replies: []string{"已取消本次报修"}},
		{name: "cancel nothing", s: Session{}, ev: text("取消"), want: StateIdle, replies: []string{"目前没有正在填写的报修"}},
		{name: "cancel the report set aside", s: saved, ev: text("取消"), want: StateIdle, replies: []string{"已取消之前未提交的报修"},
			intents: []Intent{{Kind: IntentDraftCancelled, Draft: draftFor(StateUnit)}},
			check: func(t *testing.T, s Session) {
				if s.Saved != nil {
					t.Errorf("saved %+v", s.Saved)
				}
			}},
		{name: "help in any case", s: in(StatePhone), ev: text("HELP"), want: StatePhone,
			replies: []string{"「查询」", "「投诉」", "「人工」", "「取消」", "您的报修还没提交，请继续", "联系电话"}},
		{name: "help full width", s: Session{}, ev: text("ＨＥＬＰ"), want: StateIdle, replies: []string{"「查询」"}},
		{name: "callback", s: Session{}, ev: text("人工"), want: StateIdle, replies: []string{"人工回电"},
			intents: []Intent{{Kind: IntentCallback}}},
		{name: "complaint with text", s: in(StateName), ev: text("投诉：系统太慢了！"), want: StateName,
			replies: []string{"投诉已收到", "怎么称呼您"}, intents: []Intent{{Kind: IntentComplaint, Text: "系统太慢了！"}}},
		{name: "complaint alone asks", s: Session{}, ev: text("投诉"), want: StateComplaint, replies: []string{"投诉的内容"}},
		{name: "new report with a ticket open", s: Session{ActiveTicket: 7, UpdatedAt: t0}, ev: text("报修"), want: StateDescribe,
			replies: []string{"请简单描述"}},
		{name: "new report keeps the one in progress", s: in(StateUnit), ev: text("新报修"), want: StateDescribe,
			replies: []string{"刚才未提交的报修已保存", "请简单描述"},
			check: func(t *testing.T, s Session) {
				if diff := cmp.Diff(draftFor(StateUnit), s.Saved); diff != "" {
					t.Errorf("saved (-want +got):\n%s", diff)
				}
			}},
		{name: "new report over one set aside", s: with(in(StateSeverity), func(s *Session) { s.Saved = other }),
			ev: text("报修"), want: StateDescribe, intents: []Intent{{Kind: IntentDraftCancelled, Draft: other}}},
		{name: "continue", s: saved, ev: text("继续"), want: StateUnit, replies: []string{"接着填写刚才的报修", "单位名称"},
			check: func(t *testing.T, s Session) {
				if s.Saved != nil || s.Draft == nil {
					t.Errorf("saved %+v draft %+v", s.Saved, s.Draft)
				}
			}},
		{name: "continue switches drafts", s: with(saved, func(s *Session) { s.State, s.Draft = StateSeverity, other }),
			ev: text("继续"), want: StateUnit, replies: []string{"回复「继续」可切换回来"},
			check: func(t *testing.T, s Session) {
				if diff := cmp.Diff(other, s.Saved); diff != "" {
					t.Errorf("saved (-want +got):\n%s", diff)
				}
			}},
		{name: "continue starts the other draft's question afresh",
			s: with(saved, func(s *Session) {
				s.State, s.Draft, s.Misses = StateSeverity, other, 2
				s.Saved = draftFor(StateSeverity)
			}),
			ev: text("继续"), want: StateSeverity,
			check: func(t *testing.T, s Session) {
				if s.Misses != 0 {
					t.Errorf("misses %d", s.Misses)
				}
			}},
		{name: "continue with nothing set aside", s: in(StateName), ev: text("继续"), want: StateName, replies: []string{"好的，请继续", "怎么称呼您"}},
		{name: "continue with nothing at all", s: Session{}, ev: text("继续"), want: StateIdle, replies: []string{"目前没有未提交的报修"}},
		{name: "command inside a sentence is text", s: Session{}, ev: text("我想查询一下"), want: StateSeverity,
			check: wantDraft(&Draft{Description: "我想查询一下", StartedAt: t0.Add(time.Minute)})},
	})
}

func TestStepExpiry(t *testing.T) {
	saved := draftFor(StateSeverity)
	isSaved := func(t *testing.T, s Session) {
		t.Helper()
		if diff := cmp.Diff(saved, s.Saved); diff != "" {
			t.Errorf("saved (-want +got):\n%s", diff)
		}
	}
	runCases(t, []stepCase{
		{name: "just before", s: in(StateSeverity), ev: text("2"), after: IdleTimeout - time.Second, want: StateUnit},
		{name: "new problem after a pause", s: in(StateSeverity), ev: text("打不开网页"), after: IdleTimeout, want: StateSeverity,
			replies: []string{"您之前有一份报修还没提交，已为您保存，回复「继续」可接着填写", "收到，已记下您的问题"},
			check: func(t *testing.T, s Session) {
				isSaved(t, s)
				if s.Draft.Description != "打不开网页" {
					t.Errorf("draft %+v", s.Draft)
				}
			}},
		{name: "answer after a pause is read fresh", s: in(StateSeverity), ev: text("2"), after: time.Hour, want: StateSeverity,
			replies: []string{"已为您保存"}, check: isSaved},
		{name: "continue after a pause", s: in(StateSeverity), ev: text("继续"), after: time.Hour, want: StateSeverity,
			replies: []string{"接着填写刚才的报修", "请选择问题的严重程度"},
			check: func(t *testing.T, s Session) {
				if diff := cmp.Diff(saved, s.Draft); diff != "" || s.Saved != nil {
					t.Errorf("draft (-want +got):\n%s saved %+v", diff, s.Saved)
				}
			}},
		{name: "command after a pause", s: in(StateSeverity), ev: text("查询"), after: time.Hour, want: StateIdle,
			replies: []string{"您之前的报修还没提交，回复「继续」接着填写，或直接描述新问题"},
			intents: []Intent{{Kind: IntentListTickets}}, check: isSaved},
		{name: "cancel after a pause drops the saved one", s: in(StateSeverity), ev: text("取消"), after: time.Hour, want: StateIdle,
			replies: []string{"已取消之前未提交的报修"}, intents: []Intent{{Kind: IntentDraftCancelled, Draft: saved}}},
		{name: "pause over one already set aside", s: with(in(StateUnit), func(s *Session) { s.Saved = saved }),
			ev: text("查询"), after: time.Hour, want: StateIdle,
			intents: []Intent{{Kind: IntentDraftCancelled, Draft: saved}, {Kind: IntentListTickets}}},
		{name: "empty report is forgotten", s: in(StateDescribe), ev: text("网络断了"), after: time.Hour, want: StateSeverity,
			check: func(t *testing.T, s Session) {
				if s.Saved != nil {
					t.Errorf("saved %+v", s.Saved)
				}
			}},
		{name: "complaint after a pause is a report", s: in(StateComplaint), ev: text("网络断了"), after: time.Hour, want: StateSeverity},
		{name: "text to the open ticket after a pause", s: with(in(StateSeverity), func(s *Session) { s.ActiveTicket = 9 }),
			ev: text("好了吗"), after: time.Hour, want: StateIdle, replies: []string{"回复「继续」", "#9"},
			intents: []Intent{{Kind: IntentAppend, Text: "好了吗"}}, check: isSaved},
		{name: "subscribe after a pause only welcomes", s: in(StateSeverity), ev: kind(EventSubscribe), after: time.Hour,
			want: StateIdle, replies: []string{"欢迎关注"}},
	})
}

func TestStepLimits(t *testing.T) {
	huge := strings.Repeat("字", maxDescription+100)
	nearlyFull := with(in(StateSeverity), func(s *Session) { s.Draft.Description = strings.Repeat("满", maxDescription-10) })
	runCases(t, []stepCase{
		{name: "first text too long", s: Session{}, ev: text(huge), want: StateSeverity, replies: []string{"4000 字上限"},
			intents: []Intent{{Kind: IntentOverflowText, Text: strings.Repeat("字", 100)}},
			check: func(t *testing.T, s Session) {
				if s.Draft.Description != strings.Repeat("字", maxDescription) {
					t.Errorf("description has %d runes", len([]rune(s.Draft.Description)))
				}
			}},
		{name: "addition does not fit", s: nearlyFull, ev: text("补充说明一下这个问题"), want: StateSeverity,
			intents: []Intent{{Kind: IntentOverflowText, Text: "补充说明一下这个问题"}}},
		{name: "addition just fits", s: nearlyFull, ev: text("补充说明一下问题"), want: StateSeverity},
	})
}

// The longest summary still fits one WeChat text message (2048 bytes).
func TestSummaryFitsOneMessage(t *testing.T) {
	long := strings.Repeat("长", maxShortField)
	s := with(in(StateRoom), func(s *Session) {
		d := s.Draft
		d.Description = strings.Repeat("述", maxDescription)
		d.Unit, d.Name, d.Phone, d.SeverityGuessed = long, long, "0459-12345678-123456", true
		for range 999 {
			d.Attachments = append(d.Attachments, Attachment{Kind: AttachmentImage, MediaID: "m"}, Attachment{Kind: AttachmentVoice, MediaID: "v"})
		}
	})
	_, replies, _ := Step(s, text(long), t0)
	_, more, _ := Step(with(s, func(s *Session) { s.State, s.Draft.Room = StateSummary, long }), text("再补充一句"), t0)
	for _, r := range append(replies, more...) {
		if len(r.Text) > 2048 {
			t.Errorf("summary of %d bytes:\n%s", len(r.Text), r.Text)
		}
	}
	wantReplies(t, replies, "…（共 4000 字）", "附件：图片 999 张，语音 999 条")
}

// A profile the bot filled with something a draft could not hold is not
// offered for confirmation; the details are asked afresh.
func TestStepProfileNotOffered(t *testing.T) {
	for name, p := range map[string]Profile{
		"no phone":       {Unit: "公积金中心", Name: "张三"},
		"phone not ours": {Unit: "公积金中心", Name: "张三", Phone: "138-1234-5678"},
		"unit too long":  {Unit: strings.Repeat("长", maxShortField+1), Name: "张三", Phone: "13812345678"},
	} {
		t.Run(name, func(t *testing.T) {
			got, _, _ := Step(with(in(StateSeverity), func(s *Session) { s.Profile = p }), text("2"), t0)
			if got.State != StateUnit {
				t.Errorf("state %q, want %q", got.State, StateUnit)
			}
		})
	}
}

func TestStepRepair(t *testing.T) {
	runCases(t, []stepCase{
		{name: "question without a draft", s: Session{State: StateSeverity, UpdatedAt: t0}, ev: text("网络断了"), want: StateSeverity,
			replies: []string{"收到，已记下您的问题"}},
		{name: "unknown state", s: Session{State: "bogus", UpdatedAt: t0}, ev: text("帮助"), want: StateIdle, replies: []string{"「查询」"}},
		{name: "summary of an unfinished draft", s: with(in(StatePhone), func(s *Session) { s.State = StateSummary }),
			ev: text("确认"), want: StatePhone, replies: []string{"补充到问题描述", "联系电话"}},
		{name: "idle with a draft", s: with(in(StateUnit), func(s *Session) { s.State = StateIdle }), ev: text("公积金中心"), want: StateName},
		{name: "editing a field not asked", s: with(in(StateUnit), func(s *Session) { s.Editing = fieldPhone }),
			ev: text("公积金中心"), want: StateName},
	})
}

func TestStepLeavesInputAlone(t *testing.T) {
	s := with(in(StateSeverity), func(s *Session) { s.Saved = draftFor(StateUnit) })
	before, _ := json.Marshal(s)
	for _, ev := range []Event{text("2"), text("新报修"), text("继续"), image("m"), text("取消")} {
		Step(s, ev, t0.Add(time.Hour))
		Step(s, ev, t0.Add(time.Minute))
	}
	after, _ := json.Marshal(s)
	if string(before) != string(after) {
		t.Errorf("session changed:\n%s\n%s", before, after)
	}
}

func TestSessionJSON(t *testing.T) {
	b, err := json.Marshal(Session{})
	if err != nil || string(b) != "{}" {
		t.Errorf("empty session = %s, %v", b, err)
	}
	s := with(in(StateSummary), func(s *Session) { s.Profile = zhang; s.ActiveTicket = 3 })
	b, _ = json.Marshal(s)
	var back Session
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestExpired(t *testing.T) {
	s := Session{UpdatedAt: t0}
	for _, c := range []struct {
		after time.Duration
		want  bool
	}{{0, false}, {IdleTimeout - time.Nanosecond, false}, {IdleTimeout, true}, {-time.Hour, false}} {
		if got := s.Expired(t0.Add(c.after)); got != c.want {
			t.Errorf("Expired after %v = %v, want %v", c.after, got, c.want)
		}
	}
	if (Session{}).Expired(t0) {
		t.Error("a new session is expired")
	}
}
