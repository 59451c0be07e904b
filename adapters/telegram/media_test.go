package telegram_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/hotline-desk/hotline/adapters/telegram"
	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

// mediaSource serves customers' media from a map, counting the fetches.
type mediaSource struct {
	mu      sync.Mutex
	media   map[string][]byte
	fetches int
}

func (s *mediaSource) FetchMedia(_ context.Context, id string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fetches++
	if data, ok := s.media[id]; ok {
		return data, nil
	}
	return nil, errors.New("errcode=40007: invalid media_id")
}

// A customer's photo goes as bytes (sendPhoto with an upload) with its
// caption, and a reply to it still reaches the ticket.
func TestOutboxCustomerPhoto(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		fake := telegramtest.New(t)
		cfg := testConfig(fake)
		photo := []byte("\xff\xd8\xff customer jpeg")
		cfg.Media = &mediaSource{media: map[string][]byte{"wx-media-1": photo}}
		b, _ := newBot(t, cfg, nil, rec)
		send(t, b, bot.StaffMessage{ChatID: engineer, TicketID: 42, Text: "客户发来一张图片（素材 ID wx-media-1）",
			CustomerMedia: "wx-media-1", MediaCaption: "💬 工单 #42 客户发来的图片"})
		start(t, b.RunOutbox)

		sent := fake.WaitSent(t, 1, wait)[0]
		if sent.Method != "sendPhoto" || !bytes.Equal(sent.Upload, photo) || sent.Text() != "💬 工单 #42 客户发来的图片" {
			t.Fatalf("sent %s %q with %d bytes", sent.Method, sent.Text(), len(sent.Upload))
		}
		eventually(t, "the photo recorded under ticket 42", func() bool {
			id, err := rec.Outbox.TicketOfMessage(context.Background(), engineer, sent.MessageID)
			return err == nil && id == 42
		})
	})
}

// Media that cannot be had is tried GiveUpAfter times; then the text
// notice goes instead.
func TestOutboxCustomerPhotoGoneSendsNotice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		fake := telegramtest.New(t)
		cfg := testConfig(fake)
		src := &mediaSource{}
		cfg.Media = src
		b, _ := newBot(t, cfg, nil, rec)
		send(t, b, bot.StaffMessage{ChatID: engineer, TicketID: 42, Text: "客户发来一张图片（素材 ID gone）",
			CustomerMedia: "gone", MediaCaption: "💬 工单 #42 客户发来的图片"})
		start(t, b.RunOutbox)

		sent := fake.WaitSent(t, 1, wait)[0]
		if sent.Method != "sendMessage" || sent.Text() != "客户发来一张图片（素材 ID gone）" {
			t.Fatalf("sent %s %q", sent.Method, sent.Text())
		}
		src.mu.Lock()
		defer src.mu.Unlock()
		if src.fetches != 3 {
			t.Errorf("fetched %d times, want 3 (GiveUpAfter)", src.fetches)
		}
	})
}

// Without a MediaSource the notice goes as text at once.
func TestOutboxCustomerPhotoWithoutSource(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		fake := telegramtest.New(t)
		b, _ := newBot(t, testConfig(fake), nil, rec)
		send(t, b, bot.StaffMessage{ChatID: engineer, Text: "客户发来一张图片", CustomerMedia: "m", MediaCaption: "图片"})
		start(t, b.RunOutbox)
		if sent := fake.WaitSent(t, 1, wait)[0]; sent.Method != "sendMessage" || sent.Text() != "客户发来一张图片" {
			t.Fatalf("sent %s %q", sent.Method, sent.Text())
		}
	})
}

func TestFetchStaffPhoto(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		fake := telegramtest.New(t)
		b, _ := newBot(t, testConfig(fake), nil, rec)
		ctx := context.Background()
		photo := []byte("\xff\xd8\xff staff jpeg")
		fake.AddFile("staff-photo", photo)
		fake.AddFile("huge", make([]byte, telegram.MaxStaffPhoto+1))

		got, err := b.FetchStaffPhoto(ctx, "staff-photo")
		if err != nil || !bytes.Equal(got, photo) {
			t.Fatalf("fetched %q, %v", got, err)
		}
		for _, id := range []string{"huge", "unknown"} {
			_, err := b.FetchStaffPhoto(ctx, id)
			if err == nil {
				t.Fatalf("%s: fetched", id)
			}
			if strings.Contains(err.Error(), telegramtest.Token) {
				t.Errorf("%s: error quotes the token: %v", id, err)
			}
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := b.FetchStaffPhoto(cancelled, "staff-photo"); err == nil {
			t.Error("fetched with a cancelled context")
		}
	})
}

// Telegram refusing an upload (the bot blocked) is final like any refusal:
// the library builds upload errors without their code, and the adapter
// puts it back. The photo is tried GiveUpAfter times, the customer's media
// fetched as often, and the chat's next message is not held behind it.
func TestOutboxRefusedUploadIsFinal(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	cfg := testConfig(fake)
	cfg.GiveUpAfter = 2
	src := &mediaSource{media: map[string][]byte{"wx-media-1": []byte("\xff\xd8\xff jpeg")}}
	cfg.Media = src
	b, _ := newBot(t, cfg, nil, rec)
	blocked := int64(667)
	fake.Block(blocked)
	send(t, b, bot.StaffMessage{ChatID: blocked, TicketID: 7, Text: "客户发来一张图片", CustomerMedia: "wx-media-1", MediaCaption: "💬 工单 #7 客户发来的图片"})
	start(t, b.RunOutbox)
	eventually(t, "the photo given up", func() bool {
		return count(t, rec, `SELECT count(*) FROM telegram_outbox WHERE failed_at IS NOT NULL`) == 1
	})
	if n := len(fake.Calls("sendPhoto")); n != 2 {
		t.Errorf("%d sendPhoto calls, want 2 (GiveUpAfter)", n)
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.fetches != 2 {
		t.Errorf("the customer's media fetched %d times, want 2", src.fetches)
	}
}

// A photo Telegram will not take (400) is not retried: the engineer gets
// the message's words with a note, once, and the chat goes on.
func TestOutboxRefusedPhotoSendsTheText(t *testing.T) {
	fake := telegramtest.New(t)
	rec := storetest.Postgres(t)
	cfg := testConfig(fake)
	cfg.Media = &mediaSource{media: map[string][]byte{"wx-media-1": []byte("not really a jpeg")}}
	b, _ := newBot(t, cfg, nil, rec)
	fake.RefusePhotos(true)
	send(t, b, bot.StaffMessage{ChatID: engineer, TicketID: 7, Text: "客户发来一张图片（素材 ID wx-media-1）", CustomerMedia: "wx-media-1", MediaCaption: "💬 工单 #7 客户发来的图片"})
	send(t, b, bot.StaffMessage{ChatID: engineer, Text: "下一条"})
	start(t, b.RunOutbox)
	sent := fake.WaitSent(t, 2, wait)
	if !strings.Contains(sent[0].Text(), "客户发来一张图片") || !strings.Contains(sent[0].Text(), "图片未能在 Telegram 显示") || sent[1].Text() != "下一条" {
		t.Fatalf("sent %q, %q", sent[0].Text(), sent[1].Text())
	}
	if n := len(fake.Calls("sendPhoto")); n != 1 {
		t.Errorf("%d sendPhoto calls, want 1", n)
	}
	if n := count(t, rec, `SELECT count(*) FROM telegram_outbox WHERE failed_at IS NOT NULL`); n != 0 {
		t.Errorf("%d rows failed", n)
	}
}
