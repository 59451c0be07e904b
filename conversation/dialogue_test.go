package conversation

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// line is one exchange of a dialogue: what the customer does, and what
// they must read back.
type line struct {
	ev      Event
	reads   []string
	state   State
	intents []IntentKind
}

// talk plays a dialogue a minute a message and returns the session and the
// intents of the last line.
func talk(t *testing.T, s Session, now time.Time, lines []line) (Session, []Intent) {
	t.Helper()
	var intents []Intent
	for i, l := range lines {
		var replies []Reply
		s, replies, intents = Step(s, l.ev, now)
		now = now.Add(time.Minute)
		if s.State != l.state {
			t.Fatalf("line %d (%+v): state %q, want %q; replies:\n%s", i, l.ev, s.State, l.state, replyText(replies))
		}
		wantReplies(t, replies, l.reads...)
		var kinds []IntentKind
		for _, in := range intents {
			kinds = append(kinds, in.Kind)
		}
		if diff := cmp.Diff(l.intents, kinds); diff != "" {
			t.Errorf("line %d (%+v): intents (-want +got):\n%s", i, l.ev, diff)
		}
	}
	return s, intents
}

func TestDialogueNewCustomer(t *testing.T) {
	s, intents := talk(t, Session{}, t0, []line{
		{ev: kind(EventSubscribe), reads: []string{"直接把问题发给我们就能报修"}, state: StateIdle},
		{ev: text("社保卡打印功能报错，提示数据库连接失败"), reads: []string{"收到，已记下您的问题", "请选择问题的严重程度"}, state: StateSeverity},
		{ev: image("media-1"), reads: []string{"已收到图片，将随报修单一起提交"}, state: StateSeverity},
		{ev: text("不知道算哪个"), reads: []string{"补充到问题描述", "回复数字 1-5"}, state: StateSeverity},
		{ev: menu("sev2"), reads: []string{"请问您的单位名称是"}, state: StateUnit},
		{ev: text("大庆市住房公积金管理中心"), reads: []string{"怎么称呼您"}, state: StateName},
		{ev: text("王丽"), reads: []string{"联系电话"}, state: StatePhone},
		{ev: text("8123"), reads: []string{"格式不对"}, state: StatePhone},
		{ev: text("０４５９－８１２３４５６"), reads: []string{"房间号"}, state: StateRoom},
		{ev: text("302室"), reads: []string{"请核对报修信息", "电话：0459-8123456", "房间号：302室", "附件：图片 1 张"}, state: StateSummary},
		{ev: text("修改"), reads: []string{"要修改哪一项"}, state: StateEdit},
		{ev: text("房间号"), reads: []string{"房间号"}, state: StateRoom},
		{ev: text("305"), reads: []string{"已更新", "房间号：305"}, state: StateSummary},
		{ev: menu("confirm"), state: StateIdle, intents: []IntentKind{IntentOpenTicket}},
	})
	want := &Draft{
		Description: "社保卡打印功能报错，提示数据库连接失败\n不知道算哪个\n8123",
		Severity:    2,
		Unit:        "大庆市住房公积金管理中心",
		Name:        "王丽",
		Phone:       "0459-8123456",
		Room:        "305",
		Attachments: []Attachment{{Kind: AttachmentImage, MediaID: "media-1"}},
		StartedAt:   t0.Add(time.Minute),
	}
	if diff := cmp.Diff(want, intents[0].Draft); diff != "" {
		t.Errorf("ticket draft (-want +got):\n%s", diff)
	}
	wantProfile := Profile{Unit: "大庆市住房公积金管理中心", Name: "王丽", Phone: "0459-8123456", Room: "305"}
	if s.Profile != wantProfile || s.Draft != nil {
		t.Errorf("after opening: profile %+v, draft %+v", s.Profile, s.Draft)
	}

	// The bot opened ticket 1001; what the customer says next goes to it.
	s.ActiveTicket = 1001
	talk(t, s, t0.Add(time.Hour), []line{
		{ev: text("补充：重启后还是不行"), reads: []string{"已转达给处理您工单 #1001 的工程师"}, state: StateIdle, intents: []IntentKind{IntentAppend}},
		{ev: text("查询"), state: StateIdle, intents: []IntentKind{IntentListTickets}},
		{ev: text("投诉 两小时了还没人联系"), reads: []string{"投诉已收到"}, state: StateIdle, intents: []IntentKind{IntentComplaint}},
	})
}

func TestDialogueReturningCustomer(t *testing.T) {
	s := Session{Profile: zhang, UpdatedAt: t0.Add(-48 * time.Hour)}
	_, intents := talk(t, s, t0, []line{
		{ev: text("网上大厅无法登录"), reads: []string{"请选择问题的严重程度"}, state: StateSeverity},
		{ev: text("1"), reads: []string{"还是公积金中心的张三（138****5678，房间号 301）吗？回复「是」继续，或「否」重新填写"}, state: StateProfile},
		{ev: menu("yes"), reads: []string{"请核对报修信息", "严重程度：1 致命性问题", "电话：13812345678"}, state: StateSummary},
		{ev: text("确认"), state: StateIdle, intents: []IntentKind{IntentOpenTicket}},
	})
	want := &Draft{Description: "网上大厅无法登录", Severity: 1, Unit: zhang.Unit, Name: zhang.Name, Phone: zhang.Phone, Room: zhang.Room, StartedAt: t0}
	if diff := cmp.Diff(want, intents[0].Draft); diff != "" {
		t.Errorf("ticket draft (-want +got):\n%s", diff)
	}
}

func TestDialogueReturningCustomerMoved(t *testing.T) {
	s := Session{Profile: zhang}
	s, _ = talk(t, s, t0, []line{
		{ev: click(ClickReport), reads: []string{"请简单描述您遇到的问题"}, state: StateDescribe},
		{ev: text("新办公室没有网络"), state: StateSeverity},
		{ev: text("普通"), reads: []string{"还是公积金中心的张三"}, state: StateProfile},
		{ev: text("不是"), reads: []string{"重新填写", "单位名称"}, state: StateUnit},
		{ev: text("公积金中心"), state: StateName},
		{ev: text("张三"), state: StatePhone},
		{ev: text("13812345678"), state: StateRoom},
		{ev: text("无"), reads: []string{"房间号：无"}, state: StateSummary},
		{ev: text("好的"), state: StateIdle, intents: []IntentKind{IntentOpenTicket}},
	})
	if s.Profile.Room != RoomNone {
		t.Errorf("profile %+v", s.Profile)
	}
	// Next time the profile is confirmed without mentioning a room.
	talk(t, s, t0.Add(24*time.Hour), []line{
		{ev: text("又断网了"), state: StateSeverity},
		{ev: text("3"), reads: []string{"还是公积金中心的张三（138****5678）吗"}, state: StateProfile},
		{ev: text("是"), reads: []string{"房间号：无"}, state: StateSummary},
	})
}

// A customer who walks away mid-report and comes back with something else
// keeps both: the new report goes on, and 继续 switches to the old one.
func TestDialoguePauseAndResume(t *testing.T) {
	s, _ := talk(t, Session{}, t0, []line{
		{ev: text("打印机卡纸"), state: StateSeverity},
		{ev: text("4"), state: StateUnit},
	})
	s, _ = talk(t, s, t0.Add(3*time.Hour), []line{
		{ev: text("系统登录很慢"), reads: []string{"您之前有一份报修还没提交", "收到，已记下您的问题"}, state: StateSeverity},
		{ev: text("继续"), reads: []string{"刚才这份已保存", "单位名称"}, state: StateUnit},
	})
	if s.Draft.Description != "打印机卡纸" || s.Saved.Description != "系统登录很慢" {
		t.Fatalf("draft %+v saved %+v", s.Draft, s.Saved)
	}
	s, intents := talk(t, s, t0.Add(3*time.Hour+10*time.Minute), []line{
		{ev: text("继续"), reads: []string{"请选择问题的严重程度"}, state: StateSeverity},
		{ev: text("取消"), reads: []string{"已取消本次报修"}, state: StateIdle, intents: []IntentKind{IntentDraftCancelled}},
	})
	if intents[0].Draft.Description != "系统登录很慢" || s.Saved == nil || s.Saved.Description != "打印机卡纸" {
		t.Errorf("cancelled %+v, saved %+v", intents[0].Draft, s.Saved)
	}
}
