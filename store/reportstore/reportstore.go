// Package reportstore reads what the monthly service report counts
// (report.Store) from the relational store, on PostgreSQL and on the
// embedded SQLite alike: the month's tickets in one indexed range scan,
// the 12-month trend in one aggregate over the year, and the surveys and
// answers of the month.
package reportstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/report"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/store"
)

// Store implements report.Store on db.
type Store struct{ db *store.DB }

// New reads the report's facts from db.
func New(db *store.DB) *Store { return &Store{db: db} }

var _ report.Store = (*Store)(nil)

// ticketColumns are the columns the report reads of a ticket.
const ticketColumns = `t.id, t.channel, t.unit_name, t.contact_name, t.room, t.description, t.severity, t.status, t.plan,
	t.kind, t.category, t.reported_at, t.response_due, t.resolution_due, t.paused, t.paused_since, t.responded_at, t.resolved_at,
	t.closed_at, t.staff_name, t.staff_number, t.handling, t.resolution, t.visit_due, t.visit_arrived_at, t.obligation`

// scoped is a query's WHERE clause for one unit (by its key) or all, with
// its arguments after args.
func scoped(where string, unitKey string, args ...any) (string, []any) {
	if unitKey == "" {
		return where, args
	}
	args = append(args, unitKey)
	return fmt.Sprintf("%s AND t.unit_key = $%d", where, len(args)), args
}

func utc(t time.Time) time.Time { return t.UTC() }

// Facts implements report.Store.
func (s *Store) Facts(ctx context.Context, unitKey string, from, to, now time.Time) (*report.Facts, error) {
	f := &report.Facts{}
	g, ctx := errgroup.WithContext(ctx)
	steps := []func() error{
		func() error { return s.tickets(ctx, f, unitKey, from, to) },
		func() error { return s.carried(ctx, f, unitKey, from, to) },
		func() error { return s.escalations(ctx, f, unitKey, from, to) },
		func() error { return s.services(ctx, f, unitKey, from, to) },
		func() error { return s.surveys(ctx, f, unitKey, from, to) },
		func() error { return s.trend(ctx, f, unitKey, from, now) },
	}
	// The reads are independent, each filling its own fields: they run
	// side by side (PostgreSQL counts the trend while the month's tickets
	// are scanned here), and the first to fail stops the others.
	for _, step := range steps {
		g.Go(step)
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return f, nil
}

func (s *Store) tickets(ctx context.Context, f *report.Facts, unitKey string, from, to time.Time) error {
	where, args := scoped(`t.reported_at >= $1 AND t.reported_at < $2`, unitKey, utc(from), utc(to))
	err := s.db.SelectContext(ctx, &f.Tickets, `SELECT `+ticketColumns+` FROM tickets t WHERE `+where+` ORDER BY t.id`, args...)
	if err != nil {
		return fmt.Errorf("read the month's tickets: %w", err)
	}
	return nil
}

// carried reads the resolutions in the month and the tickets still open
// at its end, whenever they were reported.
func (s *Store) carried(ctx context.Context, f *report.Facts, unitKey string, from, to time.Time) error {
	where, args := scoped(`t.resolved_at >= $1 AND t.resolved_at < $2`, unitKey, utc(from), utc(to))
	if err := s.db.SelectContext(ctx, &f.Resolved, `SELECT t.resolved_at FROM tickets t WHERE `+where, args...); err != nil {
		return fmt.Errorf("read the month's resolutions: %w", err)
	}
	// Never resolved, or resolved after the month: two counts, each on its
	// own index, rather than one OR that reads the whole table.
	never, args := scoped(`t.resolved_at IS NULL AND t.reported_at < $1`, unitKey, utc(to))
	later, _ := scoped(`t.resolved_at >= $1 AND t.reported_at < $1`, unitKey, utc(to))
	err := s.db.GetContext(ctx, &f.OpenAtEnd, `SELECT (SELECT count(*) FROM tickets t WHERE `+never+`)
		+ (SELECT count(*) FROM tickets t WHERE `+later+`)`, args...)
	if err != nil {
		return fmt.Errorf("count the tickets open at the month's end: %w", err)
	}
	return nil
}

// escalations counts the escalation steps sent for the month's tickets.
func (s *Store) escalations(ctx context.Context, f *report.Facts, unitKey string, from, to time.Time) error {
	where, args := scoped(`t.reported_at >= $1 AND t.reported_at < $2`, unitKey, utc(from), utc(to))
	var rows []struct {
		Ticket int64  `db:"ticket_id"`
		Goal   string `db:"payload"`
		N      int    `db:"n"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT j.ticket_id, j.payload, count(*) AS n FROM jobs j JOIN tickets t ON t.id = j.ticket_id
		WHERE j.kind = '`+bot.JobBreach+`' AND j.outcome = '`+bot.OutcomeSent+`' AND `+where+` GROUP BY j.ticket_id, j.payload`, args...)
	if err != nil {
		return fmt.Errorf("count escalations: %w", err)
	}
	f.Escalations = map[int64]map[string]int{}
	for _, r := range rows {
		if f.Escalations[r.Ticket] == nil {
			f.Escalations[r.Ticket] = map[string]int{}
		}
		f.Escalations[r.Ticket][r.Goal] += r.N
	}
	return nil
}

// services counts the tickets each staff member closed in the month.
func (s *Store) services(ctx context.Context, f *report.Facts, unitKey string, from, to time.Time) error {
	where, args := scoped(`t.closed_at >= $1 AND t.closed_at < $2 AND t.staff_number <> ''`, unitKey, utc(from), utc(to))
	err := s.db.SelectContext(ctx, &f.Services, `SELECT t.staff_number, max(t.staff_name) AS staff_name, count(*) AS services
		FROM tickets t WHERE `+where+` GROUP BY t.staff_number ORDER BY t.staff_number`, args...)
	if err != nil {
		return fmt.Errorf("count services: %w", err)
	}
	if f.Services == nil {
		f.Services = []survey.StaffServices{}
	}
	return nil
}

// surveys reads the surveys delivered in the month and their answers.
func (s *Store) surveys(ctx context.Context, f *report.Facts, unitKey string, from, to time.Time) error {
	where, args := scoped(`s.sent_at >= $1 AND s.sent_at < $2`, unitKey, utc(from), utc(to))
	err := s.db.SelectContext(ctx, &f.Surveys, `SELECT s.id, s.round_id, s.questionnaire, s.staff_number, s.staff_name, s.rating
		FROM surveys s`+joinUnit(unitKey)+` WHERE `+where+` ORDER BY s.id`, args...)
	if err != nil {
		return fmt.Errorf("read the month's surveys: %w", err)
	}
	err = s.db.SelectContext(ctx, &f.Answers, `SELECT a.survey_id, a.question, a.value
		FROM survey_answers a JOIN surveys s ON s.id = a.survey_id`+joinUnit(unitKey)+`
		WHERE `+where+` ORDER BY a.survey_id, a.question`, args...)
	if err != nil {
		return fmt.Errorf("read the month's answers: %w", err)
	}
	return nil
}

// trendMonths is how many months the trend shows.
const trendMonths = 12

// trend counts the 12 months ending with the one starting at month: the
// tickets reported in each, their deadlines met and missed by now (the
// rule of report.Build: a ticket waiting for the customer misses none it
// has not reached), and the satisfaction of the surveys delivered.
func (s *Store) trend(ctx context.Context, f *report.Facts, unitKey string, month, now time.Time) error {
	bounds := make([]time.Time, trendMonths+1)
	for i := range bounds {
		bounds[i] = month.AddDate(0, i-trendMonths+1, 0)
	}
	f.Trend = make([]report.TrendFact, trendMonths)
	for i := range f.Trend {
		f.Trend[i].From = bounds[i]
	}
	if err := s.trendTickets(ctx, f, unitKey, bounds, now); err != nil {
		return err
	}
	return s.trendSurveys(ctx, f, unitKey, bounds)
}

// trendTickets counts each month in its own range aggregate, the months
// joined by UNION ALL: PostgreSQL runs them side by side on the reported_at
// indexes (a single GROUP BY over the year reads the whole table), and
// SQLite runs them as they come.
func (s *Store) trendTickets(ctx context.Context, f *report.Facts, unitKey string, bounds []time.Time, now time.Time) error {
	args := make([]any, 0, len(bounds)+2)
	for _, b := range bounds {
		args = append(args, utc(b))
	}
	args = append(args, utc(now))
	nowArg := len(args)
	unit := ""
	if unitKey != "" {
		args = append(args, unitKey)
		unit = fmt.Sprintf(" AND t.unit_key = $%d", len(args))
	}
	months := make([]string, len(bounds)-1)
	for i := range months {
		months[i] = fmt.Sprintf(`SELECT %d AS bucket, count(*) AS opened,
		coalesce(sum(CASE WHEN t.responded_at IS NOT NULL AND t.responded_at <= t.response_due THEN 1 ELSE 0 END), 0)
		+ coalesce(sum(CASE WHEN t.resolved_at IS NOT NULL AND t.resolved_at <= t.resolution_due THEN 1 ELSE 0 END), 0) AS met,
		coalesce(sum(CASE WHEN t.responded_at > t.response_due OR (t.responded_at IS NULL AND t.paused_since IS NULL AND t.response_due < $%[4]d) THEN 1 ELSE 0 END), 0)
		+ coalesce(sum(CASE WHEN t.resolved_at > t.resolution_due OR (t.resolved_at IS NULL AND t.paused_since IS NULL AND t.resolution_due < $%[4]d) THEN 1 ELSE 0 END), 0) AS missed
		FROM tickets t WHERE t.reported_at >= $%[2]d AND t.reported_at < $%[3]d%[5]s`, i, i+1, i+2, nowArg, unit)
	}
	var rows []struct {
		Bucket int `db:"bucket"`
		report.TrendFact
	}
	if err := s.db.SelectContext(ctx, &rows, strings.Join(months, "\nUNION ALL\n"), args...); err != nil {
		return fmt.Errorf("count the trend's tickets: %w", err)
	}
	for _, r := range rows {
		from := f.Trend[r.Bucket].From
		f.Trend[r.Bucket] = r.TrendFact
		f.Trend[r.Bucket].From = from
	}
	return nil
}

func (s *Store) trendSurveys(ctx context.Context, f *report.Facts, unitKey string, bounds []time.Time) error {
	bucket, args := buckets("s.sent_at", bounds)
	where, args := scoped(fmt.Sprintf(`s.sent_at >= $%d AND s.sent_at < $%d AND s.rating IS NOT NULL`, len(args)+1, len(args)), unitKey,
		append(args, utc(bounds[0]))...)
	var rows []struct {
		Bucket    int `db:"bucket"`
		Answered  int `db:"answered"`
		Satisfied int `db:"satisfied"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT `+bucket+` AS bucket, count(*) AS answered,
		sum(CASE WHEN s.rating <= 2 THEN 1 ELSE 0 END) AS satisfied FROM surveys s`+joinUnit(unitKey)+` WHERE `+where+` GROUP BY 1`, args...)
	if err != nil {
		return fmt.Errorf("count the trend's surveys: %w", err)
	}
	for _, r := range rows {
		f.Trend[r.Bucket].Answered, f.Trend[r.Bucket].Satisfied = r.Answered, r.Satisfied
	}
	return nil
}

// buckets is a CASE numbering the months between bounds (0 for the
// first) by column, with its arguments: bounds[1:] as $1, $2, ...
func buckets(column string, bounds []time.Time) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString("CASE")
	for i, at := range bounds[1:] {
		args = append(args, utc(at))
		fmt.Fprintf(&b, " WHEN %s < $%d THEN %d", column, len(args), i)
	}
	b.WriteString(" END")
	return b.String(), args
}

// joinUnit joins a survey's ticket when the report is about one unit (the
// unit is the ticket's).
func joinUnit(unitKey string) string {
	if unitKey == "" {
		return ""
	}
	return " JOIN tickets t ON t.id = s.ticket_id"
}

// HasUnit implements report.Store.
func (s *Store) HasUnit(ctx context.Context, unitKey string) (bool, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM (SELECT 1 FROM tickets WHERE unit_key = $1 LIMIT 1) x`, unitKey)
	return n > 0, err
}

// MonthUnits implements report.Store.
func (s *Store) MonthUnits(ctx context.Context, from, to time.Time) ([]string, error) {
	var names []string
	err := s.db.SelectContext(ctx, &names, `SELECT max(unit_name) FROM tickets
		WHERE (reported_at >= $1 AND reported_at < $2) OR (resolved_at >= $1 AND resolved_at < $2)
		GROUP BY unit_key ORDER BY 1`, utc(from), utc(to))
	return names, err
}
