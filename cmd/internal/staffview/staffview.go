// Package staffview is the roster as hotline staff list prints it: a
// table, or JSON.
package staffview

import (
	"strings"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/cmd/internal/table"
)

// Staff is a staff member as staff list --json prints them.
type Staff struct {
	Number string   `json:"number"`
	Name   string   `json:"name"`
	Roles  []string `json:"roles"`
	Units  []string `json:"units"` // empty: all units
	Hours  string   `json:"hours"` // a calendar; empty: always on duty
	Linked bool     `json:"telegram_linked"`
	Active bool     `json:"active"`
}

// JSON is the roster for --json: lists are [] rather than null.
func JSON(staff []bot.Staff) []Staff {
	out := make([]Staff, len(staff))
	for i, s := range staff {
		out[i] = Staff{Number: s.Number, Name: s.Name, Roles: s.Roles(), Units: s.Units(), Hours: s.Hours,
			Linked: s.TelegramUserID != nil, Active: s.Active}
		if out[i].Roles == nil {
			out[i].Roles = []string{}
		}
		if out[i].Units == nil {
			out[i].Units = []string{}
		}
	}
	return out
}

// Table is the roster as a table.
func Table(staff []bot.Staff) *table.Table {
	tb := table.New("NUMBER", "NAME", "ROLES", "UNITS", "HOURS", "TELEGRAM", "ACTIVE")
	for _, s := range staff {
		tb.Row(s.Number, s.Name, s.RolesText, or(strings.Join(s.Units(), ","), "all"), or(s.Hours, "always"),
			pick(s.TelegramUserID != nil, "linked", "not linked"), pick(s.Active, "yes", "no"))
	}
	return tb
}

func or(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}
