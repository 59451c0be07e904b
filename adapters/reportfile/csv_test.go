package reportfile

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/bot/report"
)

// section is one CSV section: its header row and rows.
type section [][]string

// readCSV writes m as CSV and reads it back into its sections by title,
// keeping their order.
func readCSV(t *testing.T, m *report.Monthly) (map[string]section, []string) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, m); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	body, ok := bytes.CutPrefix(buf.Bytes(), []byte("\uFEFF"))
	if !ok {
		t.Fatal("CSV does not start with a byte order mark")
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read CSV back: %v", err)
	}
	out := map[string]section{}
	var order []string
	for _, rec := range records {
		if len(rec) == 1 && strings.HasPrefix(rec[0], "[") && strings.HasSuffix(rec[0], "]") {
			order = append(order, strings.Trim(rec[0], "[]"))
			out[order[len(order)-1]] = nil
			continue
		}
		title := order[len(order)-1]
		out[title] = append(out[title], rec)
	}
	return out, order
}

func TestCSV(t *testing.T) {
	sections, order := readCSV(t, november())
	wantOrder := []string{"概要", "SLA", "超时明细", "常见问题", "常见问题（相似描述）", "系统服务单",
		"人员情况统计表", "用户回访统计表", "用户回访统计表（问题）", "每日", "趋势", "上门与巡检", "上门与巡检（定期维护）"}
	if !slices.Equal(order, wantOrder) {
		t.Errorf("sections %v, want %v", order, wantOrder)
	}
	sum := sections["概要"]
	for _, c := range []struct {
		group, name string
		want        []string
	}{
		{"工单", "本月新建", []string{"4", ""}},
		{"工单", "本月解决", []string{"3", ""}},
		{"工单", "月末未解决", []string{"2", ""}},
		{"响应时限", "按时", []string{"3", "0.7500"}},
		{"解决时限", "按时", []string{"2", "0.5000"}},
		{"解决用时", "90%分位（自然时间）", []string{"52小时", ""}},
	} {
		if diff := cmp.Diff(c.want, item(t, sum, c.group, c.name)); diff != "" {
			t.Errorf("概要 %s/%s (-want +got):\n%s", c.group, c.name, diff)
		}
	}
	wantSLA := section{
		{"级别", "响应按时", "响应超时", "响应未到期", "响应按时率（比例）", "解决按时", "解决超时", "解决未到期", "解决按时率（比例）"},
		{"致命", "0", "1", "0", "0.0000", "0", "1", "0", "0.0000"},
		{"严重", "1", "0", "0", "1.0000", "0", "1", "0", "0.0000"},
		{"普通", "1", "0", "0", "1.0000", "1", "0", "0", "1.0000"},
		{"小问题", "1", "0", "0", "1.0000", "1", "0", "0", "1.0000"},
		{"功能建议", "0", "0", "0", "", "0", "0", "0", ""},
		{"合计", "3", "1", "0", "0.7500", "2", "2", "0", "0.5000"},
	}
	if diff := cmp.Diff(wantSLA, sections["SLA"]); diff != "" {
		t.Errorf("SLA (-want +got):\n%s", diff)
	}
	wantBreaches := section{
		{"工单", "单位", "级别", "目标", "承诺时间", "实际时间", "超时", "升级次数", "处理人"},
		{"102", "市财政局", "致命", "响应", "2026-11-05 11:00", "2026-11-05 13:30", "2小时30分", "1", "张伟"},
		{"102", "市财政局", "致命", "解决", "2026-11-06 10:00", "2026-11-06 14:30", "4小时30分", "2", "张伟"},
		{"103", "市税务局", "严重", "解决", "2026-11-24 09:00", "未完成", "167小时", "3", "王强"},
	}
	if diff := cmp.Diff(wantBreaches, sections["超时明细"]); diff != "" {
		t.Errorf("超时明细 (-want +got):\n%s", diff)
	}
}

func TestCSVTicketsStaffRevisits(t *testing.T) {
	sections, _ := readCSV(t, november())
	tickets := sections["系统服务单"]
	want := []string{"103", "王强", "E002", "孙丽", "市税务局", "", "2026-11-20 16:05", "—", "—",
		"'=SUM(A1) 报表公式出错", "", "故障", "", "严重", "微信", "处理中"}
	if len(tickets) != 5 {
		t.Fatalf("系统服务单 has %d records, want header and 4 tickets", len(tickets))
	}
	if diff := cmp.Diff(want, tickets[3]); diff != "" {
		t.Errorf("ticket 103 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"E002", "王强", "1", "1", "0", "0", "", "—"}, sections["人员情况统计表"][2]); diff != "" {
		t.Errorf("staff E002 (-want +got):\n%s", diff)
	}
	wantRevisits := section{
		{"问卷/轮次", "送达", "已答", "参与率（比例）", "满意", "满意率（比例）", "达标（目标90%）"},
		{"合计", "6", "5", "0.8333", "4", "0.8000", "否"},
		{"工单回访", "3", "3", "1.0000", "3", "1.0000", "是"},
		{"2026年第4季度回访", "3", "2", "0.6667", "1", "0.5000", "否"},
	}
	if diff := cmp.Diff(wantRevisits, sections["用户回访统计表"]); diff != "" {
		t.Errorf("用户回访统计表 (-want +got):\n%s", diff)
	}
	trend := sections["趋势"]
	if diff := cmp.Diff([]string{"2026-02", "12", "0.5200", ""}, trend[3]); diff != "" {
		t.Errorf("趋势 February, without answers (-want +got):\n%s", diff)
	}
}

func TestCSVEmptyMonth(t *testing.T) {
	sections, order := readCSV(t, emptyMonth())
	if diff := cmp.Diff([]string{noTickets, ""}, item(t, sections["概要"], "工单", "说明")); diff != "" {
		t.Errorf("概要 (-want +got):\n%s", diff)
	}
	for _, title := range order[1:] {
		if n := len(sections[title]); n != 1 {
			t.Errorf("section %s has %d records, want its header only", title, n)
		}
	}
}

func TestDefuse(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+86 138": "'+86 138", "-2": "'-2", "@SUM": "'@SUM", "\tx": "'\tx",
		"打印机": "打印机", "": "", "a=b": "a=b",
	} {
		if got := defuse(in); got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
	}
}
