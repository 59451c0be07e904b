package conversation

import (
	"fmt"
	"strings"
)

// Reply is one message to the customer. Text is always complete on its own,
// with the choices numbered, for channels or clients that cannot show Menu.
type Reply struct {
	Text string
	Menu *Menu
}

// Menu is a set of tap-to-answer choices (WeChat msgmenu). A tap comes back
// as an EventMenu with the item's ID.
type Menu struct {
	Head  string
	Items []MenuItem
	Tail  string
}

// MenuItem is one choice of a Menu.
type MenuItem struct {
	ID, Content string
}

// choice builds a question with choices: the menu, and the same choices
// numbered in the text. The tails differ because the text can only be
// answered by typing, while the menu can also be tapped.
func choice(head string, items []MenuItem, textTail, menuTail string) Reply {
	var b strings.Builder
	b.WriteString(head)
	for i, it := range items {
		fmt.Fprintf(&b, "\n%d %s", i+1, it.Content)
	}
	b.WriteString("\n" + textTail)
	return Reply{Text: b.String(), Menu: &Menu{Head: head, Items: items, Tail: menuTail}}
}

// prefixed puts an acknowledgement or hint in front of a question, in the
// same message, so the customer reads one message rather than two.
func prefixed(prefix string, r Reply) Reply {
	if prefix == "" {
		return r
	}
	r.Text = prefix + "\n" + r.Text
	if r.Menu != nil {
		m := *r.Menu
		m.Head = prefix + "\n" + m.Head
		r.Menu = &m
	}
	return r
}
