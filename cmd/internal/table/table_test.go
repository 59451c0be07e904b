package table

import (
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

// Columns line up on the screen: every cell of a column starts at the same
// display column, Chinese characters counting two.
func TestAlignsByDisplayWidth(t *testing.T) {
	tb := New("NUMBER", "NAME", "UNITS")
	tb.Row("007", "李工", "大庆市住房公积金管理中心")
	tb.Row("1234", "Alexander", "all")
	tb.Row("9", "空", "")
	var b strings.Builder
	if err := tb.Write(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	col := func(line, cell string) int { return runewidth.StringWidth(line[:strings.Index(line, cell)]) }
	if a, c, d := col(lines[0], "UNITS"), col(lines[1], "大庆"), col(lines[2], "all"); a != c || c != d || len(lines) != 4 {
		t.Errorf("UNITS at %d, 大庆 at %d, all at %d:\n%s", a, c, d, b.String())
	}
	for _, l := range lines {
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing space in %q", l)
		}
	}
}
