package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/sla"
)

// Renewals tell a unit and the managers, one month ahead, that the unit's
// free service period ends (seed 000, 6.2).
type Renewals struct {
	now       bot.Clock
	policy    *policy.Policy
	units     bot.UnitStore
	customers bot.CustomerStore
	jobs      bot.JobAdder
	notify    *notify.Notifier
}

// NewRenewals builds the renewal notices.
func NewRenewals(now bot.Clock, p *policy.Policy, units bot.UnitStore, customers bot.CustomerStore, jobs bot.JobAdder, n *notify.Notifier) *Renewals {
	return &Renewals{now: now, policy: p, units: units, customers: customers, jobs: jobs, notify: n}
}

// Schedule is called at start with the policy's units; a unit's notice is
// scheduled once per service end date.
func (r *Renewals) Schedule(ctx context.Context) error {
	return r.jobs.AddJobs(ctx, r.Jobs(), r.now())
}

// Jobs are the units' notices: one month before the day after the period
// ends, at 09:00 on the first working day from then.
func (r *Renewals) Jobs() []bot.Job {
	var jobs []bot.Job
	for _, u := range r.policy.Units {
		if u.ServiceEnd == nil {
			continue
		}
		end := *u.ServiceEnd
		due := r.policy.Morning(sla.DateOf(end.AddDays(1).In(r.policy.Location).AddDate(0, -1, 0)))
		jobs = append(jobs, bot.Job{Kind: bot.JobRenewal, Ref: u.Name, DueAt: due, Payload: end.String(),
			Key: fmt.Sprintf("%s:%s:%s", bot.JobRenewal, bot.UnitKey(u.Name), end)})
	}
	return jobs
}

// Notice tells the unit's customers and the managers that the free service
// period ends soon, and asks about renewal (the handler of bot.JobRenewal).
func (r *Renewals) Notice(ctx context.Context, j bot.Job, now time.Time) (string, []bot.Job, error) {
	end, err := sla.ParseDate(j.Payload)
	if err != nil {
		return bot.OutcomeSkipped, nil, nil
	}
	u, err := r.units.Unit(ctx, j.Ref)
	if err != nil || u.ServiceEnd == nil || *u.ServiceEnd != end {
		return bot.OutcomeSkipped, nil, nil // the period changed since
	}
	text := fmt.Sprintf("%s 的免费服务期将于 %d年%d月%d日 结束。", u.Name, end.Year, int(end.Month), end.Day)
	for _, s := range r.notify.StaffWith(ctx, bot.RoleManager) {
		msg := bot.StaffMessage{ChatID: *s.TelegramUserID, Key: fmt.Sprintf("%s:%d", j.Key, s.ID), Text: "📅 续约提醒：" + text + "请联系客户确认续约。"}
		if err := r.notify.Send(ctx, msg); err != nil {
			return "", nil, err
		}
	}
	contacts, err := r.customers.CustomersOfUnit(ctx, u.Name)
	if err != nil {
		return "", nil, err
	}
	for _, c := range contacts {
		if !c.Messageable() {
			continue
		}
		reply := bot.Reply{Text: "您好，" + text + "到期后我们仍会为您服务，但将按有偿服务处理。如需续签年度服务，请回复「人工」，我们会尽快与您联系。",
			Fallback: &bot.TemplateMessage{Kind: "renewal", ClientMsgID: j.Key, Fields: map[string]string{"unit": u.Name, "date": end.String()}}}
		if m := r.notify.Customers(); m != nil {
			m.Notify(ctx, c.OpenID, reply.Notice())
		}
	}
	return bot.OutcomeSent, nil, nil
}
