package desk_test

import (
	"context"
	"testing"

	"github.com/hotline-desk/hotline/bot"
)

// A unit that an earlier policy file listed, and the current one does not,
// keeps the plan stored for it.
func TestDeskOpensTicketOnStoredUnitPlan(t *testing.T) {
	f := newFixture(t)
	if err := f.rec.Units.SyncUnits(context.Background(), []bot.Unit{{Name: "旧合同单位", Plan: "7x24"}}, f.now); err != nil {
		t.Fatal(err)
	}
	f.report("打印机不能用", "旧合同单位")
	if n := f.count(`SELECT count(*) FROM tickets WHERE NOT paid_service AND plan = '7x24'`); n != 1 {
		t.Fatalf("tickets on the stored plan = %d, want 1", n)
	}
}
