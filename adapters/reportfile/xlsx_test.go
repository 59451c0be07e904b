package reportfile

import (
	"archive/zip"
	"bytes"
	"html"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/hotline-desk/hotline/bot/report"
)

var allSheets = []string{"概要", "图表", "SLA", "超时明细", "常见问题", "系统服务单", "人员情况统计表", "用户回访统计表", "每日", "趋势", "上门与巡检"}

func writeXLSX(t *testing.T, m *report.Monthly) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, m); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("open written workbook: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f, buf.Bytes()
}

// rows are a sheet's raw cell values: numbers as stored, not formatted.
func rows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	out, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("rows of %s: %v", sheet, err)
	}
	return out
}

// item finds the 概要 row of a group and item: its value and share.
func item(t *testing.T, table [][]string, group, name string) []string {
	t.Helper()
	for _, r := range table {
		if len(r) >= 3 && r[0] == group && r[1] == name {
			return r[2:]
		}
	}
	t.Fatalf("概要 has no row %s/%s", group, name)
	return nil
}

func TestXLSXSummary(t *testing.T) {
	f, _ := writeXLSX(t, november())
	if got := f.GetSheetList(); !slices.Equal(got, allSheets) {
		t.Errorf("sheets = %v, want %v", got, allSheets)
	}
	sum := rows(t, f, "概要")
	if diff := cmp.Diff([]string{"类别", "项目", "值", "比例"}, sum[0]); diff != "" {
		t.Errorf("概要 header (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		group, name string
		want        []string
	}{
		{"报告", "单位", []string{"全部单位"}},
		{"报告", "生成时间", []string{"2026-12-01 08:00"}},
		{"报告", "统计区间", []string{"2026-11-01 00:00 至 2026-12-01 00:00"}},
		{"工单", "本月新建", []string{"4"}},
		{"工单", "本月解决", []string{"3"}},
		{"工单", "月末未解决", []string{"2"}},
		{"按类型", "故障", []string{"3", "0.75"}},
		{"按渠道", "电话", []string{"1", "0.25"}},
		{"按状态", "处理中", []string{"1", "0.25"}},
		{"响应时限", "按时", []string{"3", "0.75"}},
		{"解决时限", "超时", []string{"2", "0.5"}},
		{"解决时限", "未到期", []string{"0"}},
		{"响应用时", "中位数（工作时间）", []string{"2小时30分"}},
		{"响应用时", "90%分位（自然时间）", []string{"20小时10分"}},
		{"解决用时", "中位数（工作时间）", []string{"26小时"}},
		{"解决用时", "中位数（自然时间）", []string{"45秒"}},
	} {
		if diff := cmp.Diff(c.want, item(t, sum, c.group, c.name)); diff != "" {
			t.Errorf("概要 %s/%s (-want +got):\n%s", c.group, c.name, diff)
		}
	}
}

func TestXLSXSLAAndBreaches(t *testing.T) {
	f, _ := writeXLSX(t, november())
	wantSLA := [][]string{
		{"级别", "响应按时", "响应超时", "响应未到期", "响应按时率", "解决按时", "解决超时", "解决未到期", "解决按时率"},
		{"致命", "0", "1", "0", "0", "0", "1", "0", "0"},
		{"严重", "1", "0", "0", "1", "0", "1", "0", "0"},
		{"普通", "1", "0", "0", "1", "1", "0", "0", "1"},
		{"小问题", "1", "0", "0", "1", "1", "0", "0", "1"},
		{"功能建议", "0", "0", "0", "", "0", "0", "0"},
		{"合计", "3", "1", "0", "0.75", "2", "2", "0", "0.5"},
	}
	if diff := cmp.Diff(wantSLA, rows(t, f, "SLA")); diff != "" {
		t.Errorf("SLA (-want +got):\n%s", diff)
	}
	if got, _ := f.GetCellValue("SLA", "E7"); got != "75.0%" {
		t.Errorf("SLA E7 shown as %q, want 75.0%%", got)
	}
	wantBreaches := [][]string{
		{"工单", "单位", "级别", "目标", "承诺时间", "实际时间", "超时", "升级次数", "处理人"},
		{"102", "市财政局", "致命", "响应", "2026-11-05 11:00", "2026-11-05 13:30", "2小时30分", "1", "张伟"},
		{"102", "市财政局", "致命", "解决", "2026-11-06 10:00", "2026-11-06 14:30", "4小时30分", "2", "张伟"},
		{"103", "市税务局", "严重", "解决", "2026-11-24 09:00", "未完成", "167小时", "3", "王强"},
	}
	if diff := cmp.Diff(wantBreaches, rows(t, f, "超时明细")); diff != "" {
		t.Errorf("超时明细 (-want +got):\n%s", diff)
	}
}

func TestXLSXTicketsStaffRevisits(t *testing.T) {
	f, _ := writeXLSX(t, november())
	tickets := rows(t, f, "系统服务单")
	wantTickets := [][]string{
		{"工单号", "工作人员姓名", "工号", "客户姓名", "客户单位", "房间号", "报修时间", "解决时间", "电话/远程/现场",
			"问题描述", "解决情况", "类型", "分类", "级别", "渠道", "状态"},
		{"101", "张伟", "E001", "李娜", "市财政局", "301", "2026-11-03 09:15", "2026-11-03 11:45", "电话",
			"打印机无法打印", "重装驱动后恢复", "故障", "打印", "普通", "微信", "已解决"},
		{"103", "王强", "E002", "孙丽", "市税务局", "", "2026-11-20 16:05", "—", "—",
			"=SUM(A1) 报表公式出错", "", "故障", "", "严重", "微信", "处理中"},
	}
	if diff := cmp.Diff(wantTickets, [][]string{tickets[0], tickets[1], tickets[3]}); diff != "" {
		t.Errorf("系统服务单 (-want +got):\n%s", diff)
	}
	if len(tickets) != 5 {
		t.Errorf("系统服务单 has %d rows, want header and 4 tickets", len(tickets))
	}
	if formula, _ := f.GetCellFormula("系统服务单", "J4"); formula != "" {
		t.Errorf("a description became the formula %q", formula)
	}
	wantStaff := [][]string{
		{"编号", "姓名", "服务次数", "送达", "已答", "满意", "满意率", "评定"},
		{"E001", "张伟", "2", "2", "2", "2", "1", "好"},
		{"E002", "王强", "1", "1", "0", "0", "", "—"},
	}
	if diff := cmp.Diff(wantStaff, rows(t, f, "人员情况统计表")); diff != "" {
		t.Errorf("人员情况统计表 (-want +got):\n%s", diff)
	}
	wantRevisits := [][]string{
		{"问卷/轮次", "送达", "已答", "参与率", "满意", "满意率", "达标（目标90%）"},
		{"合计", "6", "5", "0.8333", "4", "0.8", "否"},
		{"工单回访", "3", "3", "1", "3", "1", "是"},
		{"2026年第4季度回访", "3", "2", "0.6667", "1", "0.5", "否"},
		nil,
		{"用户回访统计表（问题）"},
		{"问题", "回答数", "选项", "人数", "比例"},
		{"总体满意度", "5", "满意", "3", "0.6"},
		{"总体满意度", "5", "较满意", "1", "0.2"},
		{"总体满意度", "5", "不满意", "1", "0.2"},
	}
	if diff := cmp.Diff(wantRevisits, rows(t, f, "用户回访统计表")); diff != "" {
		t.Errorf("用户回访统计表 (-want +got):\n%s", diff)
	}
	if got, _ := f.GetCellValue("用户回访统计表", "D2"); got != "83.3%" {
		t.Errorf("参与率 shown as %q, want 83.3%%", got)
	}
}

func TestXLSXProblemsDailyTrend(t *testing.T) {
	f, _ := writeXLSX(t, november())
	wantProblems := [][]string{
		{"排名", "分类", "工单数", "比例"},
		{"1", "打印", "2", "0.5"},
		{"2", "网络", "1", "0.25"},
		{"3", "未分类", "1", "0.25"},
		nil,
		{"常见问题（相似描述）"},
		{"组", "描述示例", "工单数", "工单号"},
		{"1", "打印机无法打印", "2", "101、104"},
	}
	if diff := cmp.Diff(wantProblems, rows(t, f, "常见问题")); diff != "" {
		t.Errorf("常见问题 (-want +got):\n%s", diff)
	}
	daily := rows(t, f, "每日")
	if len(daily) != 31 || !slices.Equal(daily[5], []string{"2026-11-05", "1", "0"}) {
		t.Errorf("每日 has %d rows, row 6 %v; want 31 rows, 2026-11-05 1 0", len(daily), daily[5])
	}
	trend := rows(t, f, "趋势")
	if diff := cmp.Diff([][]string{{"2026-02", "12", "0.52"}, {"2026-11", "4", "0.625", "0.8"}},
		[][]string{trend[3], trend[12]}); diff != "" {
		t.Errorf("趋势 (-want +got):\n%s", diff)
	}
}

func TestXLSXLayout(t *testing.T) {
	f, _ := writeXLSX(t, november())
	for _, s := range tableSheets() {
		p, err := f.GetPanes(s)
		if err != nil || !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
			t.Errorf("%s panes = %+v, %v; want the header row frozen", s, p, err)
		}
	}
	id, _ := f.GetColWidth("系统服务单", "A")
	unit, _ := f.GetColWidth("系统服务单", "E")
	problem, _ := f.GetColWidth("系统服务单", "J")
	if !(id < unit && unit < problem) || problem != maxWidth {
		t.Errorf("widths 工单号 %v, 客户单位 %v, 问题描述 %v; want growing, the last capped at %d",
			id, unit, problem, maxWidth)
	}
	if style, _ := f.GetCellStyle("系统服务单", "J5"); style == 0 {
		t.Error("问题描述 is not wrapped")
	}
}

func TestXLSXCharts(t *testing.T) {
	f, file := writeXLSX(t, november())
	parts := zipParts(t, file)
	var charts []string
	for name := range parts {
		if regexp.MustCompile(`^xl/charts/chart\d+\.xml$`).MatchString(name) {
			charts = append(charts, parts[name])
		}
	}
	if len(charts) != 3 {
		t.Fatalf("%d charts, want 3", len(charts))
	}
	all := html.UnescapeString(strings.Join(charts, ""))
	for _, ref := range []string{"'每日'!$B$2:$B$31", "'SLA'!$E$2:$E$6", "'SLA'!$I$2:$I$6", "'趋势'!$D$2:$D$13"} {
		if !strings.Contains(all, ref) {
			t.Errorf("no chart reads %s", ref)
		}
	}
	// The series are named by the headers of the columns they read.
	for _, c := range []struct{ sheet, cell, want string }{
		{"每日", "B1", "新建"}, {"每日", "C1", "解决"}, {"SLA", "E1", "响应按时率"}, {"SLA", "I1", "解决按时率"},
		{"趋势", "B1", "新建"}, {"趋势", "C1", "按时率"}, {"趋势", "D1", "满意率"},
	} {
		if got, _ := f.GetCellValue(c.sheet, c.cell); got != c.want {
			t.Errorf("%s!%s = %q, want %q", c.sheet, c.cell, got, c.want)
		}
	}
	if n := strings.Count(all, "<valAx>"); n != 4 {
		t.Errorf("%d value axes, want 4: one each and the trend's secondary", n)
	}
	if !strings.Contains(parts["xl/worksheets/sheet2.xml"], "<drawing r:id=") {
		t.Error("图表 does not show its charts")
	}
	if got, _ := f.GetCellValue("图表", "A1"); !strings.Contains(got, "每日") {
		t.Errorf("图表 caption = %q", got)
	}
}

func TestXLSXEmptyMonth(t *testing.T) {
	f, file := writeXLSX(t, emptyMonth())
	sum := rows(t, f, "概要")
	if diff := cmp.Diff([]string{"本月无工单"}, item(t, sum, "工单", "说明")); diff != "" {
		t.Errorf("概要 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"市财政局"}, item(t, sum, "报告", "单位")); diff != "" {
		t.Errorf("概要 unit (-want +got):\n%s", diff)
	}
	twoTables := map[string]bool{"常见问题": true, "用户回访统计表": true, "上门与巡检": true}
	for _, s := range tableSheets()[1:] {
		got := rows(t, f, s)
		want := 1 // the header
		if twoTables[s] {
			want = 4 // header, empty row, title, header
		}
		if len(got) != want {
			t.Errorf("%s has rows %v, want headers only", s, got)
		}
	}
	for name := range zipParts(t, file) {
		if strings.HasPrefix(name, "xl/charts/") {
			t.Errorf("empty month has chart %s", name)
		}
	}
	if got, _ := f.GetCellValue("图表", "A1"); got != "本月无工单" {
		t.Errorf("图表 caption = %q, want 本月无工单", got)
	}
}

// tableSheets are the sheets of tables: all but 图表.
func tableSheets() []string {
	return slices.DeleteFunc(slices.Clone(allSheets), func(s string) bool { return s == "图表" })
}

// TestXLSXColumnsInOrder checks what Excel insists on and excelize's stream
// writer does not ensure: a sheet's <col> elements in ascending order.
func TestXLSXColumnsInOrder(t *testing.T) {
	_, file := writeXLSX(t, november())
	col := regexp.MustCompile(`<col min="(\d+)"`)
	for name, xml := range zipParts(t, file) {
		if !strings.HasPrefix(name, "xl/worksheets/sheet") {
			continue
		}
		last := 0
		for _, m := range col.FindAllStringSubmatch(xml, -1) {
			n, _ := strconv.Atoi(m[1])
			if n <= last {
				t.Errorf("%s: column %d after %d", name, n, last)
			}
			last = n
		}
	}
}

func zipParts(t *testing.T, file []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatalf("open zip: %v", err)
	}
	out := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatalf("open %s: %v", zf.Name, err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", zf.Name, err)
		}
		out[zf.Name] = string(b)
	}
	return out
}

// 上门与巡检: the visits per unit with the on-time rate, then the recurring
// work, each table with its total line.
func TestXLSXOnSite(t *testing.T) {
	f, _ := writeXLSX(t, november())
	got := rows(t, f, "上门与巡检")
	want := [][]string{
		{"单位", "承诺上门", "按时到场", "超时", "未到期", "按时率"},
		{"市中心医院", "2", "1", "1", "0", "0.5"},
		{"合计", "2", "1", "1", "0", "0.5"},
		nil,
		{"上门与巡检（定期维护）"},
		{"单位", "项目", "应做", "按时完成", "超时", "未到期"},
		{"市中心医院", "巡检", "1", "1", "0", "0"},
		{"合计", "—", "1", "1", "0", "0"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("上门与巡检 (-want +got):\n%s", diff)
	}
}
