// Package desk assembles Hotline's desk from its rooms (bot/...) and wires
// them through their registrations: the survey room's chat answers into
// the intake, its commands, buttons and dialogues into the staff desk, its
// jobs into the scheduler, and the survey that follows a closed ticket
// into the lifecycle; the maintenance room's jobs, its notice of the work
// done and its 改期 likewise. It holds no logic of its own. cmd/hotline
// builds it on the real stores and channels; the scenario tests beside it
// build it on real stores and fake channels.
package desk

import (
	"log/slog"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/engine"
	"github.com/hotline-desk/hotline/bot/intake"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/report"
	"github.com/hotline-desk/hotline/bot/staffdesk"
	"github.com/hotline-desk/hotline/bot/staffdialog"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/bot/ticket"
	"github.com/hotline-desk/hotline/bot/upkeep"
)

// Desk is the desk assembled: its rooms.
type Desk struct {
	Notify    *notify.Notifier
	Lifecycle *ticket.Lifecycle
	Intake    *intake.Desk
	Staff     *staffdesk.Desk
	Engine    *engine.Scheduler
	Renewals  *engine.Renewals
	Surveys   *survey.Surveys // nil when surveys are off
	Reports   *report.Delivery
	Upkeep    *upkeep.Upkeep
}

// JobStore is what the scheduler and the rooms need of the job table.
type JobStore interface {
	engine.JobStore
	engine.Closer
	bot.JobAdder
}

// SchedulerConfig tunes the scheduler and the deadline work.
type SchedulerConfig struct {
	engine.Config
	Escalation time.Duration // between escalation steps
	AutoClose  int           // working days a resolved ticket waits for the customer's confirmation
}

// DefaultSchedulerConfig is what serve uses.
var DefaultSchedulerConfig = SchedulerConfig{Config: engine.DefaultConfig, Escalation: time.Hour, AutoClose: 3}

// SurveyStores are the survey room's stores and helpers.
type SurveyStores struct {
	Store    survey.Store
	Rounds   survey.RoundStore
	Revisits survey.RevisitStore
	Stats    survey.StatsStore
	Pending  survey.PendingStore
	Links    survey.Linker // nil: no survey page
	Pacer    survey.Pacer  // nil: no pacing
}

// complete reports whether every store the survey room needs is there;
// without one the desk sends no surveys.
func (s SurveyStores) complete() bool {
	return s.Store != nil && s.Rounds != nil && s.Revisits != nil && s.Stats != nil && s.Pending != nil
}

// Deps are the stores and channels the desk runs on.
type Deps struct {
	Clock     bot.Clock
	Policy    *policy.Policy
	Tickets   bot.TicketStore
	Customers bot.CustomerStore
	Units     bot.UnitStore
	Sessions  interface {
		intake.SessionStore
		survey.Sessions
	}
	Backlog intake.Backlog
	Staff   bot.StaffStore
	States  staffdesk.StateStore
	// StaffChat and Answerer are the staff's chat (Telegram); nil when none
	// is configured: tickets then wait in the queue unannounced.
	StaffChat bot.StaffSender
	Answerer  bot.CallbackAnswerer
	// Customer pushes notices to customers (WeChat); nil when none.
	Customer  bot.CustomerMessenger
	Jobs      JobStore
	Scheduler SchedulerConfig // zero: DefaultSchedulerConfig
	Metrics   bot.Metrics     // nil: none
	Surveys   SurveyStores    // a store missing: no surveys (see SurveyStores.complete)
	Reports   ReportDeps
	Log       *slog.Logger
}

// ReportDeps are what the monthly report needs beyond the desk's stores.
type ReportDeps struct {
	Store     report.Store
	Files     report.Files            // nil: staff get the summary without the workbook
	Links     report.Linker           // nil: units get no link to their report
	Documents bot.StaffDocumentSender // nil: as Files nil
}

// New assembles the desk.
func New(d Deps) *Desk {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Scheduler == (SchedulerConfig{}) {
		d.Scheduler = DefaultSchedulerConfig
	}
	n := notify.New(notify.Deps{Clock: d.Clock, Policy: d.Policy, Staff: d.Staff, Customers: d.Customers, Tickets: d.Tickets,
		StaffChat: d.StaffChat, Answerer: d.Answerer, Customer: d.Customer, Log: d.Log})
	lc := ticket.New(ticket.Deps{Clock: d.Clock, Policy: d.Policy, Tickets: d.Tickets, Units: d.Units, Customers: d.Customers, Staff: d.Staff,
		Notify: n, Log: d.Log, AutoClose: d.Scheduler.AutoClose})
	desk := &Desk{Notify: n, Lifecycle: lc,
		Intake: intake.New(intake.Deps{Clock: d.Clock, Policy: d.Policy, Sessions: d.Sessions, Backlog: d.Backlog,
			Customers: d.Customers, Tickets: d.Tickets, Lifecycle: lc, Notify: n, Metrics: d.Metrics, Log: d.Log}),
		Staff: staffdesk.New(staffdesk.Deps{Clock: d.Clock, Policy: d.Policy, Staff: d.Staff, Tickets: d.Tickets,
			States: d.States, Lifecycle: lc, Notify: n, Jobs: d.Jobs, Log: d.Log}),
		Engine: engine.New(engine.Deps{Config: d.Scheduler.Config, Clock: d.Clock, Jobs: d.Jobs, Staff: d.Staff,
			Metrics: d.Metrics, Log: d.Log}),
		Renewals: engine.NewRenewals(d.Clock, d.Policy, d.Units, d.Customers, d.Jobs, n),
	}
	engine.NewDeadlines(engine.DeadlineDeps{Policy: d.Policy, Tickets: d.Tickets, Closer: d.Jobs, Notify: n,
		Metrics: d.Metrics, Log: d.Log, Escalation: d.Scheduler.Escalation, AutoClose: lc.AutoCloseDays()}).Register(desk.Engine)
	desk.Engine.Handle(bot.JobRenewal, engine.Plain(desk.Renewals.Notice))
	desk.Engine.Handle(staffdesk.JobNewExpire, engine.Plain(desk.Staff.ExpireNew))
	lc.Attach(desk.Intake.Attach)
	desk.plugReports(d, n)
	desk.plugUpkeep(d, n)
	if d.Surveys.complete() {
		desk.Surveys = newSurveys(d, n)
		desk.plugSurveys()
	}
	return desk
}

// plugReports builds the report room and registers its jobs and /report.
func (desk *Desk) plugReports(d Deps, n *notify.Notifier) {
	r := d.Reports
	if r.Store == nil {
		return
	}
	desk.Reports = &report.Delivery{Reports: &report.Reports{Policy: d.Policy, Store: r.Store, Clock: d.Clock},
		Jobs: d.Jobs, Notify: n, Documents: r.Documents, Files: r.Files, Links: r.Links, Customers: d.Customers, Staff: d.Staff, Log: d.Log,
		Within: desk.Engine.Lease() * 2 / 5} // a job starts within half its lease: it ends before the lease does
	desk.Staff.Command("/report", report.Help, desk.Reports.Command)
	desk.Engine.Handle(report.JobMonthly, engine.Plain(desk.Reports.Deliver))
	desk.Engine.Handle(report.JobStaff, engine.Plain(desk.Reports.ToStaff))
	desk.Engine.Handle(report.JobUnit, engine.Plain(desk.Reports.ToUnit))
}

// plugUpkeep builds the maintenance room and registers its jobs, the
// notice of the work done (a follow-up of every resolution), and 改期 on
// a lead's /ticket N.
func (desk *Desk) plugUpkeep(d Deps, n *notify.Notifier) {
	u := upkeep.New(upkeep.Deps{Clock: d.Clock, Policy: d.Policy, Lifecycle: desk.Lifecycle, Tickets: d.Tickets,
		Customers: d.Customers, Jobs: d.Jobs, States: d.States, Notify: n, Log: d.Log})
	desk.Upkeep = u
	desk.Lifecycle.Follow(u.FollowUp)
	desk.Staff.Card(u.Buttons)
	desk.Staff.Press(upkeep.RescheduleAction, u.Press)
	desk.Staff.Dialogue(upkeep.AwaitDue, u.Dialogue)
	desk.Engine.Handle(upkeep.JobOpen, engine.Plain(u.Open))
	desk.Engine.Handle(upkeep.JobDone, engine.Plain(u.Done))
	desk.Engine.Handle(upkeep.JobTell, engine.Plain(u.Tell))
}

// newSurveys builds the survey room.
func newSurveys(d Deps, n *notify.Notifier) *survey.Surveys {
	s := d.Surveys
	return survey.New(survey.Deps{Clock: d.Clock, Policy: d.Policy, Customers: d.Customers, Tickets: d.Tickets, Jobs: d.Jobs,
		Store: s.Store, RoundStore: s.Rounds, RevisitStore: s.Revisits, StatsStore: s.Stats, Pending: s.Pending,
		Sessions: d.Sessions, States: d.States, Links: s.Links, Pacer: s.Pacer, Notify: n, Log: d.Log})
}

// plugSurveys registers the survey room with the other rooms.
func (desk *Desk) plugSurveys() {
	s := desk.Surveys
	desk.Intake.Take(s.Chat)
	desk.Lifecycle.Follow(s.Sender.FollowUp)
	desk.Staff.Command("/round", survey.RoundHelp, s.Rounds.Command)
	desk.Staff.Command("/revisits", survey.RevisitsHelp, s.Revisits.List)
	desk.Staff.Press(survey.RevisitAction, s.Revisits.Press)
	desk.Staff.Press(staffdialog.RoundAction, s.Rounds.Press)
	desk.Staff.Dialogue(staffdialog.AwaitRevisit, s.Revisits.Result)
	desk.Staff.Dialogue(staffdialog.AwaitRound, s.Rounds.Dialogue)
	desk.Engine.Handle(survey.JobSend, engine.Plain(s.Sender.TicketSurvey))
	desk.Engine.Handle(survey.JobRemind, engine.Plain(s.Sender.Remind))
	desk.Engine.Handle(survey.JobExpire, engine.Plain(s.Sender.Expire))
	desk.Engine.Handle(survey.JobRoundSend, engine.Plain(s.Rounds.Send))
	desk.Engine.Handle(survey.JobMonthlyCheck, engine.Plain(s.Stats.MonthlyCheck))
}
