package staffdialog

import (
	"fmt"
	"strconv"

	"github.com/hotline-desk/hotline/bot"
)

// The dialogues about a ticket: 已解决 asks for the resolution note and
// then how the fault was solved; 等待客户 asks what the customer must add.

// HowAction is the callback action of the resolution's way buttons:
// how:TICKET:WAY.
const HowAction = "how"

// Ways a fault was solved, as the buttons offer them.
var ways = []struct{ key, name string }{{"phone", "电话"}, {"remote", "远程"}, {"onsite", "上门"}}

// WayName is a way as staff read it; ok false for one not offered.
func WayName(key string) (string, bool) {
	for _, w := range ways {
		if w.key == key {
			return w.name, true
		}
	}
	return "", false
}

// AskNote starts the resolution of ticket: the note comes first.
func AskNote(ticket int64) (State, Reply) {
	return State{Awaiting: AwaitNote, Ticket: ticket},
		Reply{Text: fmt.Sprintf("请直接发送工单 #%d 的解决说明（做了什么、结果如何）。", ticket)}
}

// NoteReceived keeps the note and asks how the fault was solved.
func NoteReceived(st State, note string) (State, Reply) {
	next := State{Ticket: st.Ticket, Note: note}
	row := make([]bot.Button, 0, len(ways))
	for _, w := range ways {
		row = append(row, bot.Button{Text: w.name, Data: HowAction + ":" + strconv.FormatInt(st.Ticket, 10) + ":" + w.key})
	}
	return next, Reply{Text: fmt.Sprintf("工单 #%d 解决说明已记下。请选择解决方式：", st.Ticket), Buttons: [][]bot.Button{row}}
}

// Resolution is the note and the way of ticket once a way is pressed; ok
// false when the note for that ticket is not in, with what to tell.
func Resolution(st State, ticket int64, how string) (note, way string, ok bool, toast string) {
	way, known := WayName(how)
	if !known || st.Ticket != ticket || st.Note == "" {
		return "", "", false, "请先按「已解决」并发送解决说明"
	}
	return st.Note, way, true, ""
}

// AskMissing starts 等待客户: what must the customer add?
func AskMissing(ticket int64) (State, Reply) {
	return State{Awaiting: AwaitMissing, Ticket: ticket},
		Reply{Text: fmt.Sprintf("请发送需要客户补充的内容（工单 #%d）。发送后计时暂停，客户回复后恢复。", ticket)}
}

// AskRevisit starts the result of revisit task about ticket.
func AskRevisit(task, ticket int64) (State, Reply) {
	return State{Awaiting: AwaitRevisit, Task: task},
		Reply{Text: fmt.Sprintf("请发送回访任务 #%d（工单 #%d）的回访结果：客户的意见、原因和改进措施。", task, ticket)}
}
