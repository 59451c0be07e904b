package conversation

import (
	"fmt"
	"strconv"
)

// severityLevel is one of the five levels of the service commitment
// (SERVICE-PRACTICE.md). words are other ways customers name it.
type severityLevel struct {
	name, meaning string
	words         []string
}

// severityLevels[n-1] is level n.
var severityLevels = [...]severityLevel{
	{"致命性问题", "系统瘫痪，业务无法进行", []string{"致命", "致命性", "致命问题", "一级"}},
	{"严重问题", "系统不能正常运行，多项功能受影响", []string{"严重", "二级"}},
	{"普通问题", "部分功能失效，业务基本可以进行", []string{"普通", "一般", "一般问题", "三级"}},
	{"小问题", "不影响基本服务", []string{"小", "轻微", "轻微问题", "四级"}},
	{"功能建议", "希望增加或改进的功能", []string{"建议", "功能需求", "需求", "改进建议", "五级"}},
}

// severityDefault is assumed when the customer's answer is not understood
// three times: the middle level, which the engineer can correct.
const severityDefault = 3

// SeverityName is the level's name, 1 → 致命性问题; "" when out of range.
func SeverityName(n int) string {
	if n < 1 || n > len(severityLevels) {
		return ""
	}
	return severityLevels[n-1].name
}

// SeverityMeaning is the level's one-line meaning, 1 → 系统瘫痪，业务无法进行.
func SeverityMeaning(n int) string {
	if n < 1 || n > len(severityLevels) {
		return ""
	}
	return severityLevels[n-1].meaning
}

// severityOption is the level as a menu option reads.
func severityOption(n int) string {
	return SeverityName(n) + "：" + SeverityMeaning(n)
}

// severityAnswers maps every accepted answer's compact form to its level:
// the digit, "N级", the name and its other words, the option's text, and the
// option's number with its name.
var severityAnswers = buildSeverityAnswers()

func buildSeverityAnswers() map[string]int {
	m := map[string]int{}
	for i, l := range severityLevels {
		n := i + 1
		d := strconv.Itoa(n)
		for _, w := range append([]string{d, d + "级", "sev" + d, l.name, d + l.name, severityOption(n)}, l.words...) {
			m[compact(w)] = n
		}
	}
	return m
}

// ParseSeverity reads a severity as people write it: 2, 2级, 严重, 严重问题.
func ParseSeverity(text string) (int, bool) { return parseSeverity(text) }

// parseSeverity reads an answer to the severity question.
func parseSeverity(text string) (int, bool) {
	n, ok := severityAnswers[compact(text)]
	return n, ok
}

func severityMenuID(n int) string { return fmt.Sprintf("sev%d", n) }

func severityPrompt() Reply {
	items := make([]MenuItem, len(severityLevels))
	for i := range severityLevels {
		items[i] = MenuItem{ID: severityMenuID(i + 1), Content: severityOption(i + 1)}
	}
	return choice(severityHead, items, severityTextTail, severityMenuTail)
}
