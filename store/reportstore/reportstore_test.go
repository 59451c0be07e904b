package reportstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/reportstore"
	"github.com/hotline-desk/hotline/store/storetest"
)

var shanghai = time.FixedZone("CST", 8*3600)

func at(month time.Month, day, hour int) time.Time {
	return time.Date(2026, month, day, hour, 0, 0, 0, shanghai)
}

// seed writes a customer and tickets straight into the tables: the
// report reads what any path wrote.
func seed(t *testing.T, rec *store.Records, tickets []bot.Ticket) {
	t.Helper()
	ctx := context.Background()
	now := at(time.December, 1, 9).UTC()
	if _, err := rec.DB.ExecContext(ctx, `INSERT INTO customers (channel, open_id, unit_name, created_at, updated_at)
		VALUES ('wechat', 'o1', '甲单位', $1, $1)`, now); err != nil {
		t.Fatal(err)
	}
	for i, tk := range tickets {
		_, err := rec.DB.ExecContext(ctx, `INSERT INTO tickets (opened_by, customer_id, channel, unit_name, unit_key, contact_name,
			phone, description, severity, status, plan, reported_at, response_due, resolution_due, responded_at, resolved_at,
			closed_at, staff_number, staff_name, category, paused_since, created_at, updated_at)
			VALUES ($1, 1, 'wechat', $2, $3, '张三', '13800138000', $4, $5, $6, '7x24', $7, $8, $9, $10, $11, $12, $13, $14, $15, $17, $16, $16)`,
			string(rune('a'+i)), tk.UnitName, bot.UnitKey(tk.UnitName), tk.Description, tk.Severity, tk.Status,
			tk.ReportedAt.UTC(), tk.ResponseDue.UTC(), utcPtr(tk.ResolutionDue), utcPtr(tk.RespondedAt), utcPtr(tk.ResolvedAt),
			utcPtr(tk.ClosedAt), tk.StaffNumber, tk.StaffName, tk.Category, now, utcPtr(tk.PausedSince))
		if err != nil {
			t.Fatal(err)
		}
	}
}

func utcPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// The store's facts on both engines: the month's tickets, resolutions of
// an older ticket, the tickets open at the end, services, the units, and
// the trend counted in SQL by the same rule as the report counts in Go.
func TestFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		seed(t, rec, []bot.Ticket{
			{UnitName: "甲单位", Description: "十月的工单", Severity: 3, Status: bot.StatusClosed, ReportedAt: at(10, 30, 10),
				ResponseDue: at(10, 30, 14), ResolutionDue: bot.Ptr(at(10, 31, 10)), RespondedAt: bot.Ptr(at(10, 30, 11)),
				ResolvedAt: bot.Ptr(at(11, 2, 10)), ClosedAt: bot.Ptr(at(11, 3, 10)), StaffNumber: "001", StaffName: "李工"},
			{UnitName: "甲单位", Description: "按时", Severity: 2, Status: bot.StatusResolved, ReportedAt: at(11, 3, 10),
				ResponseDue: at(11, 3, 12), ResolutionDue: bot.Ptr(at(11, 3, 18)), RespondedAt: bot.Ptr(at(11, 3, 12)),
				ResolvedAt: bot.Ptr(at(11, 3, 14)), StaffNumber: "001", StaffName: "李工", Category: "登录"},
			{UnitName: "乙 单位", Description: "未响应", Severity: 4, Status: bot.StatusOpen, ReportedAt: at(11, 30, 10),
				ResponseDue: at(11, 30, 18), ResolutionDue: bot.Ptr(at(12, 2, 10))},
			{UnitName: "甲单位", Description: "等客户补充", Severity: 3, Status: bot.StatusWaiting, ReportedAt: at(11, 20, 10),
				ResponseDue: at(11, 20, 14), ResolutionDue: bot.Ptr(at(11, 21, 10)), RespondedAt: bot.Ptr(at(11, 20, 11)),
				PausedSince: bot.Ptr(at(11, 20, 12))},
		})
		s := reportstore.New(rec.DB)
		ctx := context.Background()
		f, err := s.Facts(ctx, "", at(11, 1, 0), at(12, 1, 0), at(12, 1, 9))
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Tickets) != 3 || f.Tickets[0].Category != "登录" || f.Tickets[1].RespondedAt != nil || f.Tickets[2].PausedSince == nil ||
			len(f.Resolved) != 2 || f.OpenAtEnd != 2 {
			t.Fatalf("tickets %d, resolved %d, open at end %d", len(f.Tickets), len(f.Resolved), f.OpenAtEnd)
		}
		if len(f.Services) != 1 || f.Services[0].Number != "001" || f.Services[0].Services != 1 {
			t.Fatalf("services %+v", f.Services)
		}
		oct, nov := f.Trend[10], f.Trend[11]
		// October: response met, resolution missed; November: 3 met (at
		// the deadline counts), 1 response missed, 1 resolution pending,
		// and the waiting ticket's resolution, passed unreached, pending.
		if oct.Opened != 1 || oct.Met != 1 || oct.Missed != 1 || nov.Opened != 3 || nov.Met != 3 || nov.Missed != 1 {
			t.Fatalf("trend October %+v, November %+v", oct, nov)
		}
		one, err := s.Facts(ctx, bot.UnitKey("乙单位"), at(11, 1, 0), at(12, 1, 0), at(12, 1, 9))
		if err != nil || len(one.Tickets) != 1 || one.Trend[11].Opened != 1 || one.OpenAtEnd != 1 {
			t.Fatalf("one unit: %+v, %v", one, err)
		}
		units, err := s.MonthUnits(ctx, at(11, 1, 0), at(12, 1, 0))
		if err != nil || len(units) != 2 {
			t.Fatalf("units %v, %v", units, err)
		}
		if ok, err := s.HasUnit(ctx, bot.UnitKey("乙单位")); err != nil || !ok {
			t.Fatalf("HasUnit: %v, %v", ok, err)
		}
		if ok, _ := s.HasUnit(ctx, "丙单位"); ok {
			t.Fatal("HasUnit found a unit without tickets")
		}
	})
}
