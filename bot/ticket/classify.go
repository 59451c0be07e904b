package ticket

import (
	"context"
	"fmt"
	"slices"

	"github.com/hotline-desk/hotline/bot"
)

// Classify sets t's kind (one of bot.Kinds) and fault category (one of the
// policy's, or "" for none) for s, with a "classified" event, in one write,
// and returns the ticket as it is afterwards. Setting what is set already
// writes nothing. A category the policy no longer lists may stay on the
// ticket it was set on (its kind can still change), but not be set anew.
// A kind or category not offered is a bot.UserError.
func (l *Lifecycle) Classify(ctx context.Context, s *bot.Staff, t *bot.Ticket, kind, category string) (*bot.Ticket, error) {
	if !slices.Contains(bot.Kinds, kind) {
		return t, &bot.UserError{Message: fmt.Sprintf("没有「%s」这种工单类型", kind)}
	}
	if category != "" && category != t.Category && !slices.Contains(l.policy.Categories, category) {
		return t, &bot.UserError{Message: fmt.Sprintf("分类「%s」不在分类列表中", category)}
	}
	e := bot.StaffEvent(s, l.now(), bot.EventClassified, ClassifiedText(kind, category))
	t2, changed, err := l.tickets.Classify(ctx, t.ID, kind, category, e)
	if err != nil {
		return t, err // the store's error names the step and the ticket
	}
	if changed {
		l.notify.RefreshPing(ctx, t2)
	}
	return t2, nil
}

// ClassifiedText is a classification as the service log words it:
// 类型 咨询，分类 登录.
func ClassifiedText(kind, category string) string {
	return "类型 " + bot.KindLabel(kind) + "，分类 " + bot.CategoryLabel(category)
}
