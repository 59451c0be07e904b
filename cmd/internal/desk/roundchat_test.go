package desk_test

import (
	"testing"
)

// Quality staff set up a round in Telegram, step by step: period, filters,
// sample, questionnaire, the preview with its counts, confirm; then follow
// it with /round status and close it. Engineers may not.
func TestRoundDialogueInTelegram(t *testing.T) {
	f := newSurveyFixture(t, surveyPolicy)
	qa := f.addStaff("088", "quality")
	eng := f.addStaff("001", "engineer")
	f.roundCustomers()

	f.staffText(eng, "/round")
	f.staffSaw(eng, "/round 仅限质量管理部和经理使用")

	f.staffText(qa, "/round")
	f.staffSaw(qa, "① 回访哪段时间解决的工单")
	f.staffText(qa, "十一月")
	f.staffSaw(qa, "没看懂")
	f.staffText(qa, "2026-11")
	f.staffSaw(qa, "② 回访哪些客户")
	f.staffText(qa, "单位=第二医院 工程师=001 级别=2")
	f.staffSaw(qa, "③ 抽样比例")
	f.staffText(qa, "30%")
	ask := f.staffSaw(qa, "④ 用哪份问卷", "revisit — 售后服务回访（5 题）")
	if kb, err := ask.Keyboard(); err != nil || len(kb) != 2 || kb[0][0].CallbackData != "rnd:q:revisit" {
		t.Fatalf("questionnaire buttons %+v, %v", kb, err)
	}
	f.press(qa, "rnd:q:revisit")
	// Engineer 001 serves the odd customers; severity 2 is 2 + id%3 = 2:
	// c3, c9, … c1035, 173 customers with 181 tickets (eight also had an
	// earlier one); three replied TD, three unfollowed; 30% of 167 is 50.
	preview := f.staffSaw(qa, "预览：2026-11-01~2026-11-30｜单位 第二医院｜工程师 001｜级别 2｜抽样 30%｜问卷 revisit",
		"符合条件的工单 181 张，客户 173 位；不回访：已退订 3、未关注 3、本月已回访 0。", "可回访 167 位，抽样后将邀请 50 位，每秒最多发送 200 条")
	if kb, _ := preview.Keyboard(); len(kb) != 1 || kb[0][0].CallbackData != "rnd:go" {
		t.Fatalf("confirm buttons %+v", kb)
	}
	f.press(qa, "rnd:go")
	f.staffSaw(qa, "回访轮次 #1 已开始发送：邀请 50 位客户")
	f.press(qa, "rnd:go") // a second press starts nothing
	if n := f.count(`SELECT count(*) FROM survey_rounds`); n != 1 {
		t.Fatalf("%d rounds", n)
	}

	f.advance(f.now())
	f.staffSaw(qa, "回访轮次 #1 已发送完毕：邀请 50 位，送达 50，失败 0")
	f.staffText(qa, "/round status 1")
	f.staffSaw(qa, "回访轮次 #1｜已发送完毕", "发送 ▓▓▓▓▓▓▓▓▓▓ 50/50", "送达 50｜失败 0｜待发 0", "已答 0｜满意率 —（无答卷），参与率 0%")
	f.staffText(qa, "/round pause 1")
	f.staffSaw(qa, "回访轮次 #1 目前是「已发送完毕」，不能改为「已暂停」")
	f.staffText(qa, "/round close 1")
	f.staffSaw(qa, "回访轮次 #1 已关闭")
	if n := f.count(`SELECT count(*) FROM surveys WHERE round_id = 1 AND status = 'expired'`); n != 50 {
		t.Fatalf("after close, %d surveys expired, want 50", n)
	}
}

// Pausing holds the invitations not yet sent; resuming sends them.
func TestRoundPauseAndResume(t *testing.T) {
	f := newSurveyFixture(t, surveyPolicy)
	qa := f.addStaff("088", "quality")
	f.roundCustomers()
	f.staffText(qa, "/round")
	for _, answer := range []string{"2026-11", "单位=第二医院", "全部", "revisit"} {
		f.staffText(qa, answer)
	}
	f.staffSaw(qa, "抽样后将邀请 500 位")
	f.staffText(qa, "确认")
	f.staffSaw(qa, "回访轮次 #1 已开始发送：邀请 500 位客户")
	f.staffText(qa, "/round pause 1")
	f.staffSaw(qa, "回访轮次 #1 已暂停")
	f.advance(f.now())
	if n := f.count(`SELECT count(*) FROM surveys WHERE status = 'pending'`); n != 500 {
		t.Fatalf("a paused round sent: %d pending", n)
	}
	f.staffText(qa, "/round resume 1")
	f.advance(f.now())
	if n := f.count(`SELECT count(*) FROM surveys WHERE sent_at IS NOT NULL`); n != 500 {
		t.Fatalf("after resume %d sent, want 500", n)
	}
}
