package wechat

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// channelName is bot.Inbound.Channel for everything this adapter receives.
const channelName = "wechat"

// errMissingFields means the XML parsed but is not a message we can answer.
var errMissingFields = errors.New("message lacks ToUserName, FromUserName, MsgType or CreateTime")

// wireMessage holds the callback fields Hotline uses, all as strings. The
// library's MixMessage types bizmsgmenuid and a dozen event fields as
// numbers, so one unexpected value there (a non-numeric menu id, say) would
// make the whole message unreadable and the customer unheard.
type wireMessage struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"`
	CreateTime   string   `xml:"CreateTime"`
	MsgType      string   `xml:"MsgType"`
	MsgID        string   `xml:"MsgId"`
	Content      string   `xml:"Content"`
	MediaID      string   `xml:"MediaId"`
	Event        string   `xml:"Event"`
	EventKey     string   `xml:"EventKey"`
	BizMsgMenuID string   `xml:"bizmsgmenuid"`
	// Location, link and file messages.
	LocationX   string `xml:"Location_X"`
	LocationY   string `xml:"Location_Y"`
	Label       string `xml:"Label"`
	Title       string `xml:"Title"`
	Description string `xml:"Description"`
	URL         string `xml:"Url"`
}

// callback is one parsed callback: the channel-neutral inbound and the
// account it was sent to, which a passive reply names as its sender.
type callback struct {
	in      bot.Inbound
	account string
}

// parseCallback turns the plain XML of a callback into a bot.Inbound.
// Characters XML 1.0 forbids (control characters such as U+0002, which some
// phones send) are dropped first: otherwise the whole message would fail to
// parse and what the customer typed would be lost.
func parseCallback(raw []byte) (callback, error) {
	raw = dropControlChars(raw)
	var w wireMessage
	if err := xml.Unmarshal(raw, &w); err != nil {
		return callback{}, err
	}
	w.trimIDs()
	created, err := strconv.ParseInt(w.CreateTime, 10, 64)
	if err != nil || w.ToUserName == "" || w.FromUserName == "" || w.MsgType == "" {
		return callback{}, errMissingFields
	}
	in := bot.Inbound{
		Channel:  channelName,
		From:     w.FromUserName,
		Key:      w.key(raw),
		Kind:     w.kind(),
		Text:     w.text(),
		MediaID:  w.MediaID,
		EventKey: w.EventKey,
		MenuID:   w.BizMsgMenuID,
		SentAt:   time.Unix(created, 0),
	}
	return callback{in: in, account: w.ToUserName}, nil
}

// trimIDs drops whitespace around identifiers (never around Content: that
// is what the customer typed).
func (w *wireMessage) trimIDs() {
	for _, f := range []*string{&w.ToUserName, &w.FromUserName, &w.CreateTime, &w.MsgType,
		&w.MsgID, &w.MediaID, &w.Event, &w.EventKey, &w.BizMsgMenuID} {
		*f = strings.TrimSpace(*f)
	}
}

func (w *wireMessage) isEvent() bool { return w.MsgType == "event" }

// text is what the customer sent, in words: the text itself, or a
// location, link or file described, so that it is kept on the ticket.
func (w *wireMessage) text() string {
	join := func(parts ...string) string {
		var kept []string
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				kept = append(kept, p)
			}
		}
		return strings.Join(kept, " ")
	}
	switch w.MsgType {
	case "location":
		at := ""
		if w.LocationX != "" && w.LocationY != "" {
			at = "（" + strings.TrimSpace(w.LocationX) + ", " + strings.TrimSpace(w.LocationY) + "）"
		}
		return strings.TrimSpace(strings.TrimSpace(w.Label) + at)
	case "link":
		return join(w.Title, w.Description, w.URL)
	case "file":
		return join(w.Title, w.Description)
	}
	return w.Content
}

// kind maps MsgType and Event to the channel-neutral kind.
func (w *wireMessage) kind() bot.InboundKind {
	if !w.isEvent() {
		switch w.MsgType {
		case "text":
			return bot.InboundText
		case "image":
			return bot.InboundImage
		case "voice":
			return bot.InboundVoice
		case "video", "shortvideo":
			return bot.InboundVideo
		case "location":
			return bot.InboundLocation
		case "link":
			return bot.InboundLink
		case "file":
			return bot.InboundFile
		}
		return bot.InboundOther
	}
	// WeChat spells events "subscribe" but "CLICK" and "SCAN".
	switch strings.ToLower(w.Event) {
	case "subscribe":
		return bot.InboundSubscribe
	case "unsubscribe":
		return bot.InboundUnsubscribe
	case "click":
		return bot.InboundClick
	case "scan":
		return bot.InboundScan
	}
	return bot.InboundOther
}

// key is the same for every retry of one message. MsgId alone has collided
// between users, so the sender is part of it; events have no MsgId and are
// keyed on what identifies them.
func (w *wireMessage) key(raw []byte) string {
	if w.isEvent() {
		return fmt.Sprintf("evt:%s:%s:%s:%s", w.FromUserName, w.CreateTime, w.Event, w.EventKey)
	}
	if w.MsgID == "" || w.MsgID == "0" {
		// Without a MsgId, the retry's identical body is what stays the same.
		sum := sha256.Sum256(raw)
		return fmt.Sprintf("msg:%s:%s:%s", w.FromUserName, w.CreateTime, hex.EncodeToString(sum[:8]))
	}
	return "msg:" + w.FromUserName + ":" + w.MsgID
}

// dropControlChars removes C0 control characters other than tab, newline
// and carriage return; it returns raw itself when there are none.
func dropControlChars(raw []byte) []byte {
	if !bytes.ContainsFunc(raw, isForbiddenControl) {
		return raw
	}
	return bytes.Map(func(r rune) rune {
		if isForbiddenControl(r) {
			return -1
		}
		return r
	}, raw)
}

func isForbiddenControl(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }
