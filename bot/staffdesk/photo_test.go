package staffdesk

import (
	"testing"

	"github.com/hotline-desk/hotline/bot"
)

func TestPhotoTicket(t *testing.T) {
	for _, tc := range []struct {
		name    string
		u       bot.StaffUpdate
		caption string
		id      int64
		rest    string
		ok      bool
	}{
		{"reply to a ticket message", bot.StaffUpdate{PhotoID: "p", ReplyTo: 7}, "看这里", 7, "看这里", true},
		{"say with a caption", bot.StaffUpdate{PhotoID: "p"}, "/say 12 接线图", 12, "接线图", true},
		{"say with a number sign", bot.StaffUpdate{PhotoID: "p"}, "/say #12", 12, "", true},
		{"say without a number", bot.StaffUpdate{PhotoID: "p"}, "/say abc", 0, "", false},
		{"no reply, no say", bot.StaffUpdate{PhotoID: "p"}, "看这里", 0, "", false},
		{"text, not a photo", bot.StaffUpdate{ReplyTo: 7}, "/say 12 hi", 0, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, rest, ok := photoTicket(tc.u, tc.caption)
			if id != tc.id || rest != tc.rest || ok != tc.ok {
				t.Errorf("photoTicket = %d, %q, %v; want %d, %q, %v", id, rest, ok, tc.id, tc.rest, tc.ok)
			}
		})
	}
}
