package policyfile_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/bot/policy"
)

// The categories key: absent gives the defaults, a list is taken trimmed
// and in order, and an empty list offers none.
func TestPolicyCategories(t *testing.T) {
	twenty := make([]string, 20)
	for i := range twenty {
		twenty[i] = fmt.Sprintf("分类%d", i)
	}
	for _, c := range []struct {
		name, yaml string
		want       []string
	}{
		{"absent", "", policy.DefaultCategories},
		{"null", "categories:", policy.DefaultCategories},
		{"listed, trimmed", "categories: [\" 登录 \", 报表, 一二三四五六七八]", []string{"登录", "报表", "一二三四五六七八"}},
		{"none", "categories: []", []string{}},
		{"twenty", "categories: [" + strings.Join(twenty, ", ") + "]", twenty},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := parse(t, []byte(c.yaml), "").Categories
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("categories (-want +got):\n%s", d)
			}
		})
	}
	if p := parse(t, nil, ""); !cmp.Equal(p.Categories, []string{"登录", "报表", "打印", "接口", "数据", "其他"}) {
		t.Errorf("defaults without a file: %v", p.Categories)
	}
	example, err := policyfile.Load("../../config.example.yaml", shanghai, quiet())
	if err != nil || !cmp.Equal(example.Policy.Categories, policy.DefaultCategories) {
		t.Errorf("config.example.yaml's categories: %v, %v", example, err)
	}
}

// Each bad entry stops the start with one line naming it.
func TestPolicyCategoryErrors(t *testing.T) {
	many := strings.Repeat("a, ", 20) + "a"
	for _, c := range []struct{ name, yaml, want string }{
		{"empty", "categories: [登录, \"  \"]", "HOTLINE_CONFIG: categories[1]: empty; give a name like 登录"},
		{"too long", "categories: [登录, 报表, 一二三四五六七八九]", `HOTLINE_CONFIG: categories[2]: "一二三四五六七八九" is 9 characters; at most 8`},
		{"twice", "categories: [登录, 报表, \" 登录\"]", `HOTLINE_CONFIG: categories[2]: "登录" is listed twice (also categories[0])`},
		{"too many", "categories: [" + many + "]", "HOTLINE_CONFIG: categories: 21 entries; at most 20"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := policyfile.Parse([]byte(c.yaml), "", shanghai, quiet())
			if err == nil || err.Error() != c.want {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
	if _, err := policyfile.Parse([]byte("categories: 登录"), "", shanghai, quiet()); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("a category that is not a list: %v", err)
	}
}
