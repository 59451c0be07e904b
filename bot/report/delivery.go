package report

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/sla"
)

// Delivery (seed 001 4.7.7): on the first working day of each month at
// 09:00, managers and quality staff get last month's report in Telegram
// (the summary and the XLSX), and each unit's contacts who follow the
// official account get a link to their unit's report page. The month's
// job fans out into one job per recipient, so each is claimed once across
// replicas, retried on its own, and recorded.

// Job kinds of the report room.
const (
	JobMonthly = "report_monthly" // Ref: the month; fans out, and schedules the next month's
	JobStaff   = "report_staff"   // Ref: the month; Payload: the staff member's id
	JobUnit    = "report_unit"    // Ref: the month; Payload: unitDelivery
)

// LinkValidity is how long a unit's report link works.
const LinkValidity = 30 * 24 * time.Hour

// Files renders a report as a workbook (adapters/reportfile).
type Files interface {
	XLSX(m *Monthly) ([]byte, error)
}

// Linker signs the link of a unit's report page (adapters/reportpage).
type Linker interface {
	Link(month, unit string, expires time.Time) string
}

// Delivery sends the monthly report.
type Delivery struct {
	*Reports
	Jobs      bot.JobAdder
	Notify    *notify.Notifier
	Documents bot.StaffDocumentSender // nil: staff get the summary as text
	Files     Files
	Links     Linker // nil: units get no link
	Customers bot.CustomerStore
	Staff     bot.StaffStore
	Log       *slog.Logger
	// Within bounds a delivery job's making and sending: it must end
	// before the job's claim does, or another replica could take the job
	// and send the workbook again. 0: 12 s (a 30 s lease, started within
	// its first half).
	Within time.Duration

	mu    sync.Mutex
	cache map[string]*made // the month's workbook, made once for all its recipients
}

// made is a report made for a month and unit: being made until done
// closes, then its summary and workbook, or the error.
type made struct {
	at      time.Time
	done    chan struct{}
	summary string
	file    []byte
	err     error
}

func (mk *made) finished() bool {
	select {
	case <-mk.done:
		return true
	default:
		return false
	}
}

// unitDelivery is a JobUnit's payload.
type unitDelivery struct {
	Unit     string `json:"unit"`
	Customer int64  `json:"customer"`
}

// Schedule is called at start: the current month's delivery is scheduled
// once (each delivery schedules the next month's).
func (d *Delivery) Schedule(ctx context.Context) error {
	now := d.Clock()
	return d.Jobs.AddJobs(ctx, []bot.Job{MonthlyJob(d.Policy, now)}, now)
}

// MonthlyJob delivers the report of the month around t on the first
// working day of the next month at 09:00 (5x9 calendar, China's holidays).
func MonthlyJob(p *policy.Policy, t time.Time) bot.Job {
	loc := p.Location
	t = t.In(loc)
	from := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	month := from.Format("2006-01")
	return bot.Job{Kind: JobMonthly, Ref: month, DueAt: p.Morning(sla.DateOf(from.AddDate(0, 1, 0))), Key: JobMonthly + ":" + month}
}

// Deliver fans the month's delivery out to its recipients (the handler of
// JobMonthly).
func (d *Delivery) Deliver(ctx context.Context, j bot.Job, now time.Time) (string, []bot.Job, error) {
	from, err := ParseMonth(j.Ref, d.Policy.Location)
	if err != nil {
		return bot.OutcomeSkipped, nil, nil
	}
	jobs := []bot.Job{MonthlyJob(d.Policy, from.AddDate(0, 1, 0))}
	roster, err := d.Staff.ListStaff(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("list staff: %w", err) // tried again: nobody may miss the month's report
	}
	for _, s := range notify.WithRoles(roster, bot.RoleManager, bot.RoleQuality) {
		jobs = append(jobs, bot.Job{Kind: JobStaff, Ref: j.Ref, Payload: strconv.FormatInt(s.ID, 10), DueAt: now,
			Key: fmt.Sprintf("%s:%s:%d", JobStaff, j.Ref, s.ID)})
	}
	units, err := d.unitJobs(ctx, j.Ref, from, now)
	if err != nil {
		return "", nil, err
	}
	return bot.OutcomeSent, append(jobs, units...), nil
}

// unitJobs are one job per contact of each unit with tickets in the month
// or in the policy.
func (d *Delivery) unitJobs(ctx context.Context, month string, from, now time.Time) ([]bot.Job, error) {
	if d.Links == nil || d.Notify.Customers() == nil {
		return nil, nil
	}
	names, err := d.Store.MonthUnits(ctx, from, from.AddDate(0, 1, 0))
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var jobs []bot.Job
	for _, u := range append(names, d.policyUnits()...) {
		if seen[bot.UnitKey(u)] {
			continue
		}
		seen[bot.UnitKey(u)] = true
		contacts, err := d.Customers.CustomersOfUnit(ctx, u)
		if err != nil {
			return nil, err
		}
		for _, c := range contacts {
			if !c.Messageable() {
				continue
			}
			payload, _ := json.Marshal(unitDelivery{Unit: u, Customer: c.ID})
			jobs = append(jobs, bot.Job{Kind: JobUnit, Ref: month, Payload: string(payload), DueAt: now,
				Key: fmt.Sprintf("%s:%s:%s:%d", JobUnit, month, bot.UnitKey(u), c.ID)})
		}
	}
	return jobs, nil
}

func (d *Delivery) policyUnits() []string {
	out := make([]string, 0, len(d.Policy.Units))
	for _, u := range d.Policy.Units {
		out = append(out, u.Name)
	}
	return out
}

// ToStaff sends the all-units report to one manager or quality officer
// (the handler of JobStaff).
func (d *Delivery) ToStaff(ctx context.Context, j bot.Job, now time.Time) (string, []bot.Job, error) {
	id, err := strconv.ParseInt(j.Payload, 10, 64)
	if err != nil {
		return bot.OutcomeSkipped, nil, nil
	}
	s, err := d.Staff.StaffByID(ctx, id)
	if errors.Is(err, bot.ErrNotFound) || (err == nil && !s.Reachable()) {
		return bot.OutcomeSkipped, nil, nil // left, or unlinked, since
	}
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(d.Within, 12*time.Second))
	defer cancel()
	if err := d.Send(ctx, *s.TelegramUserID, j.Ref, "", j.Key, true); err != nil {
		if errors.Is(err, bot.ErrRefused) {
			d.Log.Warn("monthly report refused by the staff chat", slog.String("staff", s.Number), slog.String("err", err.Error()))
			return bot.OutcomeFailed, nil, nil
		}
		return "", nil, err
	}
	return bot.OutcomeSent, nil, nil
}

// Send makes the report of month for unit ("" all) and sends it to a
// staff chat: the workbook with the summary as its caption, or the
// summary alone without a document sender. key makes a text resend
// harmless. shared takes a report made for another recipient within the
// last minutes (the delivery's fan-out); otherwise it is made afresh.
func (d *Delivery) Send(ctx context.Context, chat int64, month, unit, key string, shared bool) error {
	var mk *made
	var err error
	if shared {
		mk, err = d.shared(ctx, month, unit)
	} else {
		mk, err = d.make(ctx, month, unit)
	}
	if err != nil {
		return err
	}
	if d.Documents == nil || d.Files == nil {
		return d.Notify.Send(ctx, bot.StaffMessage{ChatID: chat, Key: key, Text: mk.summary})
	}
	name := month + "-系统服务月报"
	if unit != "" {
		name += "-" + unit
	}
	return d.Documents.SendStaffDocument(ctx, bot.StaffDocument{ChatID: chat, Name: name + ".xlsx", Data: mk.file, Caption: mk.summary})
}

// cacheFor is how long a made report serves the other recipients.
const cacheFor = 10 * time.Minute

// shared is the report of month and unit made for all of the delivery's
// recipients: the first makes it, those who come meanwhile wait for it,
// and it serves for cacheFor. Older reports are dropped.
func (d *Delivery) shared(ctx context.Context, month, unit string) (*made, error) {
	key := month + "\x00" + bot.UnitKey(unit)
	now := d.Clock()
	d.mu.Lock()
	for k, mk := range d.cache {
		if mk.finished() && (mk.err != nil || now.Sub(mk.at) >= cacheFor) {
			delete(d.cache, k)
		}
	}
	mk, ok := d.cache[key]
	if !ok {
		mk = &made{at: now, done: make(chan struct{})}
		if d.cache == nil {
			d.cache = map[string]*made{}
		}
		d.cache[key] = mk
	}
	d.mu.Unlock()
	if !ok {
		made, err := d.make(ctx, month, unit)
		if made != nil {
			mk.summary, mk.file = made.summary, made.file
		}
		mk.err = err
		close(mk.done)
	}
	select {
	case <-mk.done:
		return mk, mk.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// make makes the report of month and unit: its summary and, with a
// document sender, its workbook.
func (d *Delivery) make(ctx context.Context, month, unit string) (*made, error) {
	m, err := d.Monthly(ctx, month, unit)
	if err != nil {
		return nil, err
	}
	mk := &made{summary: Brief(m, d.Policy.Surveys.Target)}
	if d.Documents != nil && d.Files != nil {
		if mk.file, err = d.Files.XLSX(m); err != nil {
			return nil, fmt.Errorf("make the workbook: %w", err)
		}
	}
	return mk, nil
}

// ToUnit sends one contact of a unit the link to the unit's report page
// (the handler of JobUnit): in the chat while the 48-hour window is open,
// as the "report" template otherwise.
func (d *Delivery) ToUnit(ctx context.Context, j bot.Job, now time.Time) (string, []bot.Job, error) {
	var ud unitDelivery
	from, err := ParseMonth(j.Ref, d.Policy.Location)
	if json.Unmarshal([]byte(j.Payload), &ud) != nil || err != nil || d.Links == nil {
		return bot.OutcomeSkipped, nil, nil
	}
	c, err := d.Customers.CustomerByID(ctx, ud.Customer)
	if errors.Is(err, bot.ErrNotFound) || (err == nil && !c.Messageable()) {
		return bot.OutcomeSkipped, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	expires := now.Add(LinkValidity)
	link := d.Links.Link(j.Ref, ud.Unit, expires)
	title := fmt.Sprintf("%d年%d月服务月报", from.Year(), int(from.Month()))
	reply := bot.Reply{Text: fmt.Sprintf("您好，%s %s已生成，请点击查看：%s\n（链接 30 天内有效）", ud.Unit, title, link),
		Fallback: &bot.TemplateMessage{Kind: "report", ClientMsgID: j.Key, URL: link, Fields: map[string]string{
			"title": title, "unit": ud.Unit, "time": expires.In(d.Policy.Location).Format("2006-01-02 15:04"), "note": "点击查看月报"}}}
	if err := d.Notify.Customers().Notify(ctx, c.OpenID, reply.Notice()); err != nil {
		if errors.Is(err, bot.ErrUnreachable) {
			return bot.OutcomeFailed, nil, nil
		}
		return "", nil, err
	}
	return bot.OutcomeSent, nil, nil
}

// Brief is the report in a few lines, as staff read it in the chat.
func Brief(m *Monthly, target float64) string {
	var b strings.Builder
	b.WriteString("📊 " + m.Title)
	if m.Unit == "" {
		b.WriteString("（全部单位）")
	}
	b.WriteString("\n")
	if m.Empty() {
		b.WriteString("本月无工单。")
		return b.String()
	}
	s := m.Summary
	fmt.Fprintf(&b, "新开 %d｜解决 %d｜月末未结 %d\n", s.Opened, s.Resolved, s.OpenAtEnd)
	fmt.Fprintf(&b, "响应按时 %s｜解决按时 %s｜超时 %d 项\n", rateLine(m.SLA.Response), rateLine(m.SLA.Resolution), len(m.SLA.Breaches))
	t := m.Revisits.Total
	if t.Satisfaction != nil {
		fmt.Fprintf(&b, "满意率 %s（%d/%d，目标 %s）", bot.Percent(*t.Satisfaction), t.Satisfied, t.Answered, bot.Percent(target))
	} else {
		b.WriteString("满意率 —（本月无答卷）")
	}
	return b.String()
}

func rateLine(o OnTime) string {
	r, ok := o.Rate()
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%s（%d/%d）", bot.Percent(r), o.Met, o.Decided())
}
