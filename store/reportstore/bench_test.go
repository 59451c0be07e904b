package reportstore_test

import (
	"context"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/report"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/reportstore"
	"github.com/hotline-desk/hotline/store/storetest"
)

// seedYear writes a year of a very large vendor with generate_series:
// 1,000,000 tickets from December 2025 to November 2026 (about 83,000 a
// month) over 200 units on the 5x9 plan, a tenth still open, with their
// surveys (one in five closed tickets, rated), answers, and an escalation
// for one ticket in twenty.
func seedYear(b *testing.B, db *store.DB) {
	b.Helper()
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO customers (channel, open_id, unit_name, created_at, updated_at)
			SELECT 'wechat', 'o' || g, '单位' || (g % 200), now(), now() FROM generate_series(1, 20000) g`,
		`INSERT INTO tickets (opened_by, customer_id, channel, unit_name, unit_key, contact_name, phone, description, severity,
			status, plan, reported_at, response_due, resolution_due, responded_at, resolved_at, closed_at, staff_number,
			staff_name, handling, resolution, kind, category, created_at, updated_at)
		SELECT 'b' || g, 1 + g % 20000, CASE WHEN g % 5 = 0 THEN 'phone' ELSE 'wechat' END, '单位' || (g % 200), '单位' || (g % 200),
			'张三', '13800138000',
			(ARRAY['系统无法登录，提示密码错误', '报表导出很慢', '打印机无法打印', '接口调用超时', '数据不一致，请核对'])[1 + g % 5] || '，编号 ' || (g % 997),
			1 + g % 5, CASE WHEN g % 10 = 0 THEN 'acknowledged' ELSE 'closed' END, '5x9',
			ts, ts + interval '4 hours', ts + interval '2 days', ts + (1 + g % 7) * interval '1 hour',
			CASE WHEN g % 10 = 0 THEN NULL ELSE ts + (1 + g % 3) * interval '1 day' END,
			CASE WHEN g % 10 = 0 THEN NULL ELSE ts + interval '4 days' END,
			lpad((g % 50)::text, 3, '0'), '工' || (g % 50), 'remote', '已处理', 'fault',
			(ARRAY['登录', '报表', '打印', '接口', '数据', ''])[1 + g % 6], now(), now()
		FROM (SELECT g, timestamptz '2025-12-01 00:00+08' + g * interval '31.5 seconds' AS ts FROM generate_series(1, 1000000) g) s`,
		`INSERT INTO surveys (survey_key, ticket_id, customer_id, questionnaire, unit_name, staff_number, staff_name, severity,
			status, created_at, sent_at, answered_at, rating)
		SELECT 'ticket:' || id, id, customer_id, 'ticket', unit_name, staff_number, staff_name, severity, 'answered',
			closed_at, closed_at, closed_at + interval '1 hour', 1 + id % 4
		FROM tickets WHERE closed_at IS NOT NULL AND id % 5 = 0`,
		`INSERT INTO survey_answers (survey_id, question, value, at) SELECT id, 'overall', rating::text, answered_at FROM surveys`,
		`INSERT INTO jobs (job_key, kind, ticket_id, payload, due_at, done_at, outcome, created_at)
			SELECT 'breach:' || id, 'breach', id, 'resolution', resolution_due, resolution_due, 'sent', reported_at
			FROM tickets WHERE id % 20 = 0`,
		`VACUUM ANALYZE tickets`, // as autovacuum would have: the trend reads the index alone
		`VACUUM ANALYZE surveys`,
		`VACUUM ANALYZE jobs`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			b.Fatalf("seed: %v", err)
		}
	}
}

// BenchmarkMonthlyReport makes November 2026's report with a year of
// 1,000,000 tickets in PostgreSQL: for all units (target under 2 s and
// 300 MiB RSS) and for one unit (under 300 ms). It reports the process's
// peak RSS (VmHWM) after the runs.
func BenchmarkMonthlyReport(b *testing.B) {
	rec := storetest.Postgres(b)
	start := time.Now()
	seedYear(b, rec.DB)
	b.Logf("seeded 1,000,000 tickets in %s", time.Since(start).Round(time.Second))
	p, err := policy.Default(policy.Options{Location: shanghaiZone(b), Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, p.Location)
	reports := &report.Reports{Policy: p, Store: reportstore.New(rec.DB), Clock: func() time.Time { return now }}
	for _, c := range []struct{ name, unit string }{{"all-units", ""}, {"one-unit", "单位7"}} {
		b.Run(c.name, func(b *testing.B) {
			runtime.GC()
			var opened int
			for b.Loop() {
				m, err := reports.Monthly(context.Background(), "2026-11", c.unit)
				if err != nil {
					b.Fatal(err)
				}
				opened = m.Summary.Opened
			}
			b.ReportMetric(float64(opened), "tickets")
			b.ReportMetric(peakRSS(b), "MiB-peak-RSS")
		})
	}
}

func shanghaiZone(b *testing.B) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		b.Fatal(err)
	}
	return loc
}

// peakRSS is the process's peak resident set (VmHWM), in MiB.
func peakRSS(b *testing.B) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc: peak RSS unknown")
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}
