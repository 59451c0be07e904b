package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/silenceper/wechat/v2/officialaccount/material"
	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/hotline-desk/hotline/bot"
)

// MaxMedia is the largest customer image FetchMedia returns (Telegram
// takes photo uploads up to 10 MB; WeChat's image media are smaller).
const MaxMedia = 10 << 20

// errTooLarge: a media file over MaxMedia.
var errTooLarge = errors.New("wechat media: larger than the limit")

// FetchMedia downloads a customer's temporary media (an image they sent)
// by its media id, through media/get with the account's access token. The
// bytes are fetched here, server side: the URL carries the access token
// and must never be handed on (to Telegram, a log). WeChat keeps temporary
// media for 3 days. A rejected token is dropped and the call made once more.
func (m *Messenger) FetchMedia(ctx context.Context, mediaID string) ([]byte, error) {
	if mediaID == "" {
		return nil, errors.New("wechat media: no media id")
	}
	var data []byte
	err := m.withFreshToken(ctx, func() error {
		var err error
		data, err = m.getMedia(ctx, mediaID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("wechat media get: %w", err)
	}
	return data, nil
}

// getMedia is one media/get call. WeChat answers the file, or JSON with
// an errcode (HTTP 200 either way).
func (m *Messenger) getMedia(ctx context.Context, mediaID string) ([]byte, error) {
	token, err := m.material.GetAccessToken()
	if err != nil {
		return nil, err
	}
	q := url.Values{"access_token": {token}, "media_id": {mediaID}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.apiBase+"/cgi-bin/media/get?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := m.client.Do(req)
	if err != nil {
		return nil, err // withFreshToken's fromLibrary cuts the token from the URL it quotes
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("http status %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxMedia+1))
	switch {
	case err != nil:
		return nil, err
	case len(data) > MaxMedia:
		return nil, errTooLarge
	case isJSON(resp.Header.Get("Content-Type")):
		return nil, mediaError(data)
	}
	return data, nil
}

func isJSON(contentType string) bool {
	ct, _, _ := mime.ParseMediaType(contentType)
	return ct == "application/json" || ct == "text/plain"
}

// mediaError is the errcode WeChat answered instead of a file.
func mediaError(body []byte) error {
	var e struct {
		Code int    `json:"errcode"`
		Msg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Code == 0 {
		return errors.New("wechat media: unexpected answer instead of a file")
	}
	return &APIError{Code: e.Code, Msg: redact(e.Msg)}
}

// SendImage implements bot.CustomerImageSender: data is uploaded as
// temporary media (media/upload), then sent as a customer-service image
// message. Outside the 48-hour window, or when the customer unfollowed,
// the error wraps bot.ErrUnreachable (an image has no template form; the
// caller decides what to send instead).
func (m *Messenger) SendImage(ctx context.Context, to string, data []byte, name string) error {
	if to == "" || len(data) == 0 {
		return errors.New("wechat send image: no recipient or no image")
	}
	var media material.Media
	err := m.withFreshToken(ctx, func() error {
		var err error
		media, err = m.material.MediaUploadFromReader(material.MediaTypeImage, name, bytes.NewReader(data))
		return err
	})
	if err != nil {
		return fmt.Errorf("wechat media upload: %w", err)
	}
	err = m.withFreshToken(ctx, func() error {
		return m.custom.Send(message.NewCustomerImgMessage(to, media.MediaID))
	})
	switch {
	case err == nil:
		return nil
	case IsWindowClosed(err), IsUnsubscribed(err):
		return fmt.Errorf("wechat send image: %w: %w", bot.ErrUnreachable, err)
	}
	return fmt.Errorf("wechat send image: %w", err)
}
