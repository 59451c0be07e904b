package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/hotline-desk/hotline/bot/sla"
)

// renewalJobs schedule, for each unit with a free service period, the
// notice one month before it ends (seed 000, 6.2).
func (d *Desk) renewalJobs(units []Unit) []Job {
	var jobs []Job
	for _, u := range units {
		if u.ServiceEnd == nil {
			continue
		}
		end := *u.ServiceEnd
		due := end.AddDays(1).In(d.policy.Location).AddDate(0, -1, 0)
		jobs = append(jobs, Job{Kind: JobRenewal, Ref: u.Name, DueAt: due, Payload: end.String(),
			Key: fmt.Sprintf("%s:%s:%s", JobRenewal, UnitKey(u.Name), end)})
	}
	return jobs
}

// ScheduleRenewals is called at start with the policy's units; a unit's
// notice is scheduled once per service end date.
func (d *Desk) ScheduleRenewals(ctx context.Context) error {
	return d.jobs.AddJobs(ctx, d.renewalJobs(d.policy.Units), d.now())
}

// renewalNotice tells the unit's customers and the managers that the free
// service period ends soon, and asks about renewal.
func (d *Desk) renewalNotice(ctx context.Context, j Job, now time.Time) (string, []Job, error) {
	end, err := sla.ParseDate(j.Payload)
	if err != nil {
		return OutcomeSkipped, nil, nil
	}
	u, err := d.units.Unit(ctx, j.Ref)
	if err != nil || u.ServiceEnd == nil || *u.ServiceEnd != end {
		return OutcomeSkipped, nil, nil // the period changed since
	}
	text := fmt.Sprintf("%s 的免费服务期将于 %d年%d月%d日 结束。", u.Name, end.Year, int(end.Month), end.Day)
	for _, s := range d.staffWith(ctx, RoleManager) {
		msg := StaffMessage{ChatID: *s.TelegramUserID, Key: fmt.Sprintf("%s:%d", j.Key, s.ID), Text: "📅 续约提醒：" + text + "请联系客户确认续约。"}
		if err := d.sendStaff(ctx, msg); err != nil {
			return "", nil, err
		}
	}
	contacts, err := d.customers.CustomersOfUnit(ctx, u.Name)
	if err != nil {
		return "", nil, err
	}
	for _, c := range contacts {
		r := Reply{Text: "您好，" + text + "到期后我们仍会为您服务，但将按有偿服务处理。如需续签年度服务，请回复「人工」，我们会尽快与您联系。",
			Fallback: &TemplateMessage{Kind: "renewal", ClientMsgID: j.Key, Fields: map[string]string{"unit": u.Name, "date": end.String()}}}
		if d.customer != nil {
			d.customer.Notify(ctx, c.OpenID, Notice{Reply: r, Template: r.Fallback})
		}
	}
	return OutcomeSent, nil, nil
}
