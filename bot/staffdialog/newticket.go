package staffdialog

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/conversation"
)

// /new in the staff chat: a dispatcher (座席) or a lead opens a ticket for
// a customer who called, wrote an e-mail or came in. The dialogue asks the
// severity, the unit (a pick list searched by a few characters), the
// contact, the phone, the room, the description, the channel and the time
// the request came in (now, 14:05, 昨天 17:40), then shows a summary with
// 确认登记 / 修改 / 取消 and an optional choice of engineer. Buttons
// wherever there is a choice; typing works as well.

// NewAction is the callback action of the dialogue's buttons:
// new:sev:N, new:unit:S:I (the I-th unit offered by search S), new:unitas (the name as
// typed), new:ch:CHANNEL, new:now, new:skip (no room), new:ok, new:edit,
// new:edit:FIELD, new:eng, new:to:ID (0: the usual assignment), new:no.
const NewAction = "new"

// NewIdle is how long an untouched /new waits before it is dropped.
const NewIdle = 30 * time.Minute

// Steps of the /new dialogue, also the fields 修改 can go back to.
const (
	newSeverity    = "severity"
	newUnit        = "unit"
	newContact     = "contact"
	newPhone       = "phone"
	newRoom        = "room"
	newDescription = "description"
	newChannel     = "channel"
	newTime        = "time"
	newConfirm     = "confirm"
	newEngineer    = "engineer"
)

// newOrder is the order the dialogue asks in.
var newOrder = []string{newSeverity, newUnit, newContact, newPhone, newRoom, newDescription, newChannel, newTime, newConfirm}

// fieldNames are the fields as 修改 offers them.
var fieldNames = map[string]string{newSeverity: "严重程度", newUnit: "单位", newContact: "联系人", newPhone: "电话",
	newRoom: "房间", newDescription: "问题描述", newChannel: "受理渠道", newTime: "来电时间"}

// Limits of what the dialogue takes.
const (
	maxUnitOffers   = 8
	unitTriesBefore = 3 // searches that found nothing before the name as typed is offered
	maxContact      = 50
	maxRoom         = 50
	maxDescription  = 4000
	maxCallAge      = 30 * 24 * time.Hour
)

// NewDraft is a ticket being entered with /new.
type NewDraft struct {
	Step        string    `json:"step"`
	Editing     bool      `json:"editing,omitempty"` // 修改: back to the summary after this field
	Severity    int       `json:"severity,omitempty"`
	Unit        string    `json:"unit,omitempty"`
	KnownUnit   bool      `json:"known_unit,omitempty"`
	Offered     []string  `json:"offered,omitempty"` // the units offered as buttons
	Search      int       `json:"search,omitempty"`  // which search offered them: an older list's button is refused
	Typed       string    `json:"typed,omitempty"`   // the last unit typed that matched none
	Misses      int       `json:"misses,omitempty"`  // unit searches that found nothing
	Contact     string    `json:"contact,omitempty"`
	Phone       string    `json:"phone,omitempty"`
	Room        string    `json:"room,omitempty"`
	Description string    `json:"description,omitempty"`
	Channel     string    `json:"channel,omitempty"`
	At          time.Time `json:"at,omitzero"`
	Assign      int64     `json:"assign,omitempty"` // the engineer chosen; 0: the usual assignment
	AssignLabel string    `json:"assign_label,omitempty"`
	Started     time.Time `json:"started"` // names the dialogue: a double 确认 opens one ticket
	Touched     time.Time `json:"touched"` // the last answer; NewIdle after it the dialogue is dropped
}

// Key is the dedupe key of the ticket the draft opens.
func (d *NewDraft) Key(staffID int64) string {
	return fmt.Sprintf("new:%d:%d", staffID, d.Started.UnixNano())
}

// NewEnv is what the /new dialogue needs to know of the world.
type NewEnv struct {
	Now       time.Time
	Location  *time.Location
	Units     []string         // the policy's units, in its order
	Engineers []StaffChoice    // who may be chosen: reachable engineers and leads
	Check     func(Call) error // the desk's last check before the summary (the lifecycle's)
}

// Call is what a finished /new hands the desk to open.
type Call struct {
	Channel, Unit, Contact, Phone, Room, Description string
	Severity                                         int
	At                                               time.Time
	Assign                                           int64
}

// StaffChoice is a staff member as a button offers them.
type StaffChoice struct {
	ID    int64
	Label string
}

// NewOutcome is one step of the /new dialogue.
type NewOutcome struct {
	Next  State
	Reply *Reply
	Open  *NewDraft // set: open the ticket of this draft (the state is cleared already)
	Toast string
}

const (
	newCancelled = "已取消本次登记，没有创建工单。"
	newExpired   = "您的 /new 登记已超过 30 分钟没有操作，已作废，没有创建工单；如需登记请重新发送 /new。"
)

// StartNew begins the dialogue.
func StartNew(env NewEnv) NewOutcome {
	d := NewDraft{Step: newSeverity, Started: env.Now, Touched: env.Now}
	reply := ask(&d, env)
	reply.Text = "新建工单（代客户登记，随时回复「取消」退出）\n\n" + reply.Text
	return NewOutcome{Next: State{Awaiting: AwaitNew, New: &d}, Reply: reply}
}

// NewStale reports whether the dialogue in st was left idle too long.
func NewStale(st State, now time.Time) bool {
	return st.Awaiting == AwaitNew && st.New != nil && now.Sub(st.New.Touched) >= NewIdle
}

// ExpireNew drops a dialogue left idle since touched (the expiry job's
// check); ok false when it moved on since, or ended.
func ExpireNew(st State, touched time.Time) (NewOutcome, bool) {
	if st.Awaiting != AwaitNew || st.New == nil || !st.New.Touched.Equal(touched) {
		return NewOutcome{Next: st}, false
	}
	return NewOutcome{Reply: say(newExpired)}, true
}

// NewText takes what the staff member typed.
func NewText(st State, text string, env NewEnv) NewOutcome {
	text = strings.TrimSpace(text)
	switch {
	case st.New == nil:
		return NewOutcome{Reply: say(newCancelled)}
	case NewStale(st, env.Now):
		return NewOutcome{Reply: say(newExpired)}
	case text == "取消":
		return NewOutcome{Reply: say(newCancelled)}
	}
	d := *st.New
	d.Touched = env.Now
	switch d.Step {
	case newUnit:
		return d.searchUnit(text, env)
	case newConfirm, newEngineer:
		if text == "确认" || text == "确认登记" {
			return d.open(env)
		}
		return again(d, "请点「确认登记」，或「修改」「取消」。", env)
	}
	if problem := d.take(text, env); problem != "" {
		return again(d, problem, env)
	}
	return d.next(env)
}

// take keeps the answer to the draft's question, or says what is wrong
// with it.
func (d *NewDraft) take(text string, env NewEnv) (problem string) {
	switch d.Step {
	case newSeverity:
		sev, ok := conversation.ParseSeverity(text)
		if !ok {
			return "请点按钮选择严重程度，或回复 1 到 5。"
		}
		d.Severity = sev
	case newContact:
		if text == "" || utf8.RuneCountInString(text) > maxContact {
			return fmt.Sprintf("请回复联系人姓名（最多 %d 字）。", maxContact)
		}
		d.Contact = text
	case newPhone:
		phone, ok := conversation.NormalisePhone(text)
		if !ok {
			return "电话号码格式不对：请回复手机号（11 位）或带区号的固定电话，如 0459-1234567。"
		}
		d.Phone = phone
	case newRoom:
		if utf8.RuneCountInString(text) > maxRoom {
			return fmt.Sprintf("房间号最多 %d 字，请重新回复；没有请点「跳过」。", maxRoom)
		}
		if text == "无" || text == "跳过" {
			text = ""
		}
		d.Room = text
	case newDescription:
		if text == "" || utf8.RuneCountInString(text) > maxDescription {
			return fmt.Sprintf("请回复问题描述（最多 %d 字）。", maxDescription)
		}
		d.Description = text
	case newChannel:
		ch, ok := channelOf(text)
		if !ok {
			return "请点按钮选择受理渠道：电话、邮件、现场或其他。"
		}
		d.Channel = ch
	case newTime:
		at, err := ParseCallTime(text, env.Now, env.Location)
		if err != nil {
			return err.Error()
		}
		d.At = at
	}
	return ""
}

// NewPress takes a button of the dialogue (the data after "new:").
func NewPress(st State, arg string, env NewEnv) NewOutcome {
	if st.Awaiting != AwaitNew || st.New == nil {
		return NewOutcome{Next: st, Toast: "这次登记已经结束，如需登记请发送 /new"}
	}
	if NewStale(st, env.Now) {
		return NewOutcome{Reply: say(newExpired), Toast: "已作废"}
	}
	d := *st.New
	d.Touched = env.Now
	verb, val, _ := strings.Cut(arg, ":")
	switch {
	case verb == "no":
		return NewOutcome{Reply: say(newCancelled), Toast: "已取消"}
	case verb == "sev" && d.Step == newSeverity:
		sev, err := strconv.Atoi(val)
		if err != nil || sev < 1 || sev > 5 {
			return NewOutcome{Next: st, Toast: "无效的按钮"}
		}
		d.Severity = sev
	case verb == "unit" && d.Step == newUnit:
		search, index, _ := strings.Cut(val, ":")
		g, err1 := strconv.Atoi(search)
		i, err2 := strconv.Atoi(index)
		if err1 != nil || err2 != nil || g != d.Search || i < 0 || i >= len(d.Offered) {
			return NewOutcome{Next: st, Toast: "这是之前的查找结果，请在最新的列表中选择"}
		}
		d.setUnit(d.Offered[i], true)
	case verb == "unitas" && d.Step == newUnit && d.Typed != "" && d.Misses >= unitTriesBefore:
		d.setUnit(d.Typed, false)
	case verb == "skip" && d.Step == newRoom:
		d.Room = ""
	case verb == "ch" && d.Step == newChannel && slices.Contains(bot.StaffChannels, val):
		d.Channel = val
	case verb == "now" && d.Step == newTime:
		d.At = env.Now
	case verb == "ok" && (d.Step == newConfirm || d.Step == newEngineer):
		out := d.open(env)
		out.Toast = "正在登记"
		return out
	case verb == "edit" && val == "" && d.Step == newConfirm:
		return NewOutcome{Next: keep(d), Reply: editMenu(), Toast: "请选择要修改的项"}
	case verb == "edit" && fieldNames[val] != "" && (d.Step == newConfirm || d.Step == newEngineer):
		d.Step, d.Editing = val, true
		return NewOutcome{Next: keep(d), Reply: ask(&d, env), Toast: "请修改" + fieldNames[val]}
	case verb == "eng" && d.Step == newConfirm:
		d.Step = newEngineer
		return NewOutcome{Next: keep(d), Reply: engineerMenu(env), Toast: "请选择工程师"}
	case verb == "to" && d.Step == newEngineer:
		return d.choose(st, val, env)
	default:
		return NewOutcome{Next: st, Toast: "请按当前步骤操作"}
	}
	out := d.next(env)
	out.Toast = "已记录"
	return out
}

// choose takes the engineer pressed (0: the usual assignment) and shows
// the summary again.
func (d NewDraft) choose(st State, val string, env NewEnv) NewOutcome {
	id, err := strconv.ParseInt(val, 10, 64)
	i := slices.IndexFunc(env.Engineers, func(s StaffChoice) bool { return s.ID == id })
	switch {
	case err == nil && id == 0:
		d.Assign, d.AssignLabel = 0, ""
	case err == nil && i >= 0:
		d.Assign, d.AssignLabel = id, env.Engineers[i].Label
	default:
		return NewOutcome{Next: st, Toast: "该工程师已不可选"}
	}
	d.Step = newConfirm
	return NewOutcome{Next: keep(d), Reply: summary(d, env), Toast: "已选择"}
}

// next moves on after a field is answered: to the next question, or, when
// editing or at the end, to the summary.
func (d NewDraft) next(env NewEnv) NewOutcome {
	if d.Editing || d.Step == newTime {
		d.Step, d.Editing = newConfirm, false
		if env.Check != nil {
			if err := env.Check(d.call()); err != nil {
				var ue *bot.UserError
				if !errors.As(err, &ue) {
					return NewOutcome{Next: keep(d), Reply: say("暂时无法核对，请稍后再点「确认登记」。")}
				}
				return NewOutcome{Next: keep(d), Reply: &Reply{Text: ue.Message + "\n请点「修改」更正。", Buttons: confirmButtons()}}
			}
		}
		return NewOutcome{Next: keep(d), Reply: summary(d, env)}
	}
	d.Step = newOrder[slices.Index(newOrder, d.Step)+1]
	return NewOutcome{Next: keep(d), Reply: ask(&d, env)}
}

// open ends the dialogue with the ticket to open.
func (d NewDraft) open(env NewEnv) NewOutcome {
	if d.Severity == 0 || d.Unit == "" || d.Contact == "" || d.Phone == "" || d.Description == "" || d.Channel == "" || d.At.IsZero() {
		return NewOutcome{Next: keep(d), Reply: say("信息还不完整，请按提示继续填写。")}
	}
	return NewOutcome{Open: &d}
}

// call is the draft as the desk opens it.
func (d NewDraft) call() Call {
	return Call{Channel: d.Channel, Unit: d.Unit, Contact: d.Contact, Phone: d.Phone, Room: d.Room,
		Description: d.Description, Severity: d.Severity, At: d.At, Assign: d.Assign}
}

// Call is the finished draft as the desk opens it.
func (d *NewDraft) Call() Call { return d.call() }

func keep(d NewDraft) State { return State{Awaiting: AwaitNew, New: &d} }

// again asks the same question once more, with what was wrong.
func again(d NewDraft, problem string, env NewEnv) NewOutcome {
	r := ask(&d, env)
	r.Text = problem + "\n\n" + r.Text
	return NewOutcome{Next: keep(d), Reply: r}
}

// searchUnit finds the units whose names hold what was typed: one takes
// it, several are offered as buttons, none asks again, and after three
// misses the name as typed is offered too (served on the default plan).
func (d NewDraft) searchUnit(text string, env NewEnv) NewOutcome {
	if text == "" {
		return again(d, "请回复单位名称中的几个字。", env)
	}
	key := bot.UnitKey(text)
	var found []string
	for _, u := range env.Units {
		k := bot.UnitKey(u)
		if k == key {
			found = []string{u}
			break
		}
		if strings.Contains(k, key) {
			found = append(found, u)
		}
	}
	switch {
	case len(found) == 1:
		d.setUnit(found[0], true)
		return d.next(env)
	case len(found) > 1:
		d.Offered, d.Search = found[:min(len(found), maxUnitOffers)], d.Search+1
		rows := make([][]bot.Button, len(d.Offered))
		for i, u := range d.Offered {
			rows[i] = []bot.Button{{Text: u, Data: fmt.Sprintf("%s:unit:%d:%d", NewAction, d.Search, i)}}
		}
		more := ""
		if len(found) > maxUnitOffers {
			more = fmt.Sprintf("（共 %d 个，只列出前 %d 个；可多输入几个字缩小范围）", len(found), maxUnitOffers)
		}
		return NewOutcome{Next: keep(d), Reply: &Reply{Text: "请选择单位" + more + "：", Buttons: rows}}
	}
	d.Typed, d.Offered = text, nil
	d.Misses++
	r := &Reply{Text: fmt.Sprintf("没有找到包含「%s」的签约单位，请换几个字再试（如单位简称）。", text)}
	if d.Misses >= unitTriesBefore {
		r.Text += fmt.Sprintf("\n如果确实是未签约单位，可点下方按钮按「%s」登记（按默认服务方案计时）。", text)
		r.Buttons = [][]bot.Button{{{Text: "按「" + cut(text, 20) + "」登记", Data: NewAction + ":unitas"}}, cancelRow()}
	}
	return NewOutcome{Next: keep(d), Reply: r}
}

// setUnit takes the unit; an engineer chosen for another unit is dropped
// (the usual assignment picks one who serves this one).
func (d *NewDraft) setUnit(name string, known bool) {
	if name != d.Unit {
		d.Assign, d.AssignLabel = 0, ""
	}
	d.Unit, d.KnownUnit, d.Offered, d.Typed, d.Misses = name, known, nil, "", 0
}

// ask is the question of the draft's step.
func ask(d *NewDraft, env NewEnv) *Reply {
	switch d.Step {
	case newSeverity:
		rows := make([][]bot.Button, 0, 5)
		for n := 1; n <= 5; n++ {
			rows = append(rows, []bot.Button{{Text: fmt.Sprintf("%d %s", n, conversation.SeverityName(n)), Data: fmt.Sprintf("%s:sev:%d", NewAction, n)}})
		}
		return &Reply{Text: "① 严重程度？", Buttons: append(rows, cancelRow())}
	case newUnit:
		return &Reply{Text: "② 客户单位？回复单位名称中的几个字，我来查找。"}
	case newContact:
		return &Reply{Text: "③ 联系人姓名？"}
	case newPhone:
		return &Reply{Text: "④ 联系电话？（手机或带区号的固定电话）"}
	case newRoom:
		return &Reply{Text: "⑤ 房间或科室？没有请点「跳过」。", Buttons: [][]bot.Button{{{Text: "跳过", Data: NewAction + ":skip"}}}}
	case newDescription:
		return &Reply{Text: "⑥ 问题描述？（客户反映的现象、影响范围）"}
	case newChannel:
		row := make([]bot.Button, 0, len(bot.StaffChannels))
		for _, ch := range bot.StaffChannels {
			row = append(row, bot.Button{Text: bot.ChannelLabel(ch), Data: NewAction + ":ch:" + ch})
		}
		return &Reply{Text: "⑦ 受理渠道？", Buttons: [][]bot.Button{row}}
	case newTime:
		return &Reply{Text: "⑧ 客户何时提出的请求？点「现在」，或回复时间，如 14:05、昨天 17:40、2026-12-01 09:30。计时从这个时间开始。",
			Buttons: [][]bot.Button{{{Text: "现在", Data: NewAction + ":now"}}}}
	}
	return summary(*d, env)
}

// summary is the draft to confirm.
func summary(d NewDraft, env NewEnv) *Reply {
	var b strings.Builder
	b.WriteString("请核对：\n")
	fmt.Fprintf(&b, "严重程度：%s\n", conversation.SeverityName(d.Severity))
	unit := d.Unit
	if !d.KnownUnit {
		unit += "（未签约单位，按默认服务方案）"
	}
	fmt.Fprintf(&b, "单位：%s\n联系人：%s  电话：%s\n", unit, d.Contact, d.Phone)
	if d.Room != "" {
		fmt.Fprintf(&b, "房间：%s\n", d.Room)
	}
	fmt.Fprintf(&b, "问题：%s\n受理渠道：%s\n", d.Description, bot.ChannelLabel(d.Channel))
	fmt.Fprintf(&b, "来电时间：%s\n", d.At.In(env.Location).Format("2006-01-02 15:04"))
	who := "自动派单（值班工程师）"
	if d.Assign != 0 {
		who = "指定 " + d.AssignLabel
	}
	fmt.Fprintf(&b, "派单：%s", who)
	return &Reply{Text: b.String(), Buttons: confirmButtons()}
}

func confirmButtons() [][]bot.Button {
	return [][]bot.Button{
		{{Text: "确认登记", Data: NewAction + ":ok"}, {Text: "修改", Data: NewAction + ":edit"}, {Text: "取消", Data: NewAction + ":no"}},
		{{Text: "指定工程师", Data: NewAction + ":eng"}},
	}
}

func cancelRow() []bot.Button { return []bot.Button{{Text: "取消", Data: NewAction + ":no"}} }

// editMenu offers the fields to change.
func editMenu() *Reply {
	var rows [][]bot.Button
	var row []bot.Button
	for _, f := range newOrder[:len(newOrder)-1] {
		row = append(row, bot.Button{Text: fieldNames[f], Data: NewAction + ":edit:" + f})
		if len(row) == 4 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return &Reply{Text: "修改哪一项？", Buttons: append(rows, cancelRow())}
}

// engineerMenu offers the engineers to choose from.
func engineerMenu(env NewEnv) *Reply {
	rows := [][]bot.Button{{{Text: "自动派单", Data: NewAction + ":to:0"}}}
	for _, s := range env.Engineers {
		rows = append(rows, []bot.Button{{Text: s.Label, Data: fmt.Sprintf("%s:to:%d", NewAction, s.ID)}})
	}
	text := "派给哪位工程师？"
	if len(env.Engineers) == 0 {
		text = "目前没有可指定的工程师（未绑定 Telegram 或未启用），将自动派单。"
	}
	return &Reply{Text: text, Buttons: rows}
}

// channelOf reads a channel as typed.
func channelOf(text string) (string, bool) {
	for _, ch := range bot.StaffChannels {
		if text == ch || text == bot.ChannelLabel(ch) {
			return ch, true
		}
	}
	switch text {
	case "邮箱", "电子邮件", "e-mail":
		return bot.ChannelEmail, true
	case "上门", "来访":
		return bot.ChannelVisit, true
	}
	return "", false
}

var (
	clockOnly = regexp.MustCompile(`^(\d{1,2})[:：](\d{2})$`)
	dayClock  = regexp.MustCompile(`^(今天|昨天|前天)\s*(\d{1,2})[:：](\d{2})$`)
	dateClock = regexp.MustCompile(`^(?:(\d{4})[-/年])?(\d{1,2})[-/月](\d{1,2})日?\s+(\d{1,2})[:：](\d{2})$`)
)

// ParseCallTime reads when a request came in, in loc: 现在, 14:05 (today),
// 昨天 17:40, 12-01 09:30 (this year) or 2026-12-01 09:30. It may not be
// later than now or more than 30 days ago.
func ParseCallTime(text string, now time.Time, loc *time.Location) (time.Time, error) {
	text = strings.TrimSpace(text)
	now = now.In(loc)
	var at time.Time
	switch m := []string(nil); {
	case text == "现在" || text == "刚才":
		return now, nil
	case clockOnly.MatchString(text):
		m = clockOnly.FindStringSubmatch(text)
		at = dayAt(now, 0, m[1], m[2], loc)
	case dayClock.MatchString(text):
		m = dayClock.FindStringSubmatch(text)
		back := map[string]int{"今天": 0, "昨天": 1, "前天": 2}[m[1]]
		at = dayAt(now, back, m[2], m[3], loc)
	case dateClock.MatchString(text):
		m = dateClock.FindStringSubmatch(text)
		year := now.Year()
		if m[1] != "" {
			year, _ = strconv.Atoi(m[1])
		}
		mon, _ := strconv.Atoi(m[2])
		day, _ := strconv.Atoi(m[3])
		h, _ := strconv.Atoi(m[4])
		mi, _ := strconv.Atoi(m[5])
		at = time.Date(year, time.Month(mon), day, h, mi, 0, 0, loc)
		if at.Day() != day || at.Month() != time.Month(mon) || h > 23 || mi > 59 {
			return time.Time{}, fmt.Errorf("没有这个日期或时间：%s。", text)
		}
	default:
		return time.Time{}, fmt.Errorf("没看懂时间「%s」：请回复如 14:05、昨天 17:40 或 2026-12-01 09:30。", text)
	}
	switch {
	case at.IsZero():
		return time.Time{}, fmt.Errorf("没有这个时间：%s。", text)
	case at.After(now):
		return time.Time{}, fmt.Errorf("来电时间 %s 晚于现在（%s），请核对。", at.Format("01-02 15:04"), now.Format("01-02 15:04"))
	case now.Sub(at) > maxCallAge:
		return time.Time{}, errors.New("来电时间须在 30 天以内。")
	}
	return at, nil
}

// dayAt is hh:mm on the day back days before now; zero for an impossible
// clock time.
func dayAt(now time.Time, back int, hh, mm string, loc *time.Location) time.Time {
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	if h > 23 || m > 59 {
		return time.Time{}
	}
	d := now.AddDate(0, 0, -back)
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
}

// cut shortens s to n runes for a button.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
