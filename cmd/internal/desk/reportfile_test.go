package desk_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/hotline-desk/hotline/bot/report"
	"github.com/hotline-desk/hotline/cmd/internal/reportcmd"
)

// novemberFigures are the figures of playNovember's month as a reader of
// each format finds them: the summary's lines by group and item, the
// late tickets, staff 001's line and the revisit total.
var novemberFigures = map[[2]string]string{
	{"工单", "本月新建"}: "5", {"工单", "本月解决"}: "4", {"工单", "月末未解决"}: "2",
	{"响应时限", "按时"}: "3", {"响应时限", "超时"}: "2", {"解决时限", "按时"}: "2", {"解决时限", "超时"}: "2", {"解决时限", "未到期"}: "1",
	{"响应用时", "中位数（工作时间）"}: "1小时", {"响应用时", "90%分位（工作时间）"}: "1小时30分",
	{"解决用时", "中位数（自然时间）"}: "4小时", {"解决用时", "90%分位（自然时间）"}: "26小时",
}

// The month of TestMonthlyReportFigures through hotline report's code:
// the XLSX read back with excelize, the CSV read back, and --json give
// the same figures, and the breach list names exactly the late tickets.
func TestMonthlyReportFormats(t *testing.T) {
	f := playNovember(t)
	dir := t.TempDir()
	env := reportcmd.Env{Stdout: new(bytes.Buffer), Stderr: new(bytes.Buffer), Open: func(context.Context) (*report.Reports, func(), error) {
		return f.desk.Reports.Reports, func() {}, nil
	}}
	run := func(args ...string) {
		t.Helper()
		if err := reportcmd.Run(context.Background(), append([]string{"monthly", "--month", "2026-11"}, args...), env); err != nil {
			t.Fatalf("report %v: %v", args, err)
		}
	}
	run("--format", "xlsx", "-o", filepath.Join(dir, "r.xlsx"))
	run("--format", "csv", "-o", filepath.Join(dir, "r.csv"))
	run("--json")

	book, err := excelize.OpenFile(filepath.Join(dir, "r.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	sheet := func(name string) [][]string {
		rows, err := book.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	checkFigures(t, "xlsx", sheet("概要"), sheet("超时明细"), sheet("人员情况统计表"), sheet("用户回访统计表"))

	data, err := os.ReadFile(filepath.Join(dir, "r.csv"))
	if err != nil {
		t.Fatal(err)
	}
	sections := csvSections(t, data)
	checkFigures(t, "csv", sections["[概要]"], sections["[超时明细]"], sections["[人员情况统计表]"], sections["[用户回访统计表]"])

	var got report.Monthly
	if err := json.Unmarshal(env.Stdout.(*bytes.Buffer).Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want, err := f.desk.Reports.Monthly(context.Background(), "2026-11", "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, &got, timeEqual); diff != "" {
		t.Errorf("--json (-want +got):\n%s", diff)
	}
	var late []int64
	for _, b := range got.SLA.Breaches {
		late = append(late, b.Ticket)
	}
	if got.Summary.Opened != 5 || !slices.Equal(late, []int64{4, 5, 6, 7}) {
		t.Errorf("--json: opened %d, late %v", got.Summary.Opened, late)
	}
}

// checkFigures finds novemberFigures in a format's tables (each with its
// header row first).
func checkFigures(t *testing.T, format string, summary, breaches, staff, revisits [][]string) {
	t.Helper()
	found := map[[2]string]string{}
	for _, r := range summary {
		if len(r) >= 3 {
			if _, ok := novemberFigures[[2]string{r[0], r[1]}]; ok {
				found[[2]string{r[0], r[1]}] = r[2]
			}
		}
	}
	if diff := cmp.Diff(novemberFigures, found); diff != "" {
		t.Errorf("%s summary (-want +got):\n%s", format, diff)
	}
	var late []string
	for _, r := range breaches[1:] {
		late = append(late, r[0])
	}
	if !slices.Equal(late, []string{"4", "5", "6", "7"}) {
		t.Errorf("%s breaches name tickets %v", format, late)
	}
	if len(staff) != 3 || !slices.Equal(staff[1][:4], []string{"001", "工001", "3", "4"}) || staff[1][len(staff[1])-1] != "好" {
		t.Errorf("%s staff table %v", format, staff)
	}
	if len(revisits) < 2 || !slices.Equal(revisits[1][:3], []string{"合计", "5", "4"}) {
		t.Errorf("%s revisit table %v", format, revisits)
	}
}

// csvSections splits the report's CSV into its sections by title.
func csvSections(t *testing.T, data []byte) map[string][][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]string{}
	title := ""
	for _, row := range rows { // encoding/csv skips the empty lines between sections
		if len(row) == 1 && strings.HasPrefix(row[0], "[") && strings.HasSuffix(row[0], "]") {
			title = row[0]
			continue
		}
		out[title] = append(out[title], row)
	}
	return out
}
