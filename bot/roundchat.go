package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// /round in the staff chat: a guided dialogue that sets up a revisit round
// (period, filters, sample, questionnaire, preview, confirm), and the
// round's status, pause, resume and close. Quality staff and managers only.

const awaitRound = "round" // StaffState.Awaiting: the next answer of the /round dialogue

// RoundDraft is a round being set up, between the staff's answers.
type RoundDraft struct {
	Step          string    `json:"step"` // period, filters, sample, questionnaire, confirm
	From          time.Time `json:"from,omitzero"`
	To            time.Time `json:"to,omitzero"`
	Unit          string    `json:"unit,omitempty"`
	Engineer      string    `json:"engineer,omitempty"`
	Severities    []int     `json:"severities,omitempty"`
	SampleRate    float64   `json:"sample,omitempty"`
	Questionnaire string    `json:"questionnaire,omitempty"`
	Seed          int64     `json:"seed,omitempty"`
}

func (r *RoundDraft) spec() RoundSpec {
	return RoundSpec{From: r.From, To: r.To, Unit: r.Unit, Engineer: r.Engineer, Severities: r.Severities,
		SampleRate: r.SampleRate, Questionnaire: r.Questionnaire, Seed: r.Seed}
}

const roundHelp = `/round — 新建回访轮次（逐步引导）
/round status [N] — 轮次进度
/round pause N｜resume N｜close N — 暂停、继续、关闭
/round cancel — 放弃正在新建的轮次`

// roundCommand answers /round and its subcommands.
func (d *Desk) roundCommand(ctx context.Context, s *Staff, chat int64, rest string) error {
	if !mayRevisit(s) || !d.surveysOn() {
		return d.tell(ctx, chat, "/round 仅限质量管理部和经理使用。")
	}
	sub, arg, _ := strings.Cut(rest, " ")
	arg = strings.TrimSpace(arg)
	switch sub {
	case "", "new":
		return d.startRoundDraft(ctx, s, chat)
	case "status", "list":
		return d.roundStatusCommand(ctx, chat, arg)
	case "pause", "resume", "close":
		return d.roundAction(ctx, chat, sub, arg)
	case "cancel":
		if err := d.states.SetStaffState(ctx, s.ID, StaffState{}); err != nil {
			return err
		}
		return d.tell(ctx, chat, "已放弃新建回访轮次。")
	}
	return d.tell(ctx, chat, roundHelp)
}

func (d *Desk) startRoundDraft(ctx context.Context, s *Staff, chat int64) error {
	st := StaffState{Awaiting: awaitRound, Round: &RoundDraft{Step: "period"}}
	if err := d.states.SetStaffState(ctx, s.ID, st); err != nil {
		return err
	}
	return d.tell(ctx, chat, "新建回访轮次（随时回复「取消」退出）\n\n① 回访哪段时间解决的工单？\n回复月份如 2026-11，日期范围如 2026-11-01~2026-11-15，或「上月」。")
}

// roundText takes the staff member's answer to the dialogue's question.
func (d *Desk) roundText(ctx context.Context, s *Staff, chat int64, st StaffState, text string) error {
	if text == "取消" || st.Round == nil {
		if err := d.states.SetStaffState(ctx, s.ID, StaffState{}); err != nil {
			return err
		}
		return d.tell(ctx, chat, "已放弃新建回访轮次。")
	}
	r := st.Round
	var err error
	switch r.Step {
	case "period":
		r.From, r.To, err = ParsePeriod(text, d.now(), d.policy.Location)
		return d.nextRoundStep(ctx, s, chat, st, err, "filters",
			"② 回访哪些客户？回复「全部」，或组合条件，例如：\n单位=市中心医院 工程师=007 级别=1,2")
	case "filters":
		spec := r.spec()
		err = ParseRoundFilters(text, &spec)
		r.Unit, r.Engineer, r.Severities = spec.Unit, spec.Engineer, spec.Severities
		return d.nextRoundStep(ctx, s, chat, st, err, "sample", "③ 抽样比例？回复如 30%，或「全部」。")
	case "sample":
		r.SampleRate, err = ParseSampleRate(text)
		if err != nil {
			return d.tell(ctx, chat, "没看懂："+err.Error())
		}
		r.Step = "questionnaire"
		if err := d.states.SetStaffState(ctx, s.ID, st); err != nil {
			return err
		}
		return d.askQuestionnaire(ctx, chat)
	case "questionnaire":
		return d.chooseQuestionnaire(ctx, s, chat, st, text)
	case "confirm":
		if text == "确认" || text == "确认发送" {
			return d.confirmRound(ctx, s, chat, st)
		}
		return d.tell(ctx, chat, "请按「确认发送」或回复「确认」；回复「取消」放弃。")
	}
	return d.startRoundDraft(ctx, s, chat)
}

func (d *Desk) nextRoundStep(ctx context.Context, s *Staff, chat int64, st StaffState, err error, step, question string) error {
	if err != nil {
		return d.tell(ctx, chat, "没看懂："+err.Error())
	}
	st.Round.Step = step
	if err := d.states.SetStaffState(ctx, s.ID, st); err != nil {
		return err
	}
	return d.tell(ctx, chat, question)
}

func (d *Desk) askQuestionnaire(ctx context.Context, chat int64) error {
	var rows [][]Button
	var b strings.Builder
	b.WriteString("④ 用哪份问卷？")
	for _, name := range d.policy.Surveys.QuestionnaireNames() {
		qn := d.policy.Surveys.Questionnaires[name]
		fmt.Fprintf(&b, "\n%s — %s（%d 题）", name, qn.Title, len(qn.Questions))
		rows = append(rows, []Button{{Text: fmt.Sprintf("%s（%d 题）", name, len(qn.Questions)), Data: "rnd:q:" + name}})
	}
	b.WriteString("\n点按钮或回复问卷名。")
	return d.sendStaff(ctx, StaffMessage{ChatID: chat, Text: b.String(), Buttons: rows})
}

// chooseQuestionnaire takes the questionnaire, draws the sample and shows
// the preview with the confirm button.
func (d *Desk) chooseQuestionnaire(ctx context.Context, s *Staff, chat int64, st StaffState, name string) error {
	r := st.Round
	if _, err := d.policy.Surveys.Questionnaire(name); err != nil {
		return d.tell(ctx, chat, "没有这份问卷，可选："+strings.Join(d.policy.Surveys.QuestionnaireNames(), "、"))
	}
	r.Questionnaire, r.Seed, r.Step = name, d.now().UnixNano(), "confirm"
	p, err := d.PreviewRound(ctx, r.spec())
	if err != nil {
		return d.userError(ctx, chat, err)
	}
	if err := d.states.SetStaffState(ctx, s.ID, st); err != nil {
		return err
	}
	text := d.previewText(r.spec(), p)
	if len(p.Chosen) == 0 {
		return d.tell(ctx, chat, text+"\n\n没有可回访的客户，请回复「取消」后重新设置。")
	}
	buttons := [][]Button{{{Text: "确认发送", Data: "rnd:go"}, {Text: "取消", Data: "rnd:no"}}}
	return d.sendStaff(ctx, StaffMessage{ChatID: chat, Text: text + "\n\n确认发送？", Buttons: buttons})
}

func (d *Desk) previewText(spec RoundSpec, p RoundPreview) string {
	return fmt.Sprintf("预览：%s\n符合条件的工单 %d 张，客户 %d 位；不回访：已退订 %d、未关注 %d、本月已回访 %d。\n可回访 %d 位，抽样后将邀请 %d 位，每秒最多发送 %s 条。",
		spec.Describe(d.policy.Location), p.Tickets, p.Customers, p.OptedOut, p.Unsubscribed, p.Capped, p.Eligible, len(p.Chosen),
		strconv.FormatFloat(d.policy.Surveys.SendRate, 'f', -1, 64))
}

func (d *Desk) confirmRound(ctx context.Context, s *Staff, chat int64, st StaffState) error {
	if err := d.states.SetStaffState(ctx, s.ID, StaffState{}); err != nil {
		return err
	}
	r, p, err := d.StartRound(ctx, st.Round.spec(), s.Number, &chat)
	if err != nil {
		return d.userError(ctx, chat, err)
	}
	return d.tell(ctx, chat, fmt.Sprintf("✅ 回访轮次 #%d 已开始发送：邀请 %d 位客户。\n/round status %d 查看进度；/round pause %d 暂停。", r.ID, len(p.Chosen), r.ID, r.ID))
}

// userError shows an error safe to show, and returns any other.
func (d *Desk) userError(ctx context.Context, chat int64, err error) error {
	var ue *UserError
	if errors.As(err, &ue) {
		return d.tell(ctx, chat, ue.Message)
	}
	return err
}

// pressRound handles the dialogue's buttons: rnd:q:NAME, rnd:go, rnd:no.
func (d *Desk) pressRound(ctx context.Context, s *Staff, chat int64, arg string) (string, error) {
	if !mayRevisit(s) {
		return "仅限质量管理部和经理", nil
	}
	st, err := d.states.StaffState(ctx, s.ID)
	if err != nil {
		return "", err
	}
	if st.Awaiting != awaitRound || st.Round == nil {
		return "这个回访轮次已经设置完毕或已放弃", nil
	}
	switch {
	case strings.HasPrefix(arg, "q:") && st.Round.Step == "questionnaire":
		return "正在统计", d.chooseQuestionnaire(ctx, s, chat, st, strings.TrimPrefix(arg, "q:"))
	case arg == "go" && st.Round.Step == "confirm":
		return "已开始发送", d.confirmRound(ctx, s, chat, st)
	case arg == "no":
		return "已放弃", d.roundText(ctx, s, chat, st, "取消")
	}
	return "请按当前步骤操作", nil
}

// roundStatusCommand answers /round status [N]: one round in detail, or
// the latest rounds.
func (d *Desk) roundStatusCommand(ctx context.Context, chat int64, arg string) error {
	if arg != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
		if err != nil {
			return d.tell(ctx, chat, "用法：/round status 轮次号，例如 /round status 3")
		}
		r, p, err := d.RoundStatus(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return d.tell(ctx, chat, fmt.Sprintf("没有回访轮次 #%d。", id))
		}
		if err != nil {
			return err
		}
		return d.tell(ctx, chat, d.roundStatusText(r, p))
	}
	rounds, err := d.Rounds(ctx, 5)
	if err != nil {
		return err
	}
	if len(rounds) == 0 {
		return d.tell(ctx, chat, "还没有回访轮次。发送 /round 新建。")
	}
	var parts []string
	for _, r := range rounds {
		p, err := d.surveys.Rounds.RoundProgress(ctx, r.ID)
		if err != nil {
			return err
		}
		parts = append(parts, d.roundStatusText(&r, p))
	}
	return d.tell(ctx, chat, strings.Join(parts, "\n\n"))
}

// roundStatusText is a round's progress as staff read it.
func (d *Desk) roundStatusText(r *Round, p RoundProgress) string {
	done := p.Selected - p.Pending
	return fmt.Sprintf("回访轮次 #%d｜%s\n%s\n发送 %s %d/%d\n送达 %d｜失败 %d｜待发 %d｜取消 %d\n已答 %d｜%s\n满意 %d｜较满意 %d｜一般 %d｜不满意 %d",
		r.ID, RoundStatusLabel(r.Status), r.Spec().Describe(d.policy.Location), textBar(done, p.Selected, 10), done, p.Selected,
		p.Delivered, p.Failed, p.Pending, p.Cancelled, p.Answered(), SatisfactionLine(p.Tally()),
		p.Ratings[0], p.Ratings[1], p.Ratings[2], p.Ratings[3])
}

func textBar(done, total, width int) string {
	n := 0
	if total > 0 {
		n = done * width / total
	}
	return strings.Repeat("▓", n) + strings.Repeat("░", width-n)
}

func (d *Desk) roundAction(ctx context.Context, chat int64, action, arg string) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil {
		return d.tell(ctx, chat, fmt.Sprintf("用法：/round %s 轮次号", action))
	}
	do := map[string]func(context.Context, int64) error{"pause": d.PauseRound, "resume": d.ResumeRound, "close": d.CloseRound}[action]
	if err := do(ctx, id); err != nil {
		return d.userError(ctx, chat, err)
	}
	done := map[string]string{"pause": "已暂停，/round resume %d 继续", "resume": "已继续发送", "close": "已关闭，不再发送，之后的答卷不计入统计"}[action]
	if action == "pause" {
		done = fmt.Sprintf(done, id)
	}
	return d.tell(ctx, chat, fmt.Sprintf("回访轮次 #%d %s。", id, done))
}

// surveyPress handles the survey buttons (rv:TASK, rnd:…); false for any
// other button.
func (d *Desk) surveyPress(ctx context.Context, s *Staff, u StaffUpdate) (bool, error) {
	data := u.Callback.Data
	var toast string
	var err error
	switch {
	case !d.surveysOn():
		return false, nil
	case strings.HasPrefix(data, actRevisit+":"):
		id, perr := strconv.ParseInt(strings.TrimPrefix(data, actRevisit+":"), 10, 64)
		if perr != nil {
			return true, d.answer(ctx, u.Callback.ID, "无效的按钮")
		}
		toast, err = d.pressRevisit(ctx, s, u.ChatID, id)
	case strings.HasPrefix(data, "rnd:"):
		toast, err = d.pressRound(ctx, s, u.ChatID, strings.TrimPrefix(data, "rnd:"))
	default:
		return false, nil
	}
	if err != nil {
		d.answer(ctx, u.Callback.ID, "操作失败，请稍后再试")
		return true, err
	}
	return true, d.answer(ctx, u.Callback.ID, toast)
}

// surveyStaffText takes a staff member's text when a survey step waits for
// it; false otherwise.
func (d *Desk) surveyStaffText(ctx context.Context, s *Staff, chat int64, st StaffState, text string) (bool, error) {
	switch {
	case text == "":
		return false, nil
	case st.Awaiting == awaitRevisit:
		return true, d.revisitResult(ctx, s, chat, st, text)
	case st.Awaiting == awaitRound:
		return true, d.roundText(ctx, s, chat, st, text)
	}
	return false, nil
}
