package reportfile

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hotline-desk/hotline/bot/report"
)

// bom starts the file so that Excel reads it as UTF-8.
const bom = "\uFEFF"

// WriteCSV writes m to w as one UTF-8 CSV, with a byte order mark, made of
// the workbook's tables in its order. Each table is a section: a one-cell
// title row ([概要]), a header row, its rows, and an empty row. Counts and
// ticket numbers are integers; shares are decimals with four places
// (0.8333) in columns whose header says 比例, empty when there is nothing
// to divide by. A text cell that a spreadsheet would take for a formula
// (starting with = + - @, a tab or a carriage return) is prefixed with an
// apostrophe, since descriptions come from customers.
func WriteCSV(w io.Writer, m *report.Monthly) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	for _, s := range sheets(m) {
		for _, t := range s.tables {
			if err := writeSection(cw, t); err != nil {
				return fmt.Errorf("write csv section %s: %w", t.title, err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// writeSection writes one table as a section.
func writeSection(cw *csv.Writer, t table) error {
	if err := cw.Write([]string{"[" + t.title + "]"}); err != nil {
		return err
	}
	rec := make([]string, 0, len(t.cols))
	for _, c := range t.cols {
		rec = append(rec, csvHeader(c))
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for row := range t.rows {
		rec = rec[:0]
		for _, v := range row {
			rec = append(rec, csvCell(v))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Write(nil)
}

// csvHeader is a column's header; a share column's says 比例, the unit
// its decimals are in.
func csvHeader(c column) string {
	if c.kind == shareCol && !strings.Contains(c.name, "比例") {
		return c.name + "（比例）"
	}
	return c.name
}

// csvCell is a cell's text.
func csvCell(v any) string {
	switch v := v.(type) {
	case string:
		return defuse(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case share:
		return strconv.FormatFloat(float64(v), 'f', 4, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// defuse keeps a spreadsheet from running text as a formula (CSV
// injection) by starting it with an apostrophe.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
