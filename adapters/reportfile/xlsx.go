package reportfile

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/xuri/excelize/v2"

	"github.com/hotline-desk/hotline/bot/report"
)

// Column widths, in Excel's units (about one Latin character).
const (
	minWidth = 6
	maxWidth = 60 // long text beyond this wraps
	padWidth = 2
)

// textWidth measures text as a Chinese Excel shows it: CJK characters and
// the ambiguous ones (—, “”) take two columns. It is fixed, not taken
// from the locale, so the widths do not depend on where the report is made.
var textWidth = &runewidth.Condition{EastAsianWidth: true}

// styles are the workbook's cell styles.
type styles struct {
	header int // bold, shaded: the header rows
	title  int // bold: the title row of a sheet's second table
	pct    int // 0.0%
	wrap   int // wrapped text, top aligned
}

// WriteXLSX writes m to w as an XLSX workbook: one sheet per table (概要,
// SLA, 超时明细, 常见问题, 系统服务单, 人员情况统计表, 用户回访统计表, 每日,
// 趋势), each with its header row frozen, and after 概要 the sheet 图表 with
// three native charts of their data: tickets per day, the on-time rate by
// severity, and the 12-month trend. The tables are written with excelize's
// stream writer, which keeps at most 16 MB of a sheet in memory and the
// rest in a temporary file, so memory stays flat however many tickets the
// month had; excelize does hold the compressed workbook (about 65 bytes a
// ticket) in memory while it copies it to w.
func WriteXLSX(w io.Writer, m *report.Monthly) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close workbook: %w", cerr))
		}
	}()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	all := sheets(m)
	if err := addSheets(f, all); err != nil {
		return err
	}
	for _, s := range all {
		if err := writeSheet(f, st, s); err != nil {
			return fmt.Errorf("write sheet %s: %w", s.name, err)
		}
	}
	if err := writeCharts(f, st, m); err != nil {
		return fmt.Errorf("write sheet %s: %w", sheetCharts, err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// newStyles registers the workbook's styles.
func newStyles(f *excelize.File) (styles, error) {
	pct := "0.0%"
	defs := []*excelize.Style{
		{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Alignment: &excelize.Alignment{Vertical: "center"},
		},
		{Font: &excelize.Font{Bold: true, Size: 12}},
		{CustomNumFmt: &pct},
		{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}},
	}
	ids := make([]int, len(defs))
	for i, d := range defs {
		id, err := f.NewStyle(d)
		if err != nil {
			return styles{}, fmt.Errorf("new style: %w", err)
		}
		ids[i] = id
	}
	return styles{header: ids[0], title: ids[1], pct: ids[2], wrap: ids[3]}, nil
}

// addSheets names the new workbook's sheets, in order: the tables' with
// 图表 second.
func addSheets(f *excelize.File, all []sheet) error {
	if err := f.SetSheetName(f.GetSheetName(0), all[0].name); err != nil {
		return fmt.Errorf("name sheet %s: %w", all[0].name, err)
	}
	names := []string{sheetCharts}
	for _, s := range all[1:] {
		names = append(names, s.name)
	}
	for _, name := range names {
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("add sheet %s: %w", name, err)
		}
	}
	f.SetActiveSheet(0)
	return nil
}

// writeSheet streams one sheet: its layout (frozen header, column widths
// and styles), which the stream writer takes only before the first row,
// then its tables.
func writeSheet(f *excelize.File, st styles, s sheet) error {
	sw, err := f.NewStreamWriter(s.name)
	if err != nil {
		return err
	}
	if err := layout(sw, st, s); err != nil {
		return err
	}
	if err := writeTables(sw, st, s.tables); err != nil {
		return err
	}
	return sw.Flush()
}

// layout freezes the header row, sets each column's width from its widest
// cell, and wraps the long-text columns. The columns go right to left:
// each call puts its column first in the sheet's list, and Excel wants
// them in order.
func layout(sw *excelize.StreamWriter, st styles, s sheet) error {
	err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
	if err != nil {
		return fmt.Errorf("freeze header: %w", err)
	}
	widths, wrap := columnWidths(s.tables), wrapped(s.tables)
	for i := len(widths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return fmt.Errorf("column width: %w", err)
		}
		if !wrap[i] {
			continue
		}
		if err := sw.SetColStyle(i+1, i+1, st.wrap); err != nil {
			return fmt.Errorf("column style: %w", err)
		}
	}
	return nil
}

// wrapped tells the columns of a sheet that hold long text in any of its
// tables.
func wrapped(tables []table) map[int]bool {
	out := map[int]bool{}
	for _, t := range tables {
		for i, c := range t.cols {
			if c.kind == wrapCol {
				out[i] = true
			}
		}
	}
	return out
}

// columnWidths fits each column of a sheet to its widest header or cell,
// within [minWidth, maxWidth]. It reads every row once before the rows
// are written.
func columnWidths(tables []table) []float64 {
	var widths []int
	grow := func(i, w int) {
		for len(widths) <= i {
			widths = append(widths, 0)
		}
		widths[i] = max(widths[i], w)
	}
	for _, t := range tables {
		for i, c := range t.cols {
			grow(i, cellWidth(c.name)+padWidth) // bold
		}
		for row := range t.rows {
			for i, v := range row {
				grow(i, cellWidth(v))
			}
		}
	}
	out := make([]float64, len(widths))
	for i, w := range widths {
		out[i] = float64(min(max(w+padWidth, minWidth), maxWidth))
	}
	return out
}

// cellWidth is how many columns a cell's value takes: its widest line for
// text.
func cellWidth(v any) int {
	switch v := v.(type) {
	case string:
		if !strings.Contains(v, "\n") {
			return textWidth.StringWidth(v)
		}
		w := 0
		for line := range strings.SplitSeq(v, "\n") {
			w = max(w, textWidth.StringWidth(line))
		}
		return w
	case int:
		return digits(int64(v))
	case int64:
		return digits(v)
	case share:
		return len("100.0%")
	}
	return 0
}

// digits is how many characters n takes in decimal.
func digits(n int64) int {
	d := 1
	if n < 0 {
		d, n = 2, -n
	}
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}

// writeTables writes a sheet's tables one below the other: the first from
// row 1, its header the frozen row; each later one after an empty row,
// under a title row.
func writeTables(sw *excelize.StreamWriter, st styles, tables []table) error {
	r := 1
	var cells []any
	for i, t := range tables {
		if i > 0 {
			r++
			title := []any{excelize.Cell{StyleID: st.title, Value: t.title}}
			if err := setRow(sw, r, title); err != nil {
				return err
			}
			r++
		}
		header := make([]any, len(t.cols))
		for j, c := range t.cols {
			header[j] = excelize.Cell{StyleID: st.header, Value: c.name}
		}
		if err := setRow(sw, r, header); err != nil {
			return err
		}
		r++
		for row := range t.rows {
			cells = xlsxCells(cells[:0], row, st)
			if err := setRow(sw, r, cells); err != nil {
				return err
			}
			r++
		}
	}
	return nil
}

// xlsxCells appends a row's cells as the stream writer takes them: a share
// becomes a number in the percent style.
func xlsxCells(dst, row []any, st styles) []any {
	for _, v := range row {
		if s, ok := v.(share); ok {
			v = excelize.Cell{StyleID: st.pct, Value: float64(s)}
		}
		dst = append(dst, v)
	}
	return dst
}

// setRow writes the cells from column A of row r.
func setRow(sw *excelize.StreamWriter, r int, cells []any) error {
	cell, err := excelize.CoordinatesToCellName(1, r)
	if err != nil {
		return err
	}
	if err := sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("row %d: %w", r, err)
	}
	return nil
}
