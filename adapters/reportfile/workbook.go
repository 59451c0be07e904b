package reportfile

import (
	"bytes"

	"github.com/hotline-desk/hotline/bot/report"
)

// Workbook makes a report's XLSX in memory, for a document sent to a
// chat (report.Files).
type Workbook struct{}

var _ report.Files = Workbook{}

// XLSX implements report.Files.
func (Workbook) XLSX(m *report.Monthly) ([]byte, error) {
	var b bytes.Buffer
	if err := WriteXLSX(&b, m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
