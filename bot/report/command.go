package report

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"github.com/hotline-desk/hotline/bot"
)

// Help is /report's line in the staff's help.
const Help = "/report [YYYY-MM] [单位] — 月度服务报告（默认上月、全部单位；经理、质量、主管）"

// monthArg is a month as /report takes it; monthLike is what was surely
// meant as one (a unit may start with digits and a dash: 2024-新校区).
var (
	monthArg  = regexp.MustCompile(`^\d{4}-\d{1,2}$`)
	monthLike = regexp.MustCompile(`^\d{4}-\d+$`)
)

// Command answers /report [YYYY-MM] [unit] for managers, quality staff and
// leads: the report's workbook with its summary, in the asker's chat.
func (d *Delivery) Command(ctx context.Context, s *bot.Staff, chat int64, rest string) error {
	if !s.IsLead() && !s.HasRole(bot.RoleQuality) {
		return d.Notify.Tell(ctx, chat, "/report 仅限经理、主管和质量管理部使用。")
	}
	month, unit := d.args(rest)
	err := d.Send(ctx, chat, month, unit, "", false)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrBadMonth), errors.Is(err, ErrFutureMonth), errors.Is(err, ErrUnknownUnit):
		return d.Notify.Tell(ctx, chat, "无法生成报告："+err.Error()+"\n用法："+Help)
	case errors.Is(err, bot.ErrRefused):
		d.Log.Warn("report refused by the staff chat", slog.String("staff", s.Number), slog.String("err", err.Error()))
		return d.Notify.Tell(ctx, chat, "报告文件未能发送（Telegram 拒收），请改用命令行 hotline report monthly 生成。")
	}
	d.Notify.Tell(ctx, chat, "报告生成失败，请稍后再试。")
	return fmt.Errorf("report %s %q: %w", month, unit, err)
}

// args reads [YYYY-MM] [unit]: the month defaults to the last one.
func (d *Delivery) args(rest string) (month, unit string) {
	rest = strings.TrimSpace(rest)
	first, more, _ := strings.Cut(rest, " ")
	if monthArg.MatchString(first) {
		if len(first) == len("2026-1") {
			first = first[:5] + "0" + first[5:]
		}
		return first, strings.TrimSpace(more)
	}
	if monthLike.MatchString(first) {
		return first, strings.TrimSpace(more) // looks meant as a month: let ParseMonth say what is wrong
	}
	now := d.Clock().In(d.Policy.Location)
	last := now.AddDate(0, 0, -now.Day()+1).AddDate(0, -1, 0)
	return last.Format("2006-01"), rest
}
