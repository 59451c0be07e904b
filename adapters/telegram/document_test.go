package telegram_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store/storetest"
)

// A report goes as a document with its name and a caption cut to
// Telegram's 1,024 UTF-16 units; a chat that blocked the bot is a final
// refusal (bot.ErrRefused), as is an empty file, so the caller does not
// retry them.
func TestSendStaffDocument(t *testing.T) {
	fake := telegramtest.New(t)
	b, _ := newBot(t, testConfig(fake), nil, storetest.Postgres(t))
	ctx := context.Background()
	caption := strings.Repeat("月报😀", 400) // 1,600 UTF-16 units
	err := b.SendStaffDocument(ctx, bot.StaffDocument{ChatID: 42, Name: "2026-11-系统服务月报.xlsx", Data: []byte("PK\x03\x04"), Caption: caption})
	if err != nil {
		t.Fatal(err)
	}
	calls := fake.Calls("sendDocument")
	if len(calls) != 1 || !calls[0].OK || calls[0].FileName != "2026-11-系统服务月报.xlsx" || string(calls[0].Upload) != "PK\x03\x04" {
		t.Fatalf("calls %+v", calls)
	}
	if n := len(utf16.Encode([]rune(calls[0].Text()))); n > 1024 || !strings.HasPrefix(caption, strings.TrimSuffix(calls[0].Text(), "…")) {
		t.Fatalf("caption of %d units", n)
	}

	fake.Block(43)
	err = b.SendStaffDocument(ctx, bot.StaffDocument{ChatID: 43, Name: "r.xlsx", Data: []byte("x")})
	if !errors.Is(err, bot.ErrRefused) || strings.Contains(err.Error(), telegramtest.Token) {
		t.Fatalf("to a chat that blocked the bot: %v", err)
	}
	if err := b.SendStaffDocument(ctx, bot.StaffDocument{ChatID: 42, Name: "r.xlsx"}); !errors.Is(err, bot.ErrRefused) {
		t.Fatalf("an empty file: %v", err)
	}
	if n := len(fake.Calls("sendDocument")); n != 2 {
		t.Fatalf("%d calls; the empty file must not be sent", n)
	}
}
