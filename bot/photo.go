package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// Texts about a staff member's photo.
const (
	photoFailedText = "图片未能转达：无法取得图片（可能过大或暂时无法下载），请稍后重试或改发文字。"
	photoNoteText   = "工程师发来一张图片，请在对话中查看"
	photoStatus     = "工程师发来图片" // the ticket template's status field (at most 20 characters)
)

// photoTicket tells which ticket a staff member's photo answers: the one
// of the message it replies to, or N of a caption "/say N …". The rest of
// the caption goes with it.
func photoTicket(u StaffUpdate, caption string) (int64, string, bool) {
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

// staffPhoto relays a staff member's photo to the ticket's customer as an
// image, with the caption as a message after it. Without the abilities
// (a staff chat that hands over photos, a customer channel that takes
// images), the caption alone goes, as staffSay does.
func (d *Desk) staffPhoto(ctx context.Context, s *Staff, chat, ticketID int64, photoID, caption string) error {
	fetcher, canFetch := d.staffChat.(StaffPhotoFetcher)
	sender, canSend := d.customer.(CustomerImageSender)
	if !canFetch || !canSend {
		return d.staffSay(ctx, s, chat, ticketID, caption)
	}
	t, err := d.ticketToAnswer(ctx, s, chat, ticketID)
	if t == nil {
		return err
	}
	data, err := fetcher.FetchStaffPhoto(ctx, photoID)
	if err != nil {
		d.log.Warn("fetch staff photo", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		return d.tell(ctx, chat, photoFailedText)
	}
	e := withTicket(d.staffEvent(s, "staff_image", caption, d.now()), t.ID)
	e.MediaID = photoID
	if _, err := d.tickets.AddEvent(ctx, e); err != nil {
		return err
	}
	d.sendImage(ctx, sender, t, data, s.Name, caption)
	return d.tell(ctx, chat, fmt.Sprintf("✅ 已将图片转达工单 #%d 的客户。", t.ID))
}

// sendImage pushes the image, then the caption; outside the window the
// ticket template says an image is waiting.
func (d *Desk) sendImage(ctx context.Context, sender CustomerImageSender, t *Ticket, data []byte, name, caption string) {
	c, err := d.customerOf(ctx, t)
	if err != nil {
		d.log.Error("send image: load customer", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
		return
	}
	err = sender.SendImage(ctx, c.OpenID, data, fmt.Sprintf("ticket-%d.jpg", t.ID))
	switch {
	case errors.Is(err, ErrUnreachable):
		d.notifyCustomer(ctx, t, fmt.Sprintf("工程师 %s（工单 #%d）：%s", name, t.ID, photoNoteText), photoStatus)
	case err != nil:
		d.log.Warn("send image to customer", slog.Int64("ticket", t.ID), slog.String("err", err.Error()))
	case caption != "":
		d.notifyCustomer(ctx, t, fmt.Sprintf("工程师 %s（工单 #%d）：%s", name, t.ID, caption), "工程师留言")
	}
}
