package bot

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
	s.Severities, _ = ParseSeverities(r.Severities)
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

// RoundQuery is what the store selects candidates by; the unit is matched
// in the bot (UnitKey).
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
	CreateRound(ctx context.Context, r *Round, surveys []Survey, jobs func(*Round) []Job) error
	Round(ctx context.Context, id int64) (*Round, error)
	Rounds(ctx context.Context, limit int) ([]Round, error)
	// SetRoundStatus moves a round in one of from to status, with jobs;
	// false when it was in none of them.
	SetRoundStatus(ctx context.Context, id int64, from []string, status string, at time.Time, jobs []Job) (bool, error)
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

// PreviewRound counts who spec would ask now.
func (d *Desk) PreviewRound(ctx context.Context, spec RoundSpec) (RoundPreview, error) {
	if err := d.checkSpec(spec); err != nil {
		return RoundPreview{}, err
	}
	mFrom, mTo := monthOf(d.now(), d.policy.Location)
	cands, err := d.surveys.Rounds.RoundCandidates(ctx, RoundQuery{From: spec.From, To: spec.To, Engineer: spec.Engineer,
		Severities: spec.Severities, MonthFrom: mFrom, MonthTo: mTo})
	if err != nil {
		return RoundPreview{}, fmt.Errorf("select customers: %w", err)
	}
	return d.selectRound(spec, cands), nil
}

func (d *Desk) checkSpec(spec RoundSpec) error {
	if !spec.From.Before(spec.To) {
		return &UserError{Message: "时间范围无效：开始须早于结束"}
	}
	if spec.SampleRate <= 0 || spec.SampleRate > 1 {
		return &UserError{Message: "抽样比例须在 1% 到 100% 之间"}
	}
	if _, err := d.policy.Surveys.Questionnaire(spec.Questionnaire); err != nil {
		return &UserError{Message: "问卷不存在：" + spec.Questionnaire + "（可选：" + strings.Join(d.policy.Surveys.QuestionnaireNames(), "、") + "）"}
	}
	return nil
}

// selectRound keeps each customer's latest ticket in the selection, leaves
// out who may not be asked, and draws the sample: a fixed number
// (rate × eligible, rounded), ordered by a hash of the seed and the
// customer, so the same seed draws the same customers.
func (d *Desk) selectRound(spec RoundSpec, cands []RoundCandidate) RoundPreview {
	var p RoundPreview
	unit := UnitKey(spec.Unit)
	seen := map[int64]bool{}
	var eligible []RoundCandidate
	for _, c := range cands {
		if unit != "" && UnitKey(c.UnitName) != unit {
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
		case c.RoundsThisMonth >= d.policy.Surveys.MonthlyCap:
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

// StartRound creates the round from spec as previewed now and starts
// sending. by is the staff number (or "cli"); chat, when set, is told when
// every invitation has gone out.
func (d *Desk) StartRound(ctx context.Context, spec RoundSpec, by string, chat *int64) (*Round, RoundPreview, error) {
	p, err := d.PreviewRound(ctx, spec)
	if err != nil {
		return nil, p, err
	}
	if len(p.Chosen) == 0 {
		return nil, p, &UserError{Message: "没有可回访的客户：请放宽时间范围或筛选条件"}
	}
	now := d.now()
	r := &Round{Questionnaire: spec.Questionnaire, From: spec.From, To: spec.To, Unit: spec.Unit, Engineer: spec.Engineer,
		Severities: severitiesText(spec.Severities), SampleRate: spec.SampleRate, Seed: spec.Seed, Status: RoundSending,
		Selected: len(p.Chosen), CreatedBy: by, ReportChat: chat, CreatedAt: now}
	surveys := make([]Survey, len(p.Chosen))
	for i, c := range p.Chosen {
		surveys[i] = Survey{TicketID: c.TicketID, CustomerID: c.CustomerID, Questionnaire: spec.Questionnaire,
			UnitName: c.UnitName, StaffNumber: c.StaffNumber, StaffName: c.StaffName, Severity: c.Severity,
			Status: SurveyPending, CreatedAt: now, NextTryAt: &now}
	}
	jobs := func(r *Round) []Job { return []Job{d.roundSendJob(r.ID, "start", now)} }
	if err := d.surveys.Rounds.CreateRound(ctx, r, surveys, jobs); err != nil {
		return nil, p, fmt.Errorf("create round: %w", err)
	}
	d.log.Info("revisit round started", slog.Int64("round", r.ID), slog.Int("customers", r.Selected), slog.String("by", by))
	return r, p, nil
}

// roundSendJob is a step of the round's chain of sends; step makes its key
// unique (start, after:JOB, resume:RANDOM).
func (d *Desk) roundSendJob(round int64, step string, due time.Time) Job {
	ref := strconv.FormatInt(round, 10)
	return Job{Kind: JobRoundSend, Ref: ref, DueAt: due, Key: JobRoundSend + ":" + ref + ":" + step}
}

func afterJob(j Job) string { return "after:" + strconv.FormatInt(j.ID, 10) }

// roundBatch is how many invitations one job sends: about five seconds'
// worth at the configured rate, well inside the job's lease, so a pause
// takes effect within seconds.
func (d *Desk) roundBatch() int {
	return min(max(int(d.policy.Surveys.SendRate*5), 1), 200)
}

// roundSend sends a batch of a round's invitations, each paced by the
// shared limiter, and schedules the next batch: at once while more are
// due, at the next retry when only retries are left. With none left the
// round is sent, and its creator and quality staff are told.
func (d *Desk) roundSend(ctx context.Context, j Job, now time.Time) (string, []Job, error) {
	id, err := strconv.ParseInt(j.Ref, 10, 64)
	if err != nil {
		return OutcomeSkipped, nil, nil
	}
	r, err := d.surveys.Rounds.Round(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && r.Status != RoundSending) {
		return OutcomeSkipped, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	qn, err := d.policy.Surveys.Questionnaire(r.Questionnaire)
	if err != nil {
		return OutcomeFailed, nil, nil
	}
	batch, err := d.surveys.Rounds.ClaimRoundSurveys(ctx, r.ID, now, surveyClaimLease, d.roundBatch())
	if err != nil {
		return "", nil, fmt.Errorf("claim invitations: %w", err)
	}
	for i := range batch {
		if err := d.sendInvitation(ctx, &batch[i], qn, now); err != nil {
			return "", nil, err
		}
	}
	if len(batch) == d.roundBatch() {
		return OutcomeSent, []Job{d.roundSendJob(r.ID, afterJob(j), now)}, nil
	}
	return d.roundRest(ctx, j, r, now)
}

// sendInvitation sends one invitation and records the outcome: sent, to be
// retried with backoff, or failed. Only a store failure is an error.
func (d *Desk) sendInvitation(ctx context.Context, sv *Survey, qn *Questionnaire, now time.Time) error {
	if out, err := d.surveys.Store.OptedOut(ctx, sv.CustomerID); err != nil || out {
		if err != nil {
			return err
		}
		return d.surveys.Rounds.SkipSurvey(ctx, sv.ID, "customer opted out (TD)")
	}
	if err := d.pace(ctx); err != nil {
		return err
	}
	err := d.sendSurvey(ctx, sv, qn, now)
	switch {
	case err == nil:
		return nil
	case isUnreachable(err) || sv.Attempts >= maxSurveyAttempts:
		d.log.Info("round invitation failed", slog.Int64("survey", sv.ID), slog.String("err", err.Error()))
		return d.surveys.Store.FailSurvey(ctx, sv.ID, err.Error())
	}
	backoff := time.Duration(1<<min(sv.Attempts-1, 6)) * time.Minute
	return d.surveys.Store.RetrySurvey(ctx, sv.ID, now.Add(backoff), err.Error())
}

// roundRest schedules the retries left, or finishes the round.
func (d *Desk) roundRest(ctx context.Context, j Job, r *Round, now time.Time) (string, []Job, error) {
	next, err := d.surveys.Rounds.NextRoundTry(ctx, r.ID, now)
	if err != nil {
		return "", nil, err
	}
	if next != nil {
		return OutcomeSent, []Job{d.roundSendJob(r.ID, afterJob(j), later(*next, now))}, nil
	}
	done, err := d.surveys.Rounds.SetRoundStatus(ctx, r.ID, []string{RoundSending}, RoundSent, now, nil)
	if err != nil || !done {
		return OutcomeSkipped, nil, err
	}
	d.roundReport(ctx, r)
	return OutcomeSent, nil, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// roundReport tells the round's creator and quality staff that every
// invitation has gone out, with the failures and their reasons.
func (d *Desk) roundReport(ctx context.Context, r *Round) {
	p, err := d.surveys.Rounds.RoundProgress(ctx, r.ID)
	if err != nil {
		d.log.Error("round report", slog.Int64("round", r.ID), slog.String("err", err.Error()))
		return
	}
	text := fmt.Sprintf("📋 回访轮次 #%d 已发送完毕：邀请 %d 位，送达 %d，失败 %d。", r.ID, p.Selected, p.Delivered, p.Failed)
	if len(p.Errors) > 0 {
		text += "\n失败原因：" + strings.Join(p.Errors, "；")
	}
	text += fmt.Sprintf("\n/round status %d 查看答卷进度。", r.ID)
	chats := map[int64]bool{}
	if r.ReportChat != nil {
		chats[*r.ReportChat] = true
	}
	for _, s := range d.qualityStaff(ctx) {
		chats[*s.TelegramUserID] = true
	}
	for chat := range chats {
		msg := StaffMessage{ChatID: chat, Text: text, Key: fmt.Sprintf("round_sent:%d:%d", r.ID, chat)}
		if err := d.sendStaff(ctx, msg); err != nil {
			d.log.Error("round report", slog.Int64("round", r.ID), slog.String("err", err.Error()))
		}
	}
}

// RoundStatus is a round with its progress.
func (d *Desk) RoundStatus(ctx context.Context, id int64) (*Round, RoundProgress, error) {
	r, err := d.surveys.Rounds.Round(ctx, id)
	if err != nil {
		return nil, RoundProgress{}, err
	}
	p, err := d.surveys.Rounds.RoundProgress(ctx, id)
	return r, p, err
}

// Rounds lists the latest rounds, newest first.
func (d *Desk) Rounds(ctx context.Context, limit int) ([]Round, error) {
	return d.surveys.Rounds.Rounds(ctx, limit)
}

// PauseRound holds a sending round; the batch in flight finishes.
func (d *Desk) PauseRound(ctx context.Context, id int64) error {
	return d.moveRound(ctx, id, []string{RoundSending}, RoundPaused, nil)
}

// ResumeRound sends a paused round's invitations again.
func (d *Desk) ResumeRound(ctx context.Context, id int64) error {
	return d.moveRound(ctx, id, []string{RoundPaused}, RoundSending, []Job{d.roundSendJob(id, "resume:"+rand.Text()[:10], d.now())})
}

// CloseRound ends a round: nothing more is sent, and answers after it are
// thanked and not counted.
func (d *Desk) CloseRound(ctx context.Context, id int64) error {
	if err := d.moveRound(ctx, id, []string{RoundSending, RoundPaused, RoundSent}, RoundClosed, nil); err != nil {
		return err
	}
	return d.surveys.Rounds.CancelRoundSurveys(ctx, id, d.now())
}

func (d *Desk) moveRound(ctx context.Context, id int64, from []string, to string, jobs []Job) error {
	ok, err := d.surveys.Rounds.SetRoundStatus(ctx, id, from, to, d.now(), jobs)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	r, err := d.surveys.Rounds.Round(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return &UserError{Message: fmt.Sprintf("没有回访轮次 #%d", id)}
	}
	if err != nil {
		return err
	}
	return &UserError{Message: fmt.Sprintf("回访轮次 #%d 目前是「%s」，不能改为「%s」", id, RoundStatusLabel(r.Status), RoundStatusLabel(to))}
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
