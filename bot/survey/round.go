package survey

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/staffdialog"
)

// A revisit round (回访) asks a sample of the customers served in a period
// for their opinion (seed 001, 4.7.4.3): quality staff choose who (tickets
// resolved in the period, by unit, engineer and severity), the sample and
// the questionnaire, see how many customers will be asked, and confirm.
// The invitations then go out as scheduled work at the configured rate.

// Round statuses.
const (
	RoundSending = "sending" // invitations going out
	RoundPaused  = "paused"  // held by quality staff
	RoundSent    = "sent"    // every invitation went out (or failed); answers still come in
	RoundClosed  = "closed"  // closed: nothing more is sent or counted
)

// Round is one revisit round.
type Round struct {
	ID            int64      `db:"id"`
	Questionnaire string     `db:"questionnaire"`
	From          time.Time  `db:"period_from"` // tickets resolved in [From, To)
	To            time.Time  `db:"period_to"`
	Unit          string     `db:"unit"`
	Engineer      string     `db:"engineer"`   // staff number
	Severities    string     `db:"severities"` // "1,2"; empty: all
	SampleRate    float64    `db:"sample_rate"`
	Seed          int64      `db:"seed"`
	Status        string     `db:"status"`
	Selected      int        `db:"selected"`
	CreatedBy     string     `db:"created_by"`  // staff number, or "cli"
	ReportChat    *int64     `db:"report_chat"` // the creator's staff chat, told when it is sent
	CreatedAt     time.Time  `db:"created_at"`
	FinishedAt    *time.Time `db:"finished_at"`
	ClosedAt      *time.Time `db:"closed_at"`
}

// Spec is the round's selection as a RoundSpec.
func (r *Round) Spec() RoundSpec {
	s := RoundSpec{From: r.From, To: r.To, Unit: r.Unit, Engineer: r.Engineer, SampleRate: r.SampleRate,
		Questionnaire: r.Questionnaire, Seed: r.Seed}
	s.Severities, _ = staffdialog.ParseSeverities(r.Severities)
	return s
}

// RoundSpec is who a round asks.
type RoundSpec struct {
	From, To      time.Time // tickets resolved in [From, To)
	Unit          string    // empty: all
	Engineer      string    // staff number; empty: all
	Severities    []int     // empty: all
	SampleRate    float64   // 0 < rate ≤ 1
	Questionnaire string
	Seed          int64 // the sample; the same seed draws the same customers
}

// SpecOf is a drafted round's selection.
func SpecOf(d *staffdialog.RoundDraft) RoundSpec {
	return RoundSpec{From: d.From, To: d.To, Unit: d.Unit, Engineer: d.Engineer, Severities: d.Severities,
		SampleRate: d.SampleRate, Questionnaire: d.Questionnaire, Seed: d.Seed}
}

// Describe is the selection in one line, as staff read it.
func (s RoundSpec) Describe(loc *time.Location) string {
	parts := []string{staffdialog.PeriodText(s.From, s.To, loc)}
	if s.Unit != "" {
		parts = append(parts, "单位 "+s.Unit)
	}
	if s.Engineer != "" {
		parts = append(parts, "工程师 "+s.Engineer)
	}
	if len(s.Severities) > 0 {
		parts = append(parts, "级别 "+staffdialog.SeveritiesText(s.Severities))
	}
	parts = append(parts, "抽样 "+bot.Percent(s.SampleRate), "问卷 "+s.Questionnaire)
	return strings.Join(parts, "｜")
}

// RoundQuery is what the store selects candidates by; the unit is matched
// here (bot.UnitKey).
type RoundQuery struct {
	From, To           time.Time
	Engineer           string
	Severities         []int
	MonthFrom, MonthTo time.Time // the calendar month of the monthly cap
}

// RoundCandidate is a ticket resolved in the period, with what decides
// whether its customer may be asked.
type RoundCandidate struct {
	TicketID        int64     `db:"ticket_id"`
	CustomerID      int64     `db:"customer_id"`
	UnitName        string    `db:"unit_name"`
	StaffNumber     string    `db:"staff_number"`
	StaffName       string    `db:"staff_name"`
	Severity        int       `db:"severity"`
	ResolvedAt      time.Time `db:"resolved_at"`
	Subscribed      bool      `db:"subscribed"`
	OptedOut        bool      `db:"opted_out"`
	RoundsThisMonth int       `db:"rounds_this_month"`
}

// RoundPreview is how many customers a round would ask, and why others
// are left out.
type RoundPreview struct {
	Tickets, Customers             int // matching the selection
	OptedOut, Unsubscribed, Capped int // customers left out
	Eligible                       int
	Chosen                         []RoundCandidate // the sample: one ticket per customer, their latest
}

// RoundProgress counts a round's invitations and answers.
type RoundProgress struct {
	Selected, Pending, Delivered, Failed, Cancelled, Expired int
	Ratings                                                  [4]int
	Errors                                                   []string // the commonest failure reasons
}

// Answered is how many gave the overall rating.
func (p RoundProgress) Answered() int { return p.Tally().Answered() }

// Tally is the progress as statistics.
func (p RoundProgress) Tally() Tally { return Tally{Delivered: p.Delivered, Ratings: p.Ratings} }

// RoundStore keeps rounds.
type RoundStore interface {
	RoundCandidates(ctx context.Context, q RoundQuery) ([]RoundCandidate, error)
	// CreateRound inserts r and its surveys (their RoundID and Key taken
	// from r's new id) and the jobs jobs(r) gives, in one transaction.
	CreateRound(ctx context.Context, r *Round, surveys []Survey, jobs func(*Round) []bot.Job) error
	Round(ctx context.Context, id int64) (*Round, error)
	Rounds(ctx context.Context, limit int) ([]Round, error)
	// SetRoundStatus moves a round in one of from to status, with jobs;
	// false when it was in none of them.
	SetRoundStatus(ctx context.Context, id int64, from []string, status string, at time.Time, jobs []bot.Job) (bool, error)
	// ClaimRoundSurveys leases up to limit pending invitations due at now
	// and counts the attempt.
	ClaimRoundSurveys(ctx context.Context, round int64, now time.Time, lease time.Duration, limit int) ([]Survey, error)
	// NextRoundTry is when the round's next pending invitation is due
	// (a retry, or one leased by a worker that died); nil when none is left.
	NextRoundTry(ctx context.Context, round int64, now time.Time) (*time.Time, error)
	// CancelRoundSurveys ends a closed round's surveys: pending ones are
	// cancelled, unanswered ones expire.
	CancelRoundSurveys(ctx context.Context, round int64, at time.Time) error
	SkipSurvey(ctx context.Context, id int64, reason string) error
	RoundProgress(ctx context.Context, round int64) (RoundProgress, error)
}

const (
	maxSurveyAttempts = 3               // a round invitation is given up after this many failed sends
	surveyClaimLease  = 2 * time.Minute // longer than a batch takes
)

// Rounds runs revisit rounds: from the CLI and /round, and their sending.
type Rounds struct{ *core }

// Preview counts who spec would ask now.
func (r *Rounds) Preview(ctx context.Context, spec RoundSpec) (RoundPreview, error) {
	if err := r.checkSpec(spec); err != nil {
		return RoundPreview{}, err
	}
	mFrom, mTo := staffdialog.MonthOf(r.now(), r.Policy.Location)
	cands, err := r.RoundStore.RoundCandidates(ctx, RoundQuery{From: spec.From, To: spec.To, Engineer: spec.Engineer,
		Severities: spec.Severities, MonthFrom: mFrom, MonthTo: mTo})
	if err != nil {
		return RoundPreview{}, fmt.Errorf("select customers: %w", err)
	}
	return selectRound(spec, cands, r.Policy.Surveys.MonthlyCap), nil
}

func (r *Rounds) checkSpec(spec RoundSpec) error {
	if !spec.From.Before(spec.To) {
		return &bot.UserError{Message: "时间范围无效：开始须早于结束"}
	}
	if spec.SampleRate <= 0 || spec.SampleRate > 1 {
		return &bot.UserError{Message: "抽样比例须在 1% 到 100% 之间"}
	}
	if _, err := r.Policy.Surveys.Questionnaire(spec.Questionnaire); err != nil {
		return &bot.UserError{Message: "问卷不存在：" + spec.Questionnaire + "（可选：" + strings.Join(r.Policy.Surveys.QuestionnaireNames(), "、") + "）"}
	}
	return nil
}

// selectRound keeps each customer's latest ticket in the selection, leaves
// out who may not be asked, and draws the sample: a fixed number
// (rate × eligible, rounded), ordered by a hash of the seed and the
// customer, so the same seed draws the same customers.
func selectRound(spec RoundSpec, cands []RoundCandidate, monthlyCap int) RoundPreview {
	var p RoundPreview
	unit := bot.UnitKey(spec.Unit)
	seen := map[int64]bool{}
	var eligible []RoundCandidate
	for _, c := range cands {
		if unit != "" && bot.UnitKey(c.UnitName) != unit {
			continue
		}
		p.Tickets++
		if seen[c.CustomerID] {
			continue // candidates come latest first per customer
		}
		seen[c.CustomerID] = true
		p.Customers++
		switch {
		case c.OptedOut:
			p.OptedOut++
		case !c.Subscribed:
			p.Unsubscribed++
		case c.RoundsThisMonth >= monthlyCap:
			p.Capped++
		default:
			eligible = append(eligible, c)
		}
	}
	p.Eligible = len(eligible)
	k := int(math.Round(spec.SampleRate * float64(len(eligible))))
	if k == 0 && len(eligible) > 0 {
		k = 1
	}
	slices.SortFunc(eligible, func(a, b RoundCandidate) int {
		return cmp.Compare(sampleKey(spec.Seed, a.CustomerID), sampleKey(spec.Seed, b.CustomerID))
	})
	p.Chosen = eligible[:k]
	return p
}

func sampleKey(seed, customer int64) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d:%d", seed, customer)
	return h.Sum64()
}

// Start creates the round from spec as previewed now and starts sending.
// by is the staff number (or "cli"); chat, when set, is told when every
// invitation has gone out.
func (r *Rounds) Start(ctx context.Context, spec RoundSpec, by string, chat *int64) (*Round, RoundPreview, error) {
	p, err := r.Preview(ctx, spec)
	if err != nil {
		return nil, p, err
	}
	if len(p.Chosen) == 0 {
		return nil, p, &bot.UserError{Message: "没有可回访的客户：请放宽时间范围或筛选条件"}
	}
	now := r.now()
	round := &Round{Questionnaire: spec.Questionnaire, From: spec.From, To: spec.To, Unit: spec.Unit, Engineer: spec.Engineer,
		Severities: staffdialog.SeveritiesText(spec.Severities), SampleRate: spec.SampleRate, Seed: spec.Seed, Status: RoundSending,
		Selected: len(p.Chosen), CreatedBy: by, ReportChat: chat, CreatedAt: now}
	surveys := make([]Survey, len(p.Chosen))
	for i, c := range p.Chosen {
		surveys[i] = Survey{TicketID: c.TicketID, CustomerID: c.CustomerID, Questionnaire: spec.Questionnaire,
			UnitName: c.UnitName, StaffNumber: c.StaffNumber, StaffName: c.StaffName, Severity: c.Severity,
			Status: StatusPending, CreatedAt: now, NextTryAt: &now}
	}
	jobs := func(round *Round) []bot.Job { return []bot.Job{sendJob(round.ID, "start", now)} }
	if err := r.RoundStore.CreateRound(ctx, round, surveys, jobs); err != nil {
		return nil, p, fmt.Errorf("create round: %w", err)
	}
	r.Log.Info("revisit round started", slog.Int64("round", round.ID), slog.Int("customers", round.Selected), slog.String("by", by))
	return round, p, nil
}

// sendJob is a step of the round's chain of sends; step makes its key
// unique (start, after:JOB, resume:RANDOM).
func sendJob(round int64, step string, due time.Time) bot.Job {
	ref := strconv.FormatInt(round, 10)
	return bot.Job{Kind: JobRoundSend, Ref: ref, DueAt: due, Key: JobRoundSend + ":" + ref + ":" + step}
}

// Status is a round with its progress.
func (r *Rounds) Status(ctx context.Context, id int64) (*Round, RoundProgress, error) {
	round, err := r.RoundStore.Round(ctx, id)
	if err != nil {
		return nil, RoundProgress{}, err
	}
	p, err := r.RoundStore.RoundProgress(ctx, id)
	return round, p, err
}

// List lists the latest rounds, newest first.
func (r *Rounds) List(ctx context.Context, limit int) ([]Round, error) {
	return r.RoundStore.Rounds(ctx, limit)
}

// Pause holds a sending round; the batch in flight finishes.
func (r *Rounds) Pause(ctx context.Context, id int64) error {
	return r.move(ctx, id, []string{RoundSending}, RoundPaused, nil)
}

// Resume sends a paused round's invitations again.
func (r *Rounds) Resume(ctx context.Context, id int64) error {
	return r.move(ctx, id, []string{RoundPaused}, RoundSending, []bot.Job{sendJob(id, "resume:"+rand.Text()[:10], r.now())})
}

// Close ends a round: nothing more is sent, and answers after it are
// thanked and not counted.
func (r *Rounds) Close(ctx context.Context, id int64) error {
	if err := r.move(ctx, id, []string{RoundSending, RoundPaused, RoundSent}, RoundClosed, nil); err != nil {
		return err
	}
	return r.RoundStore.CancelRoundSurveys(ctx, id, r.now())
}

func (r *Rounds) move(ctx context.Context, id int64, from []string, to string, jobs []bot.Job) error {
	ok, err := r.RoundStore.SetRoundStatus(ctx, id, from, to, r.now(), jobs)
	if err != nil || ok {
		return err
	}
	round, err := r.RoundStore.Round(ctx, id)
	if errors.Is(err, bot.ErrNotFound) {
		return &bot.UserError{Message: fmt.Sprintf("没有回访轮次 #%d", id)}
	}
	if err != nil {
		return err
	}
	return &bot.UserError{Message: fmt.Sprintf("回访轮次 #%d 目前是「%s」，不能改为「%s」", id, RoundStatusLabel(round.Status), RoundStatusLabel(to))}
}

// RoundStatusLabel is a round status as staff read it.
func RoundStatusLabel(s string) string {
	switch s {
	case RoundSending:
		return "发送中"
	case RoundPaused:
		return "已暂停"
	case RoundSent:
		return "已发送完毕"
	case RoundClosed:
		return "已关闭"
	}
	return s
}
