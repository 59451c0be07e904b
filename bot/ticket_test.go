package bot_test

import (
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

func TestKindLabel(t *testing.T) {
	want := map[string]string{bot.KindFault: "故障", bot.KindConsult: "咨询", bot.KindMaintenance: "日常维护", bot.KindUpgrade: "升级补丁", "feature": "feature"}
	for kind, label := range want {
		if got := bot.KindLabel(kind); got != label {
			t.Errorf("KindLabel(%q) = %q, want %q", kind, got, label)
		}
	}
	if len(bot.Kinds) != 4 || bot.Kinds[0] != bot.KindFault {
		t.Errorf("Kinds = %v", bot.Kinds)
	}
	if bot.CategoryLabel("") != "未分类" || bot.CategoryLabel("登录") != "登录" {
		t.Error("CategoryLabel")
	}
}

// The deadline /mine and /queue show: the response first, then an
// arrival on site while one is promised and pending, then the resolution.
func TestNextDeadline(t *testing.T) {
	at := func(h int) *time.Time { v := time.Date(2026, 12, 8, h, 0, 0, 0, time.UTC); return &v }
	tests := []struct {
		name      string
		t         bot.Ticket
		due       *time.Time
		wantLabel string
	}{
		{"unanswered", bot.Ticket{ResponseDue: *at(10), ResolutionDue: at(18), VisitDue: at(12)}, at(10), "响应时限"},
		{"answered", bot.Ticket{RespondedAt: at(9), ResponseDue: *at(10), ResolutionDue: at(18)}, at(18), "解决时限"},
		{"visit pending", bot.Ticket{RespondedAt: at(9), ResolutionDue: at(18), VisitDue: at(20)}, at(20), "到场时限"},
		{"arrived", bot.Ticket{RespondedAt: at(9), ResolutionDue: at(18), VisitDue: at(12), VisitArrivedAt: at(11)}, at(18), "解决时限"},
		{"visit without a promise", bot.Ticket{RespondedAt: at(9), ResolutionDue: at(18), VisitDecidedAt: at(9)}, at(18), "解决时限"},
		{"resolved", bot.Ticket{RespondedAt: at(9), ResolvedAt: at(10), ResolutionDue: at(18), VisitDue: at(12)}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, label := tt.t.NextDeadline()
			if label != tt.wantLabel || (tt.due == nil) != due.IsZero() || (tt.due != nil && !due.Equal(*tt.due)) {
				t.Errorf("NextDeadline() = %v %q, want %v %q", due, label, tt.due, tt.wantLabel)
			}
		})
	}
}
