package conversation

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// summaryPreview is how much of the description the summary shows: enough
// to recognise it, short enough that the summary stays one message.
const summaryPreview = 200

// Keys of the fields that can be changed from the summary (Session.Editing).
const (
	fieldUnit        = "unit"
	fieldName        = "name"
	fieldPhone       = "phone"
	fieldRoom        = "room"
	fieldDescription = "description"
	fieldSeverity    = "severity"
)

// field is one line of the summary that 修改 can change.
type field struct {
	key   string
	label string   // as the summary and the edit menu name it
	state State    // the question that asks for it
	words []string // other ways to name it when choosing what to change
}

// fields are in the order of the edit menu; its numbers are their places.
var fields = []field{
	{fieldUnit, "单位", StateUnit, []string{"单位名称"}},
	{fieldName, "联系人", StateName, []string{"姓名", "名字", "称呼", "联系人姓名"}},
	{fieldPhone, "电话", StatePhone, []string{"手机", "手机号", "电话号码", "联系电话", "号码"}},
	{fieldRoom, "房间号", StateRoom, []string{"房间", "房号"}},
	{fieldDescription, "问题描述", StateDescribe, []string{"描述", "问题"}},
	{fieldSeverity, "严重程度", StateSeverity, []string{"级别", "严重性", "等级", "程度"}},
}

var fieldAnswers = buildFieldAnswers()

func buildFieldAnswers() map[string]field {
	m := map[string]field{}
	for i, f := range fields {
		for w, v := range wordSet(f, append([]string{strconv.Itoa(i + 1), f.label}, f.words...)...) {
			m[w] = v
		}
	}
	return m
}

func fieldByKey(key string) (field, bool) {
	for _, f := range fields {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

// Answers to the summary.
const (
	summaryConfirm = "confirm"
	summaryEdit    = "edit"
	summaryCancel  = "cancel"
)

var summaryAnswers = merge(
	wordSet(summaryConfirm, "1", "确认", "确认提交", "提交", "确定", "是", "对", "好", "好的", "没问题", "可以", "ok", "yes"),
	wordSet(summaryEdit, "2", "修改", "更改", "改", "编辑", "修改信息"),
	wordSet(summaryCancel, "3"), // 取消 itself is a command in every state
)

func merge[V any](ms ...map[string]V) map[string]V {
	out := map[string]V{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func (t *turn) summaryText(text string) {
	switch summaryAnswers[compact(text)] {
	case summaryConfirm:
		t.open()
	case summaryEdit:
		t.goTo(StateEdit)
		t.ask("")
	case summaryCancel:
		cancel(t)
	default:
		t.notAnswer(text)
	}
}

func (t *turn) editText(text string) {
	f, ok := fieldAnswers[compact(text)]
	if !ok {
		t.notAnswer(text)
		return
	}
	t.goTo(f.state)
	t.s.Editing = f.key
	t.ask("")
}

func summaryPrompt(d *Draft) Reply {
	items := []MenuItem{{ID: summaryConfirm, Content: "确认提交"}, {ID: summaryEdit, Content: "修改"}, {ID: summaryCancel, Content: "取消"}}
	return choice(summaryHead+summaryLines(d), items, summaryTextTail, summaryMenuTail)
}

func summaryLines(d *Draft) string {
	var b strings.Builder
	line := func(label, value string) { fmt.Fprintf(&b, summaryFieldLineFmt, label, value) }
	line("问题描述", preview(d.Description))
	sev := strconv.Itoa(d.Severity) + " " + SeverityName(d.Severity)
	if d.SeverityGuessed {
		sev += summaryGuessedMark
	}
	line("严重程度", sev)
	line("单位", d.Unit)
	line("联系人", d.Name)
	line("电话", d.Phone)
	line("房间号", d.Room)
	if a := attachmentCounts(d.Attachments); a != "" {
		line(summaryAttachLabel, a)
	}
	return b.String()
}

func preview(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= summaryPreview {
		return s
	}
	head, _ := splitRunes(s, summaryPreview)
	return head + fmt.Sprintf(summaryMoreFmt, n)
}

func attachmentCounts(as []Attachment) string {
	counts := map[string]int{}
	for _, a := range as {
		counts[a.Kind]++
	}
	var parts []string
	for _, k := range []string{AttachmentImage, AttachmentVoice, AttachmentVideo, AttachmentLocation, AttachmentLink, AttachmentFile} {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf(summaryCountFmt[k], n))
		}
	}
	return strings.Join(parts, "，")
}

func editPrompt() Reply {
	items := make([]MenuItem, len(fields))
	for i, f := range fields {
		items[i] = MenuItem{ID: "edit_" + f.key, Content: f.label}
	}
	return choice(editHead, items, editTextTail, editMenuTail)
}
