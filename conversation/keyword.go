package conversation

import (
	"strings"
	"unicode"
)

// Customers type on phones with Chinese input methods, which produce
// full-width digits and letters (１２３, ＨＥＬＰ) and add punctuation
// (取消。). Keywords and answers are compared after folding those away.

// FoldFullWidth turns a full-width form of an ASCII character (１, Ａ, ！)
// into that character and leaves every other rune alone.
func FoldFullWidth(r rune) rune {
	if r >= '！' && r <= '～' {
		return r - '！' + '!'
	}
	return r
}

// foldWidth turns full-width ASCII forms into ASCII and the various dashes
// into '-'.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return FoldFullWidth(r)
		case r == '\u3000':
			return ' '
		case r == '‐' || r == '‑' || r == '‒' || r == '–' || r == '—' || r == '―' || r == '−':
			return '-'
		}
		return r
	}, s)
}

// filler is what surrounds a keyword without changing it: spaces,
// punctuation, and symbols such as emoji.
func filler(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// norm is a message as a whole-message keyword: folded, lower case, without
// surrounding filler. "  取消。" and "HELP" become "取消" and "help".
func norm(s string) string {
	return strings.ToLower(strings.TrimFunc(foldWidth(s), filler))
}

// compact is an answer with all filler removed, also inside, so that a menu
// option's text ("严重问题：系统不能正常运行…") or "1 致命" match as well.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if filler(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, foldWidth(s))
}

// wordSet maps each word's compact form to a value.
func wordSet[V any](v V, words ...string) map[string]V {
	m := make(map[string]V, len(words))
	for _, w := range words {
		m[compact(w)] = v
	}
	return m
}

// Answers to yes/no and summary questions.
var (
	yesWords = wordSet(true, "是", "是的", "对", "对的", "没错", "正确", "嗯", "好", "好的", "可以", "确认", "确定", "yes", "y", "ok")
	noWords  = wordSet(true, "否", "不是", "不", "不对", "错了", "不正确", "重新填写", "重填", "修改", "no", "n")
	// roomNoneWords mean "I have no room number".
	roomNoneWords = wordSet(true, RoomNone, "没有", "无房间号", "没有房间号", "暂无", "不用", "none")
)

// parseYesNo reads an answer to a yes/no question.
func parseYesNo(text string) (yes, ok bool) {
	c := compact(text)
	if yesWords[c] {
		return true, true
	}
	return false, noWords[c]
}
