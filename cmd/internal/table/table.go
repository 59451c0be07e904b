// Package table prints the operator's tables: columns aligned by display
// width, so that a column of Chinese names (two terminal cells a
// character) lines up with the rest, which text/tabwriter does not do.
package table

import (
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// Table is rows of cells, the first of them the header.
type Table struct {
	indent string
	rows   [][]string
}

// New starts a table with its header.
func New(header ...string) *Table { return &Table{rows: [][]string{header}} }

// Indent puts prefix before every line.
func (t *Table) Indent(prefix string) *Table {
	t.indent = prefix
	return t
}

// Row adds a row.
func (t *Table) Row(cells ...string) { t.rows = append(t.rows, cells) }

// Write prints the table: each column as wide as its widest cell, two
// spaces between columns, no spaces after the last.
func (t *Table) Write(w io.Writer) error {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], runewidth.StringWidth(c))
		}
	}
	var b, line strings.Builder
	for _, r := range t.rows {
		line.Reset()
		line.WriteString(t.indent)
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ")) // an empty last cell leaves no trailing spaces
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
