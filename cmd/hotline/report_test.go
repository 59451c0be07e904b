package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hotline-desk/hotline/bot/report"
)

// hotline report on the embedded stores: a ticket entered with ticket new
// is in its month's report in every format; a month without tickets gives
// an empty report that says so; mistakes get one line and exit 2 (usage)
// or 1 (the file cannot be written).
func TestReportCommand(t *testing.T) {
	env, _, dir := ticketEnv(t)
	ctx := context.Background()
	code, out, errOut := runWith(ctx, env, "ticket", "new", "--unit", "大庆市住房公积金管理中心", "--contact", "王五", "--phone", "13800138000",
		"--channel", "phone", "--severity", "3", "--description", "打印机无法打印", "--at", "2026-11-10 09:00")
	if code != 0 {
		t.Fatalf("ticket new: %d %s", code, errOut)
	}
	id := strings.TrimSpace(out)

	xlsx := filepath.Join(dir, "十一月.xlsx")
	if code, _, errOut := runWith(ctx, env, "report", "monthly", "--month", "2026-11", "--format", "xlsx", "-o", xlsx); code != 0 {
		t.Fatalf("report xlsx: %d %s", code, errOut)
	}
	if st, err := os.Stat(xlsx); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("a new report's mode: %v, %v (it names customers: the owner's only)", st.Mode(), err)
	}
	book, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := book.GetRows("系统服务单")
	book.Close()
	if len(rows) != 2 || rows[1][0] != id || !strings.Contains(strings.Join(rows[1], "|"), "打印机无法打印") {
		t.Fatalf("service tickets %v", rows)
	}
	code, out, _ = runWith(ctx, env, "report", "monthly", "--month", "2026-11", "--unit", "大庆市住房公积金管理中心", "--json")
	var m report.Monthly
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil || m.Summary.Opened != 1 || m.Unit != "大庆市住房公积金管理中心" {
		t.Fatalf("--json: %d %.200s", code, out)
	}
	code, out, errOut = runWith(ctx, env, "report", "monthly", "--month", "2026-05", "--format", "html", "-o", "-")
	if code != 0 || !strings.Contains(out, "本月无工单") || !strings.Contains(errOut, "本月无工单") {
		t.Fatalf("an empty month: %d %.200s / %s", code, out, errOut)
	}

	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--month", "2026-13", "--format", "csv", "-o", "-"}, 2, "月份应为 YYYY-MM"},
		{[]string{"--month", "2026-11", "--format", "pdf", "-o", "-"}, 2, "--format must be xlsx, csv or html"},
		{[]string{"--month", "2026-11", "--format", "csv"}, 2, "-o FILE"},
		{[]string{"--format", "csv", "-o", "-"}, 2, "--month YYYY-MM is required"},
		{[]string{"--month", "2026-11", "--unit", "不存在的单位", "--json"}, 1, "没有这个单位"},
		{[]string{"--month", "2099-01", "--json"}, 1, "该月尚未开始"},
		{[]string{"--month", "2026-11", "--format", "csv", "-o", filepath.Join(dir, "no", "such", "dir", "r.csv")}, 1, "cannot write"},
	} {
		code, _, errOut := runWith(ctx, env, append([]string{"report", "monthly"}, c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("report %v: exit %d, stderr %q; want %d and %q on one line", c.args, code, errOut, c.code, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); err == nil {
		t.Error("a failed report left a directory behind")
	}
	if code, out, _ := runWith(ctx, env, "report", "--help"); code != 0 || !strings.Contains(out, "report monthly --month YYYY-MM") {
		t.Errorf("report --help: %d %q", code, out)
	}
}
