package survey

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/staffdialog"
)

// /round in the staff chat: the guided dialogue that sets up a revisit
// round (staffdialog's round dialogue), and the round's status, pause,
// resume and close. Quality staff and managers only.

// RoundHelp is /round's line in /help.
const RoundHelp = "/round — 回访轮次：新建、status、pause、resume、close（质量管理部）"

// RevisitsHelp is /revisits's line in /help.
const RevisitsHelp = "/revisits — 待回访任务（质量管理部）"

const roundUsage = `/round — 新建回访轮次（逐步引导）
/round status [N] — 轮次进度
/round pause N｜resume N｜close N — 暂停、继续、关闭
/round cancel — 放弃正在新建的轮次`

// Command answers /round and its subcommands.
func (r *Rounds) Command(ctx context.Context, s *bot.Staff, chat int64, rest string) error {
	if !mayRevisit(s) {
		return r.Notify.Tell(ctx, chat, "/round 仅限质量管理部和经理使用。")
	}
	sub, arg, _ := strings.Cut(rest, " ")
	arg = strings.TrimSpace(arg)
	switch sub {
	case "", "new":
		st, reply := staffdialog.StartRound()
		return r.say(ctx, s, chat, st, &reply)
	case "status", "list":
		return r.statusCommand(ctx, chat, arg)
	case "pause", "resume", "close":
		return r.action(ctx, chat, sub, arg)
	case "cancel":
		st, reply := staffdialog.CancelRound()
		return r.say(ctx, s, chat, st, &reply)
	}
	return r.Notify.Tell(ctx, chat, roundUsage)
}

// say keeps the dialogue's state and says its reply.
func (r *Rounds) say(ctx context.Context, s *bot.Staff, chat int64, st staffdialog.State, reply *staffdialog.Reply) error {
	if err := r.States.SetStaffState(ctx, s.ID, st); err != nil {
		return err
	}
	return r.tell(ctx, chat, reply)
}

// tell says a reply of the dialogue, if it has one.
func (r *Rounds) tell(ctx context.Context, chat int64, reply *staffdialog.Reply) error {
	if reply == nil {
		return nil
	}
	return r.Notify.Send(ctx, bot.StaffMessage{ChatID: chat, Text: reply.Text, Buttons: reply.Buttons})
}

func (r *Rounds) env() staffdialog.RoundEnv {
	env := staffdialog.RoundEnv{Now: r.now(), Location: r.Policy.Location}
	for _, name := range r.Policy.Surveys.QuestionnaireNames() {
		qn := r.Policy.Surveys.Questionnaires[name]
		env.Questionnaires = append(env.Questionnaires, staffdialog.QuestionnaireInfo{Name: name, Title: qn.Title, Questions: len(qn.Questions)})
	}
	return env
}

// Dialogue takes the staff member's answer to the round dialogue's
// question (the dialogue staffdialog.AwaitRound).
func (r *Rounds) Dialogue(ctx context.Context, s *bot.Staff, chat int64, st staffdialog.State, text string) error {
	return r.carryOut(ctx, s, chat, staffdialog.RoundText(st, text, r.env()))
}

// Press handles the dialogue's buttons: rnd:q:NAME, rnd:go, rnd:no.
func (r *Rounds) Press(ctx context.Context, s *bot.Staff, chat int64, data string) (string, error) {
	if !mayRevisit(s) {
		return "仅限质量管理部和经理", nil
	}
	st, err := r.States.StaffState(ctx, s.ID)
	if err != nil {
		return "", err
	}
	out := staffdialog.RoundPress(st, strings.TrimPrefix(data, staffdialog.RoundAction+":"), r.env())
	return out.Toast, r.carryOut(ctx, s, chat, out)
}

// carryOut does what a step of the round dialogue asks.
func (r *Rounds) carryOut(ctx context.Context, s *bot.Staff, chat int64, out staffdialog.RoundOutcome) error {
	switch out.Do {
	case staffdialog.DoPreview:
		return r.preview(ctx, s, chat, out)
	case staffdialog.DoStart:
		if err := r.States.SetStaffState(ctx, s.ID, staffdialog.State{}); err != nil {
			return err
		}
		round, p, err := r.Start(ctx, SpecOf(out.Draft), s.Number, &chat)
		if err != nil {
			return r.Notify.TellUserError(ctx, chat, err)
		}
		return r.Notify.Tell(ctx, chat, fmt.Sprintf("✅ 回访轮次 #%d 已开始发送：邀请 %d 位客户。\n/round status %d 查看进度；/round pause %d 暂停。", round.ID, len(p.Chosen), round.ID, round.ID))
	}
	if out.Keep {
		return r.tell(ctx, chat, out.Reply)
	}
	return r.say(ctx, s, chat, out.Next, out.Reply)
}

// preview draws the sample of the drafted round and shows it with the
// confirm buttons; the draft is kept only when the preview worked.
func (r *Rounds) preview(ctx context.Context, s *bot.Staff, chat int64, out staffdialog.RoundOutcome) error {
	spec := SpecOf(out.Draft)
	p, err := r.Preview(ctx, spec)
	if err != nil {
		return r.Notify.TellUserError(ctx, chat, err)
	}
	text := r.previewText(spec, p)
	reply := &staffdialog.Reply{Text: text + "\n\n确认发送？", Buttons: staffdialog.ConfirmButtons()}
	if len(p.Chosen) == 0 {
		reply = &staffdialog.Reply{Text: text + "\n\n没有可回访的客户，请回复「取消」后重新设置。"}
	}
	return r.say(ctx, s, chat, out.Next, reply)
}

func (r *Rounds) previewText(spec RoundSpec, p RoundPreview) string {
	return fmt.Sprintf("预览：%s\n符合条件的工单 %d 张，客户 %d 位；不回访：已退订 %d、未关注 %d、本月已回访 %d。\n可回访 %d 位，抽样后将邀请 %d 位，每秒最多发送 %s 条。",
		spec.Describe(r.Policy.Location), p.Tickets, p.Customers, p.OptedOut, p.Unsubscribed, p.Capped, p.Eligible, len(p.Chosen),
		strconv.FormatFloat(r.Policy.Surveys.SendRate, 'f', -1, 64))
}

// statusCommand answers /round status [N]: one round in detail, or the
// latest rounds.
func (r *Rounds) statusCommand(ctx context.Context, chat int64, arg string) error {
	if arg != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
		if err != nil {
			return r.Notify.Tell(ctx, chat, "用法：/round status 轮次号，例如 /round status 3")
		}
		round, p, err := r.Status(ctx, id)
		if errors.Is(err, bot.ErrNotFound) {
			return r.Notify.Tell(ctx, chat, fmt.Sprintf("没有回访轮次 #%d。", id))
		}
		if err != nil {
			return err
		}
		return r.Notify.Tell(ctx, chat, r.statusText(round, p))
	}
	rounds, err := r.List(ctx, 5)
	if err != nil {
		return err
	}
	if len(rounds) == 0 {
		return r.Notify.Tell(ctx, chat, "还没有回访轮次。发送 /round 新建。")
	}
	var parts []string
	for _, round := range rounds {
		p, err := r.RoundStore.RoundProgress(ctx, round.ID)
		if err != nil {
			return err
		}
		parts = append(parts, r.statusText(&round, p))
	}
	return r.Notify.Tell(ctx, chat, strings.Join(parts, "\n\n"))
}

// statusText is a round's progress as staff read it.
func (r *Rounds) statusText(round *Round, p RoundProgress) string {
	done := p.Selected - p.Pending
	return fmt.Sprintf("回访轮次 #%d｜%s\n%s\n发送 %s %d/%d\n送达 %d｜失败 %d｜待发 %d｜取消 %d\n已答 %d｜%s\n满意 %d｜较满意 %d｜一般 %d｜不满意 %d",
		round.ID, RoundStatusLabel(round.Status), round.Spec().Describe(r.Policy.Location), TextBar(done, p.Selected, 10), done, p.Selected,
		p.Delivered, p.Failed, p.Pending, p.Cancelled, p.Answered(), SatisfactionLine(p.Tally()),
		p.Ratings[0], p.Ratings[1], p.Ratings[2], p.Ratings[3])
}

// TextBar is a progress bar of width characters.
func TextBar(done, total, width int) string {
	n := 0
	if total > 0 {
		n = done * width / total
	}
	return strings.Repeat("▓", n) + strings.Repeat("░", width-n)
}

func (r *Rounds) action(ctx context.Context, chat int64, action, arg string) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil {
		return r.Notify.Tell(ctx, chat, fmt.Sprintf("用法：/round %s 轮次号", action))
	}
	do := map[string]func(context.Context, int64) error{"pause": r.Pause, "resume": r.Resume, "close": r.Close}[action]
	if err := do(ctx, id); err != nil {
		return r.Notify.TellUserError(ctx, chat, err)
	}
	done := map[string]string{"pause": "已暂停，/round resume %d 继续", "resume": "已继续发送", "close": "已关闭，不再发送，之后的答卷不计入统计"}[action]
	if action == "pause" {
		done = fmt.Sprintf(done, id)
	}
	return r.Notify.Tell(ctx, chat, fmt.Sprintf("回访轮次 #%d %s。", id, done))
}
