package staffdialog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot/staffdialog"
)

func TestParseVisitTime(t *testing.T) {
	now := time.Date(2026, 12, 8, 15, 30, 0, 0, shanghai) // Tuesday afternoon
	at := func(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, shanghai) }
	tests := []struct {
		text string
		want time.Time
	}{
		{"明天上午", at(2026, 12, 9, 12, 0)},
		{"明天下午", at(2026, 12, 9, 18, 0)},
		{"今天下午", at(2026, 12, 8, 18, 0)},
		{"后天上午", at(2026, 12, 10, 12, 0)},
		{" 明天 上午 ", at(2026, 12, 9, 12, 0)},
		{"明天下午3点", at(2026, 12, 9, 15, 0)},
		{"明天3点", at(2026, 12, 9, 15, 0)},     // nobody agrees a visit for 3 a.m.
		{"明天晚上12点", at(2026, 12, 9, 23, 59)}, // the end of that day, not noon
		{"明天 9:30", at(2026, 12, 9, 9, 30)},
		{"明天9点半", at(2026, 12, 9, 9, 30)},
		{"12-09 14:00", at(2026, 12, 9, 14, 0)},
		{"12/9 14:00", at(2026, 12, 9, 14, 0)},
		{"12月9日 14:00", at(2026, 12, 9, 14, 0)},
		{"12月9日下午", at(2026, 12, 9, 18, 0)},
		{"2026-12-09 14:00", at(2026, 12, 9, 14, 0)},
		{"２０２６－１２－０９　１４：００", at(2026, 12, 9, 14, 0)}, // full-width, as a Chinese keyboard types
		{"01-05 10:00", at(2027, 1, 5, 10, 0)},       // next January
		{"16:00", at(2026, 12, 8, 16, 0)},            // today, still ahead
		{"14:00", at(2026, 12, 9, 14, 0)},            // past today: tomorrow
		{"15:30", at(2026, 12, 9, 15, 30)},           // now is not ahead
		{"14点30分", at(2026, 12, 9, 14, 30)},
		{"2027-01-07 15:30", at(2027, 1, 7, 15, 30)}, // 30 days ahead, not more
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := staffdialog.ParseVisitTime(tt.text, now)
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("ParseVisitTime(%q) = %v, %v; want %v", tt.text, got, err, tt.want)
			}
		})
	}
}

func TestParseVisitTimeRefuses(t *testing.T) {
	now := time.Date(2026, 12, 8, 15, 30, 0, 0, shanghai)
	tests := []struct{ text, want string }{
		{"今天上午", "2026-12-08 12:00 已经过去"},
		{"12-08 09:00", "2026-12-08 09:00 已经过去"},
		{"2026-12-01 14:00", "已经过去"},
		{"2027-01-07 15:31", "超过 30 天"},
		{"2027-03-01 10:00", "超过 30 天"},
		{"11-01 10:00", "已经过去"}, // last month, not next year's: that is too far to be meant
		{"02-30 10:00", "没有这一天"},
		{"明天", "没看懂"},
		{"明天晚上", "没看懂"},
		{"尽快", "没看懂"},
		{"25:00", "没看懂"},
		{"14:75", "没看懂"},
		{"", "没看懂"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := staffdialog.ParseVisitTime(tt.text, now)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseVisitTime(%q) = %v, %v; want an error with %q", tt.text, got, err, tt.want)
			}
			if strings.Contains(tt.want, "没") && !strings.Contains(err.Error(), "例如：明天上午") {
				t.Errorf("ParseVisitTime(%q): %v, without the ways to write a time", tt.text, err)
			}
		})
	}
}

func TestVisitTimeDialogue(t *testing.T) {
	now := time.Date(2026, 12, 8, 15, 30, 0, 0, shanghai)
	st, ask := staffdialog.AskVisitTime(7)
	if st.Awaiting != staffdialog.AwaitVisitTime || st.Ticket != 7 || !strings.Contains(ask.Text, "工单 #7 上门时间") || !strings.Contains(ask.Text, "明天上午") {
		t.Fatalf("AskVisitTime = %+v, %q", st, ask.Text)
	}
	tests := []struct {
		name, text string
		wantState  staffdialog.State
		wantDue    time.Time
		wantReply  string
	}{
		{"a time", "明天上午", staffdialog.State{}, time.Date(2026, 12, 9, 12, 0, 0, 0, shanghai), ""},
		{"not a time: asked again", "尽快", st, time.Time{}, "没看懂"},
		{"cancelled", "取消", staffdialog.State{}, time.Time{}, "已取消"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, due, reply := staffdialog.VisitTimeReceived(st, tt.text, now)
			if next != tt.wantState || !due.Equal(tt.wantDue) || (reply == nil) != (tt.wantReply == "") ||
				(reply != nil && !strings.Contains(reply.Text, tt.wantReply)) {
				t.Errorf("VisitTimeReceived(%q) = %+v, %v, %+v", tt.text, next, due, reply)
			}
		})
	}
}
