package survey

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/bot/staffdialog"
)

// Satisfaction statistics (《用户回访统计表》 and 《人员情况统计表》, seed 001):
//
//	satisfaction  = (满意 + 较满意) / answered
//	participation = answered / delivered
//
// A survey counts in the month it was delivered (sent_at, in the policy's
// zone), for the engineer, unit and severity of its ticket as they were
// when it was created. Surveys that were never delivered count nowhere.

// SurveyFact is one delivered survey, as the statistics read it.
type SurveyFact struct {
	RoundID     *int64    `db:"round_id"`
	UnitName    string    `db:"unit_name"`
	StaffNumber string    `db:"staff_number"`
	StaffName   string    `db:"staff_name"`
	Severity    int       `db:"severity"`
	SentAt      time.Time `db:"sent_at"`
	Rating      *int      `db:"rating"`
}

// StaffServices is how many tickets a staff member closed in a period.
type StaffServices struct {
	Number   string `db:"staff_number"`
	Name     string `db:"staff_name"`
	Services int    `db:"services"`
}

// StatsStore reads what the statistics count.
type StatsStore interface {
	// SurveyFacts lists surveys delivered in [from, to).
	SurveyFacts(ctx context.Context, from, to time.Time) ([]SurveyFact, error)
	// ServiceCounts counts tickets closed in [from, to) per staff member.
	ServiceCounts(ctx context.Context, from, to time.Time) ([]StaffServices, error)
}

// Tally counts delivered and answered surveys and the ratings given.
type Tally struct {
	Delivered int
	Ratings   [4]int // 满意, 较满意, 一般, 不满意
}

// Answered is how many surveys got the overall rating.
func (t Tally) Answered() int { return t.Ratings[0] + t.Ratings[1] + t.Ratings[2] + t.Ratings[3] }

// Satisfied is 满意 + 较满意.
func (t Tally) Satisfied() int { return t.Ratings[0] + t.Ratings[1] }

// Satisfaction is (满意 + 较满意) / answered; ok false with no answers.
func (t Tally) Satisfaction() (float64, bool) { return ratio(t.Satisfied(), t.Answered()) }

// Participation is answered / delivered; ok false with nothing delivered.
func (t Tally) Participation() (float64, bool) { return ratio(t.Answered(), t.Delivered) }

func ratio(a, b int) (float64, bool) {
	if b == 0 {
		return 0, false
	}
	return float64(a) / float64(b), true
}

func (t *Tally) add(f SurveyFact) {
	t.Delivered++
	if f.Rating != nil && *f.Rating >= 1 && *f.Rating <= 4 {
		t.Ratings[*f.Rating-1]++
	}
}

// Breakdown is the tally of one engineer, unit, severity or month.
type Breakdown struct {
	Key   string // staff number, unit, severity (1-5) or month (2026-11)
	Label string
	Tally
}

// StaffLine is one line of the staff statistics table (《人员情况统计表》).
type StaffLine struct {
	Number, Name string
	Services     int // tickets closed in the period
	Tally
	Rating string // 好, 较好, 一般, or — with too few answers
}

// Report is the survey statistics of a period.
type Report struct {
	From, To   time.Time
	Total      Tally
	Staff      []StaffLine
	Units      []Breakdown
	Severities []Breakdown
	Months     []Breakdown
}

// Rate is the staff rating of a tally: 好 / 较好 / 一般, or — (样本不足)
// with fewer than MinAnswers answers.
func Rate(r policy.StaffRatingPolicy, t Tally) string {
	sat, ok := t.Satisfaction()
	switch {
	case !ok || t.Answered() < r.MinAnswers:
		return "—"
	case sat >= r.Good:
		return "好"
	case sat >= r.Fair:
		return "较好"
	}
	return "一般"
}

// Stats computes the satisfaction statistics and runs the monthly check.
type Stats struct{ *core }

// Compute computes the statistics of surveys delivered in [from, to).
func (st *Stats) Compute(ctx context.Context, from, to time.Time) (*Report, error) {
	facts, err := st.StatsStore.SurveyFacts(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("read surveys: %w", err)
	}
	services, err := st.StatsStore.ServiceCounts(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("count services: %w", err)
	}
	return buildStats(facts, services, from, to, st.Policy.Location, st.Policy.Surveys.StaffRating), nil
}

func buildStats(facts []SurveyFact, services []StaffServices, from, to time.Time, loc *time.Location, rating policy.StaffRatingPolicy) *Report {
	st := &Report{From: from, To: to}
	staff, units, sev, months := map[string]*Breakdown{}, map[string]*Breakdown{}, map[string]*Breakdown{}, map[string]*Breakdown{}
	for _, f := range facts {
		st.Total.add(f)
		bump(staff, f.StaffNumber, f.StaffName, f)
		bump(units, f.UnitName, f.UnitName, f)
		bump(sev, strconv.Itoa(f.Severity), notify.SeverityShort(f.Severity), f)
		m := f.SentAt.In(loc).Format("2006-01")
		bump(months, m, m, f)
	}
	st.Staff = staffLines(staff, services, rating)
	st.Units, st.Severities, st.Months = sorted(units), sorted(sev), sorted(months)
	return st
}

func bump(m map[string]*Breakdown, key, label string, f SurveyFact) {
	b, ok := m[key]
	if !ok {
		b = &Breakdown{Key: key, Label: label}
		m[key] = b
	}
	b.add(f)
}

func sorted(m map[string]*Breakdown) []Breakdown {
	out := make([]Breakdown, 0, len(m))
	for _, b := range m {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b Breakdown) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// staffLines joins the staff's survey tallies with the tickets they closed:
// the statistics table lists everyone who served or was rated.
func staffLines(tallies map[string]*Breakdown, services []StaffServices, rating policy.StaffRatingPolicy) []StaffLine {
	lines := map[string]*StaffLine{}
	for _, s := range services {
		lines[s.Number] = &StaffLine{Number: s.Number, Name: s.Name, Services: s.Services}
	}
	for key, b := range tallies {
		l, ok := lines[key]
		if !ok {
			l = &StaffLine{Number: key, Name: b.Label}
			lines[key] = l
		}
		l.Tally = b.Tally
	}
	out := make([]StaffLine, 0, len(lines))
	for _, l := range lines {
		if l.Number == "" {
			l.Name = "（未分派）"
		}
		l.Rating = Rate(rating, l.Tally)
		out = append(out, *l)
	}
	slices.SortFunc(out, func(a, b StaffLine) int { return cmp.Compare(a.Number, b.Number) })
	return out
}

// SatisfactionLine is a tally in one line: 满意率 91.7%（110/120），参与率 50.0%.
func SatisfactionLine(t Tally) string {
	sat, ok := t.Satisfaction()
	s := "满意率 —（无答卷）"
	if ok {
		s = fmt.Sprintf("满意率 %s（%d/%d）", bot.Percent(sat), t.Satisfied(), t.Answered())
	}
	if part, ok := t.Participation(); ok {
		s += "，参与率 " + bot.Percent(part)
	}
	return s
}

// ScheduleChecks is called at start: the check of the current month is
// scheduled once (each check schedules the next month's).
func (st *Stats) ScheduleChecks(ctx context.Context) error {
	return st.Jobs.AddJobs(ctx, []bot.Job{st.CheckJob(st.now())}, st.now())
}

// CheckJob checks the month around t on the first working day of the
// next month at 09:00 (when the monthly service report is due, seed 001
// 4.7.7), on the 5x9 calendar with China's holidays.
func (st *Stats) CheckJob(t time.Time) bot.Job {
	loc := st.Policy.Location
	_, next := staffdialog.MonthOf(t, loc)
	month := t.In(loc).Format("2006-01")
	return bot.Job{Kind: JobMonthlyCheck, Ref: month, DueAt: st.Policy.Morning(sla.DateOf(next)), Key: JobMonthlyCheck + ":" + month}
}

// MonthlyCheck compares the month's satisfaction with the target: below
// it, quality staff and the managers are told; otherwise quality staff get
// the month's figures. The next month's check is scheduled (the handler of
// JobMonthlyCheck).
func (st *Stats) MonthlyCheck(ctx context.Context, j bot.Job, now time.Time) (string, []bot.Job, error) {
	from, err := time.ParseInLocation("2006-01", j.Ref, st.Policy.Location)
	if err != nil {
		return bot.OutcomeSkipped, nil, nil
	}
	next := []bot.Job{st.CheckJob(from.AddDate(0, 1, 0))}
	report, err := st.Compute(ctx, from, from.AddDate(0, 1, 0))
	if err != nil {
		return "", nil, err
	}
	sat, ok := report.Total.Satisfaction()
	below := ok && sat < st.Policy.Surveys.Target
	to := st.Notify.StaffWith(ctx, bot.RoleQuality)
	if below {
		to = st.Notify.StaffWith(ctx, bot.RoleQuality, bot.RoleManager)
	}
	text := st.monthlyText(report, from, below)
	for _, s := range to {
		msg := bot.StaffMessage{ChatID: *s.TelegramUserID, Text: text, Key: fmt.Sprintf("%s:%d", j.Key, s.ID)}
		if err := st.Notify.Send(ctx, msg); err != nil {
			return "", nil, err
		}
	}
	if below {
		st.Log.Warn("monthly satisfaction below target", slog.String("month", j.Ref), slog.Float64("satisfaction", sat))
	}
	return bot.OutcomeSent, next, nil
}

func (st *Stats) monthlyText(r *Report, month time.Time, below bool) string {
	var b strings.Builder
	title := fmt.Sprintf("%d年%d月", month.Year(), int(month.Month()))
	target := bot.Percent(st.Policy.Surveys.Target)
	if below {
		fmt.Fprintf(&b, "⚠️ %s客户满意度低于目标 %s！\n", title, target)
	} else {
		fmt.Fprintf(&b, "📊 %s客户满意度（目标 %s）\n", title, target)
	}
	t := r.Total
	fmt.Fprintf(&b, "%s\n送达 %d｜已答 %d｜满意 %d｜较满意 %d｜一般 %d｜不满意 %d\n\n人员情况：", SatisfactionLine(t),
		t.Delivered, t.Answered(), t.Ratings[0], t.Ratings[1], t.Ratings[2], t.Ratings[3])
	for _, l := range r.Staff {
		fmt.Fprintf(&b, "\n%s（%s）服务 %d 次，%s，评定 %s", notify.OrDash(l.Name), notify.OrDash(l.Number), l.Services, SatisfactionLine(l.Tally), l.Rating)
	}
	b.WriteString("\n\n详细统计：hotline survey stats --month " + month.Format("2006-01"))
	return b.String()
}
