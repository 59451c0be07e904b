package report

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/survey"
)

// Facts are what one month's report is computed from, as the store reads
// them for the month [From, To) of one unit or of all.
type Facts struct {
	Tickets     []bot.Ticket             // reported in the month, by number
	Resolved    []time.Time              // resolutions in the month, of tickets reported at any time
	OpenAtEnd   int                      // reported before To and not resolved by then
	Escalations map[int64]map[string]int // ticket → goal → escalation steps sent
	Services    []survey.StaffServices   // tickets closed in the month per staff member
	Surveys     []SurveyFact             // delivered in the month
	Answers     []Answer                 // to those surveys
	Trend       []TrendFact              // the 12 months ending with this one, oldest first
}

// SurveyFact is one survey delivered in the month.
type SurveyFact struct {
	ID            int64  `db:"id"`
	RoundID       *int64 `db:"round_id"`
	Questionnaire string `db:"questionnaire"`
	StaffNumber   string `db:"staff_number"`
	StaffName     string `db:"staff_name"`
	Rating        *int   `db:"rating"`
}

// Answer is one answer to one question of a survey.
type Answer struct {
	SurveyID int64  `db:"survey_id"`
	Question string `db:"question"`
	Value    string `db:"value"`
}

// TrendFact is one month of the trend as the store counts it: tickets
// reported, their deadlines met and missed (as of the report's time), and
// the surveys delivered that month.
type TrendFact struct {
	From      time.Time
	Opened    int `db:"opened"`
	Met       int `db:"met"`
	Missed    int `db:"missed"`
	Answered  int `db:"answered"`
	Satisfied int `db:"satisfied"`
}

// Scope is what a report is about: a month, one unit or all, made at a
// time (deadlines not yet due then are pending).
type Scope struct {
	From, To time.Time
	Unit     string
	Now      time.Time
}

// Build computes the report from the facts, on policy p (plans for the
// business time, surveys for the rating rules and the target).
func Build(p *policy.Policy, sc Scope, f *Facts) *Monthly {
	loc := p.Location
	m := &Monthly{Month: sc.From.In(loc).Format("2006-01"), Unit: sc.Unit,
		From: sc.From.In(loc), To: sc.To.In(loc), GeneratedAt: sc.Now.In(loc)}
	m.Title = Title(m.From, sc.Unit)
	m.Summary = summarize(f)
	m.SLA = slaOf(f, sc.Now, loc)
	m.Times = timesOf(p, f.Tickets)
	m.Problems = Problems{Categories: categories(f.Tickets), Groups: Similar(f.Tickets)}
	m.Tickets = rows(f.Tickets, loc)
	m.Staff = staffTable(p, f)
	m.Revisits = revisits(p, f)
	m.OnSite = onSite(f.Tickets, f.Escalations, sc.Now)
	m.Daily = daily(f, m.From, m.To, loc)
	m.Trend = trend(f.Trend, loc)
	return m
}

// Title names a month's report: 2026年11月系统服务月报（unit）.
func Title(month time.Time, unit string) string {
	t := fmt.Sprintf("%d年%d月系统服务月报", month.Year(), int(month.Month()))
	if unit != "" {
		t += "（" + unit + "）"
	}
	return t
}

func summarize(f *Facts) Summary {
	s := Summary{Opened: len(f.Tickets), Resolved: len(f.Resolved), OpenAtEnd: f.OpenAtEnd}
	kinds, sevs, chans, stats := counter{}, counter{}, counter{}, counter{}
	for _, t := range f.Tickets {
		kinds.add(t.Kind, bot.KindLabel(t.Kind))
		sevs.add(strconv.Itoa(t.Severity), notify.SeverityShort(t.Severity))
		chans.add(t.Channel, bot.ChannelLabel(t.Channel))
		stats.add(string(t.Status), StatusLabel(t.Status))
	}
	s.ByKind = kinds.in(bot.Kinds)
	s.BySeverity = sevs.in([]string{"1", "2", "3", "4", "5"})
	s.ByChannel = chans.in(bot.IntakeChannels)
	s.ByStatus = stats.in([]string{"open", "acknowledged", "waiting", "resolved", "closed"})
	return s
}

// StatusLabel is a status as staff read it on a form.
func StatusLabel(s bot.Status) string {
	switch s {
	case bot.StatusOpen:
		return "待处理"
	case bot.StatusAcknowledged:
		return "处理中"
	case bot.StatusWaiting:
		return "等待客户"
	case bot.StatusResolved:
		return "已解决待确认"
	case bot.StatusClosed:
		return "已关闭"
	}
	return string(s)
}

// counter counts values with their labels.
type counter map[string]*Count

func (c counter) add(key, label string) {
	if n, ok := c[key]; ok {
		n.N++
		return
	}
	c[key] = &Count{Key: key, Label: label, N: 1}
}

// in lists the counts in the order given, then any other values by key;
// values never seen are left out.
func (c counter) in(order []string) []Count {
	out := []Count{}
	for _, k := range order {
		if n, ok := c[k]; ok {
			out = append(out, *n)
			delete(c, k)
		}
	}
	rest := make([]string, 0, len(c))
	for k := range c {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, *c[k])
	}
	return out
}

// ranked lists the counts, most first, then by key.
func (c counter) ranked() []Count {
	out := c.in(nil)
	slices.SortStableFunc(out, func(a, b Count) int { return cmp.Compare(b.N, a.N) })
	return out
}

// Unclassified is the category of tickets resolved without one.
const Unclassified = "未分类"

func categories(ts []bot.Ticket) []Count {
	c := counter{}
	none := 0
	for _, t := range ts {
		if t.Category == "" {
			none++
			continue
		}
		c.add(t.Category, t.Category)
	}
	out := c.ranked()
	if none > 0 {
		out = append(out, Count{Key: "", Label: Unclassified, N: none})
	}
	return out
}
