package ticketview_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/cmd/internal/ticketview"
)

// ticket show names the kind and the category, in the form and in JSON.
func TestKindAndCategory(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, kind, category, form, json string
	}{
		{"classified", bot.KindConsult, "登录", "类型：咨询  分类：登录\n", `"kind":"consult","category":"登录"`},
		{"the defaults", bot.KindFault, "", "类型：故障  分类：未分类\n", `"kind":"fault","category":""`},
	} {
		t.Run(c.name, func(t *testing.T) {
			tk := &bot.Ticket{ID: 1, Channel: bot.ChannelPhone, Severity: 3, Status: bot.StatusResolved, ReportedAt: at, ResponseDue: at,
				Kind: c.kind, Category: c.category}
			var form bytes.Buffer
			ticketview.Form(&form, tk, nil, time.UTC)
			if !strings.Contains(form.String(), c.form) {
				t.Errorf("the form lacks %q:\n%s", c.form, form.String())
			}
			raw, err := json.Marshal(ticketview.NewJSON(tk, nil, time.UTC))
			if err != nil || !strings.Contains(string(raw), c.json) {
				t.Errorf("the JSON lacks %s: %s, %v", c.json, raw, err)
			}
		})
	}
}
