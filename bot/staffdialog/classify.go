package staffdialog

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hotline-desk/hotline/bot"
)

// A ticket's kind and fault category as buttons: the engineer gets them in
// one message once the ticket is resolved, and leads on /ticket N's card.
// A press sets one of the two and keeps the other; both have defaults
// (故障, 未分类), so nobody has to press.

// ClassifyAction is the callback action of the classification buttons:
// cls:TICKET:k:KIND sets the kind, cls:TICKET:c:INDEX the category by its
// index in the policy's list (c:- for none). The buttons of /ticket N's
// card end in :t, so that a press rewrites that message as a card.
const ClassifyAction = "cls"

// noCategory is the index of 未分类 in callback data.
const noCategory = "-"

// categoriesPerRow is how many category buttons share a row.
const categoriesPerRow = 3

// ClassifyPrompt is the message that carries the buttons after ticket is
// resolved.
func ClassifyPrompt(ticket int64) string {
	return fmt.Sprintf("工单 #%d 已解决。类型与分类（可选，默认 故障·未分类）：", ticket)
}

// ClassifyButtons are t's classification buttons: a row of the kinds, then
// the categories (and 未分类) three to a row, the current ones marked ✓.
// onCard marks the buttons of /ticket N's card.
func ClassifyButtons(t *bot.Ticket, categories []string, onCard bool) [][]bot.Button {
	button := func(label string, current bool, field, value string) bot.Button {
		if current {
			label = "✓ " + label
		}
		data := ClassifyAction + ":" + strconv.FormatInt(t.ID, 10) + ":" + field + ":" + value
		if onCard {
			data += ":t"
		}
		return bot.Button{Text: label, Data: data}
	}
	kind := cmp.Or(t.Kind, bot.KindFault)
	kinds := make([]bot.Button, len(bot.Kinds))
	for i, k := range bot.Kinds {
		kinds[i] = button(bot.KindLabel(k), k == kind, "k", k)
	}
	var cats []bot.Button
	for i, c := range categories {
		cats = append(cats, button(c, c == t.Category, "c", strconv.Itoa(i)))
	}
	cats = append(cats, button(bot.CategoryLabel(""), t.Category == "", "c", noCategory))
	return append([][]bot.Button{kinds}, slices.Collect(slices.Chunk(cats, categoriesPerRow))...)
}

// ClassifyPress is a classification button, read from its callback data.
type ClassifyPress struct {
	Ticket int64
	Kind   string // the kind pressed; "" when a category was
	Index  int    // the category pressed, by its index; -1 for 未分类
	OnCard bool   // the button is on /ticket N's card
}

// ParseClassify reads a classification button's callback data; ok false
// for data that is not one, or names a kind there is not.
func ParseClassify(data string) (p ClassifyPress, ok bool) {
	parts := strings.Split(data, ":")
	if len(parts) == 5 && parts[4] == "t" {
		p.OnCard, parts = true, parts[:4]
	}
	if len(parts) != 4 || parts[0] != ClassifyAction {
		return p, false
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || id <= 0 {
		return p, false
	}
	p.Ticket = id
	switch field, value := parts[2], parts[3]; {
	case field == "k":
		p.Kind, p.Index = value, -1
		return p, slices.Contains(bot.Kinds, value)
	case field == "c" && value == noCategory:
		p.Index = -1
		return p, true
	case field == "c":
		p.Index, err = strconv.Atoi(value)
		return p, err == nil && p.Index >= 0
	}
	return p, false
}

// Classification is what the press sets on t: the kind and the category
// to write, one of them as t has it. refusal, when not "", is the toast
// that refuses the press instead: a button of another ticket, or a
// category index past the list (the policy changed since the buttons were
// sent).
func (p ClassifyPress) Classification(t *bot.Ticket, categories []string) (kind, category, refusal string) {
	if p.Ticket != t.ID {
		return "", "", "无效的按钮"
	}
	kind, category = cmp.Or(t.Kind, bot.KindFault), t.Category
	switch {
	case p.Kind != "":
		kind = p.Kind
	case p.Index == -1:
		category = ""
	case p.Index >= len(categories):
		return "", "", fmt.Sprintf("分类已变更，请重新打开 /ticket %d", t.ID)
	default:
		category = categories[p.Index]
	}
	return kind, category, ""
}

// ClassifyLabel is a classification in a few characters: 咨询·登录.
func ClassifyLabel(kind, category string) string {
	return bot.KindLabel(kind) + "·" + bot.CategoryLabel(category)
}

// ClassifiedToast answers a press: what the ticket is now, and whether the
// press changed it.
func ClassifiedToast(t *bot.Ticket, changed bool) string {
	verb := "已是"
	if changed {
		verb = "已设为"
	}
	return fmt.Sprintf("工单 #%d %s %s", t.ID, verb, ClassifyLabel(t.Kind, t.Category))
}
