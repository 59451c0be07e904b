package wechat

import (
	"encoding/xml"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/hotline-desk/hotline/bot"
)

// maxPassiveText is about what WeChat shows of a passive text reply, in
// bytes; a longer text is pushed as a customer-service message instead.
const maxPassiveText = 2048

// outcome is what the bot answered to one inbound message.
type outcome struct {
	replies []bot.Reply
	err     error
	turn    *turn // its place in the customer's line of answers; nil for none
}

// passiveReply returns the reply to send in the HTTP response, if the
// outcome is exactly one plain text that fits. Menus, several replies and
// errors go out as pushes, which keep their order and their buttons.
func passiveReply(o outcome) (bot.Reply, bool) {
	if o.err != nil || len(o.replies) != 1 {
		return bot.Reply{}, false
	}
	r := o.replies[0]
	ok := r.Menu == nil && r.Text != "" && len(r.Text) <= maxPassiveText
	return r, ok
}

// passiveXML is the plain XML of a passive text reply to cb.
func passiveXML(cb callback, r bot.Reply, now time.Time) ([]byte, error) {
	msg := message.NewText(r.Text)
	msg.SetToUserName(message.CDATA(cb.in.From))
	msg.SetFromUserName(message.CDATA(cb.account))
	msg.SetMsgType(message.MsgTypeText)
	msg.SetCreateTime(now.Unix())
	return xml.Marshal(msg)
}

// pushable reports whether r carries anything to send.
func pushable(r bot.Reply) bool {
	return r.Text != "" || r.Menu != nil
}
