package report

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/conversation"
)

// HandlingLabel is the form's 电话 / 远程 / 现场 of a resolved ticket.
func HandlingLabel(h string) string {
	switch h {
	case "phone":
		return "电话"
	case "remote":
		return "远程"
	case "onsite":
		return "现场"
	}
	return h
}

func rows(ts []bot.Ticket, loc *time.Location) []Row {
	out := make([]Row, 0, len(ts))
	for i := range ts {
		t := &ts[i]
		r := Row{Ticket: t.ID, StaffName: t.StaffName, StaffNumber: t.StaffNumber, Customer: t.ContactName,
			Unit: t.UnitName, Room: t.Room, ReportedAt: t.ReportedAt.In(loc), Handling: HandlingLabel(t.Handling),
			Problem: t.Description, Resolution: t.Resolution, Kind: bot.KindLabel(t.Kind), Category: t.Category,
			Severity: t.Severity, Channel: bot.ChannelLabel(t.Channel), Status: StatusLabel(t.Status)}
		if t.ResolvedAt != nil {
			r.ResolvedAt = bot.Ptr(t.ResolvedAt.In(loc))
		}
		out = append(out, r)
	}
	return out
}

// staffTable is 《人员情况统计表》 by the rules of hotline survey stats:
// services are the tickets each closed in the month; the rating is of the
// surveys about their tickets delivered in the month.
func staffTable(p *policy.Policy, f *Facts) []Staff {
	lines := map[string]*Staff{}
	tallies := map[string]*survey.Tally{}
	line := func(number, name string) *Staff {
		if l, ok := lines[number]; ok {
			return l
		}
		l := &Staff{Number: number, Name: name}
		if number == "" {
			l.Name = "（未分派）"
		}
		lines[number], tallies[number] = l, &survey.Tally{}
		return l
	}
	for _, s := range f.Services {
		line(s.Number, s.Name).Services += s.Services
	}
	for _, s := range f.Surveys {
		line(s.StaffNumber, s.StaffName)
		addTally(tallies[s.StaffNumber], s.Rating)
	}
	out := make([]Staff, 0, len(lines))
	for number, l := range lines {
		t := *tallies[number]
		l.Delivered, l.Answered, l.Satisfied = t.Delivered, t.Answered(), t.Satisfied()
		l.Satisfaction = optional(t.Satisfaction())
		l.Rating = survey.Rate(p.Surveys.StaffRating, t)
		out = append(out, *l)
	}
	slices.SortFunc(out, func(a, b Staff) int { return cmp.Compare(a.Number, b.Number) })
	return out
}

func addTally(t *survey.Tally, rating *int) {
	t.Delivered++
	if rating != nil && *rating >= 1 && *rating <= 4 {
		t.Ratings[*rating-1]++
	}
}

func optional(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &v
}

// revisits is 《用户回访统计表》: the surveys delivered in the month, in
// all, after tickets, per round, and per question.
func revisits(p *policy.Policy, f *Facts) Revisits {
	target := p.Surveys.Target
	var total, after survey.Tally
	rounds := map[int64]*survey.Tally{}
	qnOf := map[int64]string{}
	for _, s := range f.Surveys {
		addTally(&total, s.Rating)
		qnOf[s.ID] = s.Questionnaire
		if s.RoundID == nil {
			addTally(&after, s.Rating)
			continue
		}
		if rounds[*s.RoundID] == nil {
			rounds[*s.RoundID] = &survey.Tally{}
		}
		addTally(rounds[*s.RoundID], s.Rating)
	}
	r := Revisits{Target: target, Total: tallyLine("合计", total, target), AfterTicket: tallyLine("结单回访", after, target), Rounds: []Tally{}}
	for _, id := range slices.Sorted(maps.Keys(rounds)) {
		r.Rounds = append(r.Rounds, tallyLine("回访轮次 #"+strconv.FormatInt(id, 10), *rounds[id], target))
	}
	r.Questions = questions(p, f.Answers, qnOf)
	return r
}

func tallyLine(label string, t survey.Tally, target float64) Tally {
	l := Tally{Label: label, Asked: t.Delivered, Answered: t.Answered(), Satisfied: t.Satisfied(),
		Participation: optional(t.Participation()), Satisfaction: optional(t.Satisfaction())}
	if l.Satisfaction != nil {
		l.MeetsTarget = bot.Ptr(*l.Satisfaction >= target)
	}
	return l
}

// questions counts the answers per question of the questionnaires used,
// each value as the questionnaire offers it; free comments are counted,
// not listed.
func questions(p *policy.Policy, answers []Answer, qnOf map[int64]string) []Question {
	type key struct{ qn, q string }
	counts := map[key]counter{}
	var order []key
	for _, a := range answers {
		k := key{qnOf[a.SurveyID], a.Question}
		if counts[k] == nil {
			counts[k] = counter{}
			order = append(order, k)
		}
		q := findQuestion(p, k.qn, k.q)
		counts[k].add(a.Value, valueLabel(q, a.Value))
	}
	slices.SortStableFunc(order, func(a, b key) int { return cmp.Or(cmp.Compare(a.qn, b.qn), cmp.Compare(a.q, b.q)) })
	out := []Question{}
	for _, k := range order {
		q := findQuestion(p, k.qn, k.q)
		c := counts[k]
		n := 0
		for _, v := range c {
			n += v.N
		}
		line := Question{Key: k.q, Text: k.q, Answers: n}
		if q != nil {
			line.Text = q.Text
		}
		if q == nil || q.Kind != conversation.QuestionText {
			line.Values = c.in(choiceValues(q))
		}
		out = append(out, line)
	}
	return out
}

func findQuestion(p *policy.Policy, qn, id string) *conversation.Question {
	questionnaire, ok := p.Surveys.Questionnaires[qn]
	if !ok {
		return nil
	}
	for i := range questionnaire.Questions {
		if questionnaire.Questions[i].ID == id {
			return &questionnaire.Questions[i]
		}
	}
	return nil
}

func choiceValues(q *conversation.Question) []string {
	if q == nil {
		return nil
	}
	out := make([]string, len(q.Choices()))
	for i := range out {
		out[i] = q.ChoiceValue(i + 1)
	}
	return out
}

func valueLabel(q *conversation.Question, v string) string {
	for i, c := range choiceValues(q) {
		if c == v {
			return q.Choices()[i]
		}
	}
	return v
}

// daily counts each day's reports and resolutions.
func daily(f *Facts, from, to time.Time, loc *time.Location) []Day {
	var days []Day
	index := map[string]int{}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		index[d.Format("2006-01-02")] = len(days)
		days = append(days, Day{Date: d.Format("2006-01-02")})
	}
	for _, t := range f.Tickets {
		if i, ok := index[t.ReportedAt.In(loc).Format("2006-01-02")]; ok {
			days[i].Opened++
		}
	}
	for _, at := range f.Resolved {
		if i, ok := index[at.In(loc).Format("2006-01-02")]; ok {
			days[i].Resolved++
		}
	}
	return days
}

func trend(facts []TrendFact, loc *time.Location) []Trend {
	out := make([]Trend, 0, len(facts))
	for _, f := range facts {
		t := Trend{Month: f.From.In(loc).Format("2006-01"), Opened: f.Opened}
		if f.Met+f.Missed > 0 {
			t.OnTime = bot.Ptr(float64(f.Met) / float64(f.Met+f.Missed))
		}
		if f.Answered > 0 {
			t.Satisfaction = bot.Ptr(float64(f.Satisfied) / float64(f.Answered))
		}
		out = append(out, t)
	}
	return out
}
