package conversation

import (
	"fmt"
	"strings"
)

// The customer's confirmation of a resolved ticket: asked with a menu when
// the engineer resolves it; answered by a tap, or by a typed yes or no
// while the ticket waits for it.

// Menu ids of the confirmation.
const (
	MenuSolved   = "ticket_solved"
	MenuUnsolved = "ticket_unsolved"
)

// ConfirmTap reads a tap on the confirmation menu.
func ConfirmTap(ev Event) (solved, ok bool) {
	if ev.Kind != EventMenu {
		return false, false
	}
	switch ev.MenuID {
	case MenuSolved:
		return true, true
	case MenuUnsolved:
		return false, true
	}
	return false, false
}

var (
	solvedWords   = []string{"1", "１", "已解决", "解决了", "已经解决", "是", "是的", "好了", "可以了", "确认"}
	unsolvedWords = []string{"2", "２", "未解决", "没解决", "没有解决", "还没解决", "否", "不是", "没有", "不行", "还是不行"}
)

// ReadConfirmation reads a typed answer to "问题是否已经解决？".
func ReadConfirmation(text string) (solved, ok bool) {
	t := strings.Trim(strings.TrimSpace(text), "。！!.，, ")
	switch {
	case slicesContain(solvedWords, t):
		return true, true
	case slicesContain(unsolvedWords, t):
		return false, true
	}
	return false, false
}

// ConfirmationQuestion asks the customer whether ticket is solved, with
// the engineer's note.
func ConfirmationQuestion(ticket int64, note string) Reply {
	head := fmt.Sprintf(confirmQuestionFmt, ticket, note)
	return Reply{
		Text: head + "\n" + confirmTextTail,
		Menu: &Menu{Head: head, Items: []MenuItem{{MenuSolved, "已解决"}, {MenuUnsolved, "未解决"}}, Tail: confirmMenuTail},
	}
}

// ConfirmationReply answers the customer's confirmation: the ticket closed
// (solved) or reopened; when it no longer waited for one (applied false),
// its status as it is.
func ConfirmationReply(ticket int64, solved, applied bool, status string) Reply {
	switch {
	case !applied:
		return Reply{Text: fmt.Sprintf(notAwaitingFmt, ticket, status)}
	case solved:
		return Reply{Text: fmt.Sprintf(confirmedFmt, ticket)}
	}
	return Reply{Text: fmt.Sprintf(reopenedFmt, ticket)}
}
