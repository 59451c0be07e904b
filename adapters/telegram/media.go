package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hotline-desk/hotline/bot"
)

// MaxStaffPhoto is the largest staff photo FetchStaffPhoto downloads
// (WeChat takes image media up to 10 MB; a phone photo in Telegram's
// largest size is well under this).
const MaxStaffPhoto = 5 << 20

// errPhotoTooLarge: a staff photo over MaxStaffPhoto.
var errPhotoTooLarge = errors.New("photo larger than the limit")

// MediaSource hands over a customer's media by its id on the customer's
// channel (the WeChat messenger): the outbox worker fetches a customer's
// photo when it sends it.
//
// Why the id travels in the outbox payload and not the bytes: the payload
// is a JSON row in PostgreSQL, and photos of megabytes there (base64, in a
// table scanned by every claim) would bloat it for nothing, while WeChat
// keeps temporary media for 3 days, far longer than any outbox delay
// except a Telegram outage of days. When the media cannot be had after
// GiveUpAfter tries, the message's text notice goes instead, so the
// engineer still learns of the image.
type MediaSource interface {
	FetchMedia(ctx context.Context, mediaID string) ([]byte, error)
}

var _ bot.StaffPhotoFetcher = (*Bot)(nil)

// FetchStaffPhoto implements bot.StaffPhotoFetcher: getFile, then the file
// downloaded from the file endpoint (the API endpoint with /file/ before
// /bot), at most MaxStaffPhoto bytes within HTTPTimeout and ctx. The
// download URL carries the bot token: errors are cut of it.
func (b *Bot) FetchStaffPhoto(ctx context.Context, fileID string) ([]byte, error) {
	api := b.apiFor(ctx, b.cfg.HTTPTimeout)
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		return nil, fmt.Errorf("fetch staff photo: %w", redact("getFile", b.cfg.Token, err))
	}
	if f.FileSize > MaxStaffPhoto {
		return nil, fmt.Errorf("fetch staff photo: %w (%d bytes)", errPhotoTooLarge, f.FileSize)
	}
	if f.FilePath == "" {
		return nil, errors.New("fetch staff photo: getFile gave no file path")
	}
	data, err := b.download(api, fmt.Sprintf(fileEndpoint(b.cfg.APIEndpoint), b.cfg.Token, f.FilePath))
	if err != nil {
		return nil, fmt.Errorf("fetch staff photo: %w", redact("download", b.cfg.Token, err))
	}
	return data, nil
}

// fileEndpoint is the pattern of file downloads for the API endpoint
// pattern: https://api.telegram.org/bot%s/%s → https://api.telegram.org/file/bot%s/%s.
func fileEndpoint(apiEndpoint string) string {
	if i := strings.LastIndex(apiEndpoint, "/bot%s/"); i >= 0 {
		return apiEndpoint[:i] + "/file" + apiEndpoint[i:]
	}
	return tgbotapi.FileEndpoint
}

func (b *Bot) download(api *tgbotapi.BotAPI, url string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := api.Client.Do(req) // bound to the caller's context and HTTPTimeout
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("http status %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxStaffPhoto+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxStaffPhoto {
		return nil, errPhotoTooLarge
	}
	return data, nil
}

// customerPhoto fetches the customer's image m names. The error is kept
// (so the item is tried again) until the last try; after it, nil bytes
// say: send the text notice instead.
// The fetch gets a sixth of the lease: with the turn (a third) and the
// send (HTTPTimeout, at most half) it still ends inside the lease.
func (w *worker) customerPhoto(ctx context.Context, it bot.OutboxItem, m bot.StaffMessage) ([]byte, error) {
	if w.cfg.Media == nil {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Lease/6)
	defer cancel()
	data, err := w.cfg.Media.FetchMedia(ctx, m.CustomerMedia)
	if err == nil {
		return data, nil
	}
	if it.Attempts+1 < w.cfg.GiveUpAfter {
		return nil, fmt.Errorf("fetch customer media: %w", err)
	}
	w.log.Warn("telegram: customer media not available; sending the notice instead", slog.Int64("item", it.ID),
		slog.Int64("ticket", m.TicketID), slog.Any("err", err))
	return nil, nil
}
