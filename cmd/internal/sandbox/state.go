package sandbox

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// deskJobs is how many of the next jobs the desk shows.
const deskJobs = 12

// state is GET /sandbox/state: the chosen customer's WeChat, the chosen
// staff member's Telegram, and the desk.
type state struct {
	Sandbox  bool       `json:"sandbox"`
	Label    string     `json:"label"`
	Customer *chatState `json:"customer"` // nil when none was asked for
	Staff    *chatState `json:"staff"`
	Desk     deskState  `json:"desk"`
}

// chatState is one person's chat.
type chatState struct {
	Person
	Lines []line `json:"lines"`
}

// deskState is the desk pane: the clock, the open tickets, the next jobs.
type deskState struct {
	Now     time.Time    `json:"now"`
	NowText string       `json:"now_text"` // 2026-12-08 周二 09:30
	Moving  bool         `json:"moving"`   // a clock move is running
	Tickets []ticketView `json:"tickets"`
	Jobs    []jobView    `json:"jobs"`
	Error   string       `json:"error,omitempty"` // the store could not be read
}

type ticketView struct {
	Number    string         `json:"number"` // #12
	Unit      string         `json:"unit"`
	Plan      string         `json:"plan"`
	Severity  string         `json:"severity"` // 1 致命
	Status    string         `json:"status"`
	Assignee  string         `json:"assignee"`
	Deadlines []deadlineView `json:"deadlines"`
	Next      string         `json:"next"` // the deadline raced now: 响应时限
	Left      string         `json:"left"` // 剩 1小时20分, 已超时 20分; "" for none
	Overdue   bool           `json:"overdue"`
}

type deadlineView struct {
	Goal    string `json:"goal"`
	Due     string `json:"due"` // 12-08 10:30
	Met     bool   `json:"met"`
	Left    string `json:"left"`
	Overdue bool   `json:"overdue"`
}

type jobView struct {
	Kind   string `json:"kind"` // as people read it: 提醒, 超时升级…
	Code   string `json:"code"` // bot.Job.Kind
	About  string `json:"about"`
	Due    string `json:"due"`
	In     string `json:"in"`
	Passed bool   `json:"passed"` // due already: about to run, or stuck
}

// serveState answers GET /sandbox/state?customer=ID&staff=ID; either may be
// left out (or empty), an unknown one is refused.
func (s *Sandbox) serveState(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	st := state{Sandbox: true, Label: Label}
	if id := q.Get("customer"); id != "" {
		c, err := customerNamed(id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		st.Customer = &chatState{Person: c, Lines: s.customerChat(c.ID)}
	}
	if id := q.Get("staff"); id != "" {
		p, err := staffNamed(id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		st.Staff = &chatState{Person: p, Lines: s.staffChat(p)}
	}
	ctx, cancel := withTimeout(r, 5*time.Second)
	defer cancel()
	st.Desk = s.desk(ctx)
	writeJSON(w, http.StatusOK, st)
}

// desk reads the desk pane; a store that cannot be read is said, not fatal.
func (s *Sandbox) desk(ctx context.Context) deskState {
	now := s.d.Clock.Now()
	d := deskState{Now: now, NowText: s.dayTime(now), Moving: s.d.Clock.Moving(), Tickets: []ticketView{}, Jobs: []jobView{}}
	tickets, err := s.d.Desk.Tickets(ctx)
	if err == nil {
		for _, t := range tickets {
			d.Tickets = append(d.Tickets, s.ticketView(t, now))
		}
		var jobs []JobLine
		jobs, err = s.d.Desk.Jobs(ctx, deskJobs)
		for _, j := range jobs {
			d.Jobs = append(d.Jobs, s.jobView(j, now))
		}
	}
	if err != nil {
		s.d.Log.Warn("sandbox: cannot read the desk", slog.Any("err", err))
		d.Error = "暂时读不到工单和任务 · cannot read the desk now"
	}
	return d
}

var weekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// dayTime is t as the desk's clock shows it: 2026-12-08 周二 09:30.
func (s *Sandbox) dayTime(t time.Time) string {
	t = t.In(s.d.Location)
	return t.Format("2006-01-02 ") + weekdays[t.Weekday()] + t.Format(" 15:04")
}

// short is a due time in a table: 12-08 10:30.
func (s *Sandbox) short(t time.Time) string { return t.In(s.d.Location).Format("01-02 15:04") }

func (s *Sandbox) ticketView(t TicketLine, now time.Time) ticketView {
	v := ticketView{Number: fmt.Sprintf("#%d", t.ID), Unit: t.Unit, Plan: t.Plan, Status: t.Status,
		Severity: fmt.Sprintf("%d %s", t.Severity, severityName(t.Severity)), Assignee: t.Assignee,
		Deadlines: []deadlineView{}, Next: t.NextLabel}
	for _, dl := range t.Deadlines {
		v.Deadlines = append(v.Deadlines, deadlineView{Goal: dl.Goal, Due: s.short(dl.Due), Met: dl.Met,
			Left: timeLeft(dl.Due, now), Overdue: !dl.Met && dl.Due.Before(now)})
	}
	if !t.Next.IsZero() {
		v.Left, v.Overdue = timeLeft(t.Next, now), t.Next.Before(now)
	}
	return v
}

func (s *Sandbox) jobView(j JobLine, now time.Time) jobView {
	about := j.Ref
	if j.Ticket != 0 {
		about = fmt.Sprintf("#%d", j.Ticket)
	}
	return jobView{Kind: jobName(j.Kind), Code: j.Kind, About: about, Due: s.short(j.Due), In: timeLeft(j.Due, now),
		Passed: !j.Due.After(now)}
}

// severityName is a severity's short name, as staff read it.
func severityName(n int) string {
	return [...]string{"?", "致命", "严重", "普通", "小问题", "建议"}[min(max(n, 0), 5)]
}

// jobNames are the jobs' kinds as people read them.
var jobNames = map[string]string{
	"remind": "时限提醒", "breach": "超时升级", "auto_close": "自动关闭", "renewal": "续约提醒",
	"survey_send": "发送满意度调查", "survey_remind": "调查提醒", "survey_expire": "调查截止",
	"round_send": "回访批次", "survey_month": "月度满意度核查",
	"report_monthly": "月度报告", "report_staff": "报告发送（员工）", "report_unit": "报告发送（单位）",
	"upkeep_open": "定期维护开单", "upkeep_done": "维护完成核对", "upkeep_tell": "维护完成通知",
	"new_ticket_expire": "代登记草稿过期",
}

func jobName(kind string) string {
	if n, ok := jobNames[kind]; ok {
		return n
	}
	return kind
}

// timeLeft reads "剩 3小时50分" before due and "已超时 20分" after; days
// from 48 hours on.
func timeLeft(due, now time.Time) string {
	d := due.Sub(now)
	if d < 0 {
		return "已超时 " + span(-d)
	}
	return "剩 " + span(d)
}

func span(d time.Duration) string {
	d = d.Round(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d天%d小时", days, h)
	case d >= time.Hour:
		return fmt.Sprintf("%d小时%d分", int(d/time.Hour), m)
	}
	return fmt.Sprintf("%d分", m)
}
