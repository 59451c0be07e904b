package staffdesk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
)

// A staff member's words and photos for a ticket's customer: a reply to a
// ticket message, /say N, or a photo with either.

const photoFailedText = "图片未能转达：无法取得图片（可能过大或暂时无法下载），请稍后重试或改发文字。"

// photoTicket tells which ticket a staff member's photo answers: the one
// of the message it replies to, or N of a caption "/say N …". The rest of
// the caption goes with it.
func photoTicket(u bot.StaffUpdate, caption string) (int64, string, bool) {
	switch {
	case u.PhotoID == "":
		return 0, "", false
	case u.ReplyTo != 0:
		return u.ReplyTo, caption, true
	}
	rest, ok := strings.CutPrefix(caption, "/say ")
	if !ok {
		return 0, "", false
	}
	num, msg, _ := strings.Cut(strings.TrimSpace(rest), " ")
	id, err := strconv.ParseInt(strings.TrimPrefix(num, "#"), 10, 64)
	if err != nil {
		return 0, "", false
	}
	return id, strings.TrimSpace(msg), true
}

// say relays a staff member's words to the ticket's customer.
func (d *Desk) say(ctx context.Context, s *bot.Staff, chat, ticketID int64, text string) error {
	t, err := d.ticketToAnswer(ctx, s, chat, ticketID)
	if t == nil {
		return err
	}
	if text == "" {
		return d.notify.Tell(ctx, chat, "请发送文字内容。")
	}
	if _, err := d.tickets.AddEvent(ctx, bot.StaffEvent(s, d.now(), "staff_message", text).On(t.ID)); err != nil {
		return err
	}
	d.notify.Customer(ctx, t, notify.EngineerSays(s.Name, t.ID, text), notify.StatusMessage)
	return d.notify.Tell(ctx, chat, fmt.Sprintf("✅ 已转达工单 #%d 的客户。", t.ID))
}

// staffPhoto relays a staff member's photo to the ticket's customer as an
// image, with the caption as a message after it. Without the abilities
// (a staff chat that hands over photos, a customer channel that takes
// images), the caption alone goes, as say does.
func (d *Desk) staffPhoto(ctx context.Context, s *bot.Staff, chat, ticketID int64, photoID, caption string) error {
	fetcher, canFetch := d.notify.StaffChat().(bot.StaffPhotoFetcher)
	sender, canSend := d.notify.Customers().(bot.CustomerImageSender)
	if !canFetch || !canSend {
		return d.say(ctx, s, chat, ticketID, caption)
	}
	t, err := d.ticketToAnswer(ctx, s, chat, ticketID)
	if t == nil {
		return err
	}
	data, err := fetcher.FetchStaffPhoto(ctx, photoID)
	if err != nil {
		d.log.Warn("fetch staff photo", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		return d.notify.Tell(ctx, chat, photoFailedText)
	}
	e := bot.StaffEvent(s, d.now(), "staff_image", caption).On(t.ID)
	e.MediaID = photoID
	if _, err := d.tickets.AddEvent(ctx, e); err != nil {
		return err
	}
	d.notify.Image(ctx, sender, t, data, s.Name, caption)
	return d.notify.Tell(ctx, chat, fmt.Sprintf("✅ 已将图片转达工单 #%d 的客户。", t.ID))
}

// ticketToAnswer loads the ticket s wants to answer the customer of; nil
// when s was told why not (no such ticket, not theirs).
func (d *Desk) ticketToAnswer(ctx context.Context, s *bot.Staff, chat, ticketID int64) (*bot.Ticket, error) {
	t, err := d.tickets.Ticket(ctx, ticketID)
	if errors.Is(err, bot.ErrNotFound) {
		return nil, d.notify.Tell(ctx, chat, fmt.Sprintf("没有工单 #%d。", ticketID))
	}
	if err != nil {
		return nil, err
	}
	if !s.MayAct(t) {
		return nil, d.notify.Tell(ctx, chat, fmt.Sprintf("工单 #%d 由 %s 处理，只有处理人或主管可以答复客户。", t.ID, notify.OrDash(t.StaffName)))
	}
	if t.CallBack {
		return nil, d.notify.Tell(ctx, chat, fmt.Sprintf("工单 #%d：未转达。%s", t.ID, notify.CallBackLine(t)))
	}
	return t, nil
}
