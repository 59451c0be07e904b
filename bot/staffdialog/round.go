package staffdialog

import (
	"fmt"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// /round in the staff chat: a guided dialogue that sets up a revisit round:
// period, filters, sample, questionnaire, then a preview (the desk counts
// the customers) and 确认发送 (the desk starts the round).

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

// Steps of the round dialogue.
const (
	stepPeriod        = "period"
	stepFilters       = "filters"
	stepSample        = "sample"
	stepQuestionnaire = "questionnaire"
	stepConfirm       = "confirm"
)

// RoundAction is the callback action of the dialogue's buttons: rnd:q:NAME
// (a questionnaire), rnd:go (确认发送), rnd:no (取消).
const RoundAction = "rnd"

// Do is what a round step asks the desk to do.
type Do int

// What a round step asks.
const (
	DoNothing Do = iota // say Reply, keep Next
	DoPreview           // count who Next.Round would ask and show it with the confirm buttons; on failure keep the old state
	DoStart             // start the round of Draft (the state is cleared already)
)

// RoundEnv is what the round dialogue needs to know of the world.
type RoundEnv struct {
	Now            time.Time
	Location       *time.Location
	Questionnaires []QuestionnaireInfo // sorted by name
}

// QuestionnaireInfo is a questionnaire as the dialogue offers it.
type QuestionnaireInfo struct {
	Name, Title string
	Questions   int
}

// RoundOutcome is one step of the round dialogue.
type RoundOutcome struct {
	Next  State
	Reply *Reply      // nil: nothing to say (DoPreview, DoStart say it)
	Do    Do          // what the desk does next
	Draft *RoundDraft // DoPreview, DoStart: the round as drafted
	Toast string      // the answer to a pressed button
	// Keep: nothing moved; the state stays as it was (nothing to save).
	Keep bool
}

// StartRound begins the dialogue.
func StartRound() (State, Reply) {
	return State{Awaiting: AwaitRound, Round: &RoundDraft{Step: stepPeriod}},
		Reply{Text: "新建回访轮次（随时回复「取消」退出）\n\n① 回访哪段时间解决的工单？\n回复月份如 2026-11，日期范围如 2026-11-01~2026-11-15，或「上月」。"}
}

const cancelledText = "已放弃新建回访轮次。"

// CancelRound ends the dialogue without a round.
func CancelRound() (State, Reply) { return State{}, Reply{Text: cancelledText} }

// RoundText takes the staff member's answer to the dialogue's question.
func RoundText(st State, text string, env RoundEnv) RoundOutcome {
	if text == "取消" || st.Round == nil {
		return RoundOutcome{Reply: say(cancelledText)}
	}
	r := *st.Round
	switch r.Step {
	case stepPeriod:
		var err error
		r.From, r.To, err = ParsePeriod(text, env.Now, env.Location)
		return advance(st, r, err, stepFilters, "② 回访哪些客户？回复「全部」，或组合条件，例如：\n单位=市中心医院 工程师=007 级别=1,2")
	case stepFilters:
		f, err := ParseFilters(text)
		r.Unit, r.Engineer, r.Severities = f.Unit, f.Engineer, f.Severities
		return advance(st, r, err, stepSample, "③ 抽样比例？回复如 30%，或「全部」。")
	case stepSample:
		var err error
		if r.SampleRate, err = ParseSampleRate(text); err != nil {
			return RoundOutcome{Next: st, Keep: true, Reply: say("没看懂：" + err.Error())}
		}
		r.Step = stepQuestionnaire
		return RoundOutcome{Next: State{Awaiting: AwaitRound, Round: &r}, Reply: questionnaireQuestion(env)}
	case stepQuestionnaire:
		return chooseQuestionnaire(st, text, env)
	case stepConfirm:
		if text == "确认" || text == "确认发送" {
			return RoundOutcome{Do: DoStart, Draft: &r}
		}
		return RoundOutcome{Next: st, Keep: true, Reply: say("请按「确认发送」或回复「确认」；回复「取消」放弃。")}
	}
	next, reply := StartRound()
	return RoundOutcome{Next: next, Reply: &reply}
}

// advance moves to step with question, or stays and says what was not
// understood.
func advance(st State, r RoundDraft, err error, step, question string) RoundOutcome {
	if err != nil {
		return RoundOutcome{Next: st, Keep: true, Reply: say("没看懂：" + err.Error())}
	}
	r.Step = step
	return RoundOutcome{Next: State{Awaiting: AwaitRound, Round: &r}, Reply: say(question)}
}

func questionnaireQuestion(env RoundEnv) *Reply {
	var rows [][]bot.Button
	var b strings.Builder
	b.WriteString("④ 用哪份问卷？")
	for _, q := range env.Questionnaires {
		fmt.Fprintf(&b, "\n%s — %s（%d 题）", q.Name, q.Title, q.Questions)
		rows = append(rows, []bot.Button{{Text: fmt.Sprintf("%s（%d 题）", q.Name, q.Questions), Data: RoundAction + ":q:" + q.Name}})
	}
	b.WriteString("\n点按钮或回复问卷名。")
	return &Reply{Text: b.String(), Buttons: rows}
}

// chooseQuestionnaire takes the questionnaire and asks for the preview;
// the sample's seed is the time it was drawn.
func chooseQuestionnaire(st State, name string, env RoundEnv) RoundOutcome {
	names := make([]string, len(env.Questionnaires))
	known := false
	for i, q := range env.Questionnaires {
		names[i] = q.Name
		known = known || q.Name == name
	}
	if !known {
		return RoundOutcome{Next: st, Keep: true, Reply: say("没有这份问卷，可选：" + strings.Join(names, "、"))}
	}
	r := *st.Round
	r.Questionnaire, r.Seed, r.Step = name, env.Now.UnixNano(), stepConfirm
	return RoundOutcome{Next: State{Awaiting: AwaitRound, Round: &r}, Do: DoPreview, Draft: &r}
}

// ConfirmButtons end the preview.
func ConfirmButtons() [][]bot.Button {
	return [][]bot.Button{{{Text: "确认发送", Data: RoundAction + ":go"}, {Text: "取消", Data: RoundAction + ":no"}}}
}

// RoundPress handles the dialogue's buttons (the data after "rnd:").
func RoundPress(st State, arg string, env RoundEnv) RoundOutcome {
	if st.Awaiting != AwaitRound || st.Round == nil {
		return RoundOutcome{Next: st, Keep: true, Toast: "这个回访轮次已经设置完毕或已放弃"}
	}
	var out RoundOutcome
	switch {
	case strings.HasPrefix(arg, "q:") && st.Round.Step == stepQuestionnaire:
		out = chooseQuestionnaire(st, strings.TrimPrefix(arg, "q:"), env)
		out.Toast = "正在统计"
	case arg == "go" && st.Round.Step == stepConfirm:
		out = RoundOutcome{Do: DoStart, Draft: st.Round, Toast: "已开始发送"}
	case arg == "no":
		out = RoundText(st, "取消", env)
		out.Toast = "已放弃"
	default:
		out = RoundOutcome{Next: st, Keep: true, Toast: "请按当前步骤操作"}
	}
	return out
}
