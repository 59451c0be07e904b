package sandbox

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/hotline-desk/hotline/adapters/telegram/telegramtest"
	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
)

// Who a line is from.
const (
	fromCustomer = "customer" // the customer, in WeChat
	fromAccount  = "account"  // the official account (Hotline), in WeChat
	fromStaff    = "staff"    // the staff member, in Telegram
	fromBot      = "bot"      // the staff bot (Hotline), in Telegram
	fromSystem   = "system"   // what the app itself shows: a menu tap, a press, a toast
)

// What a line is.
const (
	kindText     = "text"
	kindMenu     = "menu"     // msgmenu: choices to tap
	kindTemplate = "template" // a template message card
	kindImage    = "image"
	kindEvent    = "event" // a menu click, a follow
	kindNote     = "note"
	kindFile     = "file"  // a document the bot sent
	kindPress    = "press" // an inline button pressed
	kindToast    = "toast" // answerCallbackQuery's text
)

// How an account line reached the customer.
const (
	viaPassive  = "passive"  // the passive reply to the callback
	viaCustom   = "custom"   // a customer-service message
	viaTemplate = "template" // a template message
)

// line is one line of a chat as the page shows it.
type line struct {
	At        time.Time               `json:"at"`   // by the sandbox's clock
	Time      string                  `json:"time"` // At as the page shows it
	From      string                  `json:"from"`
	Kind      string                  `json:"kind"`
	Text      string                  `json:"text,omitempty"`
	Via       string                  `json:"via,omitempty"`
	MenuID    string                  `json:"menu_id,omitempty"` // a choice the customer tapped
	Menu      *menuView               `json:"menu,omitempty"`
	Template  *templateView           `json:"template,omitempty"`
	Media     string                  `json:"media,omitempty"` // an image's URL
	MessageID int                     `json:"message_id,omitempty"`
	ReplyTo   int                     `json:"reply_to,omitempty"`
	Buttons   [][]telegramtest.Button `json:"buttons,omitempty"`
	Edited    bool                    `json:"edited,omitempty"`
	File      *fileView               `json:"file,omitempty"`

	wall time.Time // when it happened by the wall clock: the order of lines
}

// menuView is a msgmenu message's choices.
type menuView struct {
	Head  string     `json:"head"`
	Items []menuItem `json:"items"`
	Tail  string     `json:"tail"`
}

type menuItem struct {
	ID      string `json:"id"`
	Content string `json:"content"`
}

// fileView is a document in a staff chat.
type fileView struct {
	Name string `json:"name"`
	Size int    `json:"size"`
	URL  string `json:"url"`
}

// merge orders the lines of both lists by wall time, own lines first on a
// tie (what a person did comes before the answer to it).
func merge(own, theirs []line, loc *time.Location) []line {
	out := append(append(make([]line, 0, len(own)+len(theirs)), own...), theirs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].wall.Before(out[j].wall) })
	for i := range out {
		out[i].Time = out[i].At.In(loc).Format("01-02 15:04")
	}
	return out
}

// customerChat is the customer's chat with the account: what they did,
// the passive replies, and what Hotline pushed to them.
func (s *Sandbox) customerChat(openID string) []line {
	s.mu.Lock()
	own := slices.Clone(s.said[openID])
	s.mu.Unlock()
	msgs, arrivals := s.d.WeChat.Messages(), s.d.WeChat.Arrivals()
	var pushed []line
	for i := range min(len(msgs), len(arrivals)) {
		if msgs[i].To != openID {
			continue
		}
		l := s.pushedLine(msgs[i])
		l.wall, l.At = arrivals[i], s.d.Clock.At(arrivals[i])
		pushed = append(pushed, l)
	}
	return merge(own, pushed, s.d.Location)
}

// pushedLine is a message Hotline sent through the WeChat API, as the
// customer's WeChat shows it.
func (s *Sandbox) pushedLine(m wechattest.Message) line {
	l := line{From: fromAccount, Via: viaCustom}
	switch {
	case m.ErrCode == errWindowClosed:
		return line{From: fromSystem, Kind: kindNote, Text: "一条客服消息未送达：客户超过 48 小时没有互动（微信 45015）"}
	case m.ErrCode != 0:
		return line{From: fromSystem, Kind: kindNote, Text: fmt.Sprintf("一条消息被微信拒收，未送达（errcode %d）", m.ErrCode)}
	case m.Kind == wechattest.KindTemplate:
		l.Via, l.Kind, l.Template = viaTemplate, kindTemplate, templateCard(m)
	case m.Menu != nil:
		l.Kind, l.Menu = kindMenu, &menuView{Head: m.Menu.Head, Tail: m.Menu.Tail}
		for _, it := range m.Menu.Items {
			l.Menu.Items = append(l.Menu.Items, menuItem{ID: it.ID, Content: it.Content})
		}
	case m.MsgType == "text":
		l.Kind, l.Text = kindText, m.Text
	case m.MsgType == "image":
		l.Kind, l.Media = kindImage, "/sandbox/media?"+url.Values{"customer": {m.To}, "id": {m.MediaID}}.Encode()
	default:
		l.Kind, l.Text = kindNote, "["+m.MsgType+" 消息]"
	}
	return l
}

// staffChat is a staff member's private chat with the bot: what they sent
// and pressed, what the bot sent (edits applied to the message they
// change), and the toasts their presses got.
func (s *Sandbox) staffChat(p Person) []line {
	s.mu.Lock()
	own := slices.Clone(s.did[p.TelegramID])
	pressers := make(map[string]int64, len(s.pressers))
	for id, who := range s.pressers {
		pressers[id] = who
	}
	s.mu.Unlock()
	var bot []line
	at := map[int]int{} // message id → its place in bot
	for _, c := range s.d.Telegram.Calls("sendMessage", "sendPhoto", "sendDocument", "editMessageText", "answerCallbackQuery") {
		switch {
		case !c.OK:
		case c.Method == "answerCallbackQuery":
			if text := c.Params.Get("text"); text != "" && pressers[c.Params.Get("callback_query_id")] == p.TelegramID {
				bot = append(bot, line{From: fromSystem, Kind: kindToast, Text: text, wall: c.At, At: s.d.Clock.At(c.At)})
			}
		case c.ChatID() != p.TelegramID:
		case c.Method == "editMessageText":
			if i, ok := at[c.MessageID]; ok {
				bot[i].Text, bot[i].Buttons, bot[i].Edited = c.Text(), buttons(c), true
			}
		default:
			at[c.MessageID] = len(bot)
			bot = append(bot, s.botLine(p, c))
		}
	}
	return merge(own, bot, s.d.Location)
}

// botLine is a message the bot sent to p.
func (s *Sandbox) botLine(p Person, c telegramtest.Call) line {
	l := line{From: fromBot, Kind: kindText, Text: c.Text(), MessageID: c.MessageID, Buttons: buttons(c),
		wall: c.At, At: s.d.Clock.At(c.At)}
	link := "/sandbox/file?" + url.Values{"staff": {p.ID}, "message": {strconv.Itoa(c.MessageID)}}.Encode()
	switch {
	case c.Method == "sendDocument":
		l.Kind, l.File = kindFile, &fileView{Name: c.FileName, Size: len(c.Upload), URL: link}
	case c.Method == "sendPhoto" && c.Upload != nil:
		l.Kind, l.Media = kindImage, link
	case c.Method == "sendPhoto":
		l.Kind = kindImage
	}
	return l
}

// buttons is the inline keyboard a call sent; none when it cannot be read.
func buttons(c telegramtest.Call) [][]telegramtest.Button {
	kb, err := c.Keyboard()
	if err != nil {
		return nil
	}
	return kb
}
