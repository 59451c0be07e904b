package bot

import (
	"context"
	"errors"
	"time"

	"github.com/hotline-desk/hotline/conversation"
)

// InboundKind says what a customer's inbound message is.
type InboundKind string

// Kinds of inbound customer messages, channel-neutral.
const (
	InboundText        InboundKind = "text"
	InboundImage       InboundKind = "image"
	InboundVoice       InboundKind = "voice"
	InboundVideo       InboundKind = "video"    // video and short video; MediaID
	InboundLocation    InboundKind = "location" // Text describes the place
	InboundLink        InboundKind = "link"     // Text is the title and address
	InboundFile        InboundKind = "file"     // Text is the file's name
	InboundSubscribe   InboundKind = "subscribe"
	InboundUnsubscribe InboundKind = "unsubscribe"
	InboundClick       InboundKind = "click" // a menu button; EventKey holds the menu key
	InboundScan        InboundKind = "scan"
	InboundOther       InboundKind = "other" // anything else: acknowledged, kept in the log
)

// Menu keys an operator installs in the official account's menu (see README).
const (
	MenuKeyReport    = "HOTLINE_REPORT"
	MenuKeyProgress  = "HOTLINE_PROGRESS"
	MenuKeyComplaint = "HOTLINE_COMPLAINT"
)

// Inbound is one message or event from a customer, as the adapter parsed it.
type Inbound struct {
	Channel  string      // "wechat"
	From     string      // the customer's id on the channel (WeChat openid)
	Key      string      // dedupe key: the same for every retry of one message
	Kind     InboundKind //
	Text     string      // text messages
	MediaID  string      // image and voice
	EventKey string      // click and subscribe/scan (qrscene_…)
	MenuID   string      // a tap on a tap-to-answer menu option (bizmsgmenuid)
	SentAt   time.Time   // the channel's CreateTime
}

// Menu is a set of tap-to-answer choices (WeChat msgmenu).
type Menu struct {
	Head  string
	Items []MenuItem
	Tail  string
}

// MenuItem is one choice of a Menu. ID comes back as Inbound.MenuID.
type MenuItem struct {
	ID      string
	Content string
}

// Reply is one message to a customer. When Menu is set, Text is the plain
// fallback that carries the same choices as numbers. Fallback, when set, is
// the template message to send instead if the reply has to be pushed and
// the channel's free-messaging window is closed.
type Reply struct {
	Text     string
	Menu     *Menu
	Fallback *TemplateMessage `json:",omitempty"`
}

// TemplateMessage is the fallback for a notice when the channel's
// free-messaging window is closed (WeChat template message).
type TemplateMessage struct {
	Kind        string            // which configured template: "ticket", "survey", …
	Fields      map[string]string // field name → value, each short
	URL         string            // optional link
	ClientMsgID string            // makes a resend harmless
}

// Notice is a message the bot pushes to a customer outside a passive reply.
type Notice struct {
	Reply
	Template *TemplateMessage // used when Reply cannot be delivered (window closed); nil: no fallback
}

// Notice is the reply pushed as a notice, its fallback the template.
func (r Reply) Notice() Notice { return Notice{Reply: r, Template: r.Fallback} }

// CustomerMessenger pushes messages to customers on their channel.
type CustomerMessenger interface {
	Notify(ctx context.Context, to string, n Notice) error
}

// CustomerImageSender is a CustomerMessenger that can also send an image
// (an optional ability: without it, a staff photo is relayed as its caption
// alone). An error wrapping ErrUnreachable means the image could not go now
// (the window is closed): the caller sends a template instead.
type CustomerImageSender interface {
	SendImage(ctx context.Context, to string, data []byte, name string) error
}

// ErrUnreachable means the channel refused the message for good (the
// customer unsubscribed, or the window is closed and no fallback exists).
var ErrUnreachable = errors.New("customer unreachable on the channel")

// Event is the message as the customer's dialogue reads it.
func (in Inbound) Event() conversation.Event {
	ev := conversation.Event{Text: in.Text, MediaID: in.MediaID, Key: in.EventKey, MenuID: in.MenuID}
	switch in.Kind {
	case InboundText:
		ev.Kind = conversation.EventText
		if in.MenuID != "" {
			ev.Kind = conversation.EventMenu
		}
	case InboundImage:
		ev.Kind = conversation.EventImage
	case InboundVoice:
		ev.Kind = conversation.EventVoice
	case InboundVideo:
		ev.Kind = conversation.EventVideo
	case InboundLocation:
		ev.Kind = conversation.EventLocation
	case InboundLink:
		ev.Kind = conversation.EventLink
	case InboundFile:
		ev.Kind = conversation.EventFile
	case InboundSubscribe:
		ev.Kind = conversation.EventSubscribe
	case InboundUnsubscribe:
		ev.Kind = conversation.EventUnsubscribe
	case InboundClick:
		ev.Kind = conversation.EventClick
	default:
		ev.Kind = conversation.EventKind(in.Kind) // Step ignores what it does not know
	}
	return ev
}

// Replies are a dialogue's replies as the channel sends them.
func Replies(rs []conversation.Reply) []Reply {
	out := make([]Reply, 0, len(rs))
	for _, r := range rs {
		out = append(out, ReplyOf(r))
	}
	return out
}

// ReplyOf is one of a dialogue's replies as the channel sends it.
func ReplyOf(r conversation.Reply) Reply {
	reply := Reply{Text: r.Text}
	if r.Menu != nil {
		m := &Menu{Head: r.Menu.Head, Tail: r.Menu.Tail}
		for _, it := range r.Menu.Items {
			m.Items = append(m.Items, MenuItem{ID: it.ID, Content: it.Content})
		}
		reply.Menu = m
	}
	return reply
}
