package policy

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// DefaultCategories are the fault categories without a categories key.
var DefaultCategories = []string{"登录", "报表", "打印", "接口", "数据", "其他"}

// Limits on the categories key: a category is a button's text and a
// column of the monthly report, so it stays short, and the buttons fit
// one message.
const (
	maxCategories    = 20
	maxCategoryRunes = 8
)

// categories checks the categories key: at most maxCategories entries,
// each a name of 1 to maxCategoryRunes characters once spaces are trimmed,
// none twice. Absent means DefaultCategories; an empty list offers none.
func (b *builder) categories() error {
	in := b.file.Categories
	if in == nil {
		b.p.Categories = append([]string(nil), DefaultCategories...)
		return nil
	}
	if len(in) > maxCategories {
		return fmt.Errorf("categories: %d entries; at most %d", len(in), maxCategories)
	}
	out := make([]string, 0, len(in))
	seen := map[string]int{}
	for i, c := range in {
		c = strings.TrimSpace(c)
		field := fmt.Sprintf("categories[%d]", i)
		switch n := utf8.RuneCountInString(c); {
		case n == 0:
			return fmt.Errorf("%s: empty; give a name like 登录", field)
		case n > maxCategoryRunes:
			return fmt.Errorf("%s: %q is %d characters; at most %d", field, c, n, maxCategoryRunes)
		}
		if j, dup := seen[c]; dup {
			return fmt.Errorf("%s: %q is listed twice (also categories[%d])", field, c, j)
		}
		seen[c] = i
		out = append(out, c)
	}
	b.p.Categories = out
	return nil
}
