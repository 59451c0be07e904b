package wechat

import (
	"errors"
	"strings"
	"testing"
)

// Each keyword type's rule (PLATFORM-NOTES.md): a value is fitted when it
// can be without changing its meaning, and refused with errValue when not.
func TestFitValue(t *testing.T) {
	for _, c := range []struct {
		keyword, in, want string // want "" with an error
	}{
		{"thing4", "打印机不能用", "打印机不能用"},
		{"thing4", strings.Repeat("长", 25), strings.Repeat("长", 19) + "…"},
		{"keyword1", strings.Repeat("a", 21), strings.Repeat("a", 19) + "…"}, // an old template: as thing
		{"character_string1", "#1024", "#1024"},
		{"character_string1", "工单 #1024", "#1024"},
		{"character_string1", strings.Repeat("9", 40), strings.Repeat("9", 31) + "…"},
		{"character_string1", "工单", ""},
		{"phrase2", "已受理", "已受理"},
		{"phrase2", "待 您 确认", "待您确认"},
		{"phrase2", "已解决，请确认", ""}, // six characters without the comma: refused, not cut
		{"phrase2", "OK", ""},
		{"time3", "2026-12-08 15:01", "2026-12-08 15:01"},
		{"time3", "2026年12月8日 15:01", "2026年12月8日 15:01"},
		{"date2", "2026-12-31", "2026-12-31"},
		{"time3", "明天下午", ""},
		{"number5", "42", "42"},
		{"number5", "#42", ""},
		{"amount6", "12.50", "12.50"},
		{"amount6", "twelve", ""},
		{"name7", "李工", "李工"},
		{"name7", strings.Repeat("名", 11), ""},
		{"phone_number8", "138 0013 8000", "13800138000"},
		{"phone_number8", "0459-1234567", "0459-1234567"},
		{"phone_number8", "电话", ""},
	} {
		got, err := fitValue(c.keyword, c.in)
		if c.want == "" {
			if !errors.Is(err, errValue) || !strings.Contains(err.Error(), c.keyword) {
				t.Errorf("fitValue(%s, %q) = %q, %v; want an error naming the keyword", c.keyword, c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("fitValue(%s, %q) = %q, %v; want %q", c.keyword, c.in, got, err, c.want)
		}
	}
}
