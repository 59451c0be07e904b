package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// A revisit task (回访任务) is opened when a customer rates a service 一般
// or 不满意: quality management calls the customer back (seed 001,
// 4.7.4.3) and records what they learnt on the ticket.

// RevisitTask is one customer to call back about one survey.
type RevisitTask struct {
	ID        int64      `db:"id"`
	SurveyID  int64      `db:"survey_id"`
	TicketID  int64      `db:"ticket_id"`
	Rating    int        `db:"rating"`
	Comment   string     `db:"comment"`
	Status    string     `db:"status"` // open, done
	DoneBy    string     `db:"done_by"`
	Result    string     `db:"result"`
	CreatedAt time.Time  `db:"created_at"`
	DoneAt    *time.Time `db:"done_at"`
}

// Revisit task statuses.
const (
	RevisitOpen = "open"
	RevisitDone = "done"
)

// RevisitStore keeps revisit tasks.
type RevisitStore interface {
	// OpenRevisit inserts t, once per survey: false when the survey has one.
	OpenRevisit(ctx context.Context, t *RevisitTask) (bool, error)
	RevisitTask(ctx context.Context, id int64) (*RevisitTask, error)
	// RevisitOfSurvey is the survey's task; ErrNotFound when it has none.
	RevisitOfSurvey(ctx context.Context, surveyID int64) (*RevisitTask, error)
	AddRevisitComment(ctx context.Context, id int64, comment string) error
	// FinishRevisit records the result once; false when it was done before.
	FinishRevisit(ctx context.Context, id int64, by, result string, at time.Time) (bool, error)
	OpenRevisits(ctx context.Context, limit int) ([]RevisitTask, error)
}

const (
	awaitRevisit = "revisit_result" // StaffState.Awaiting: the result of revisit task StaffState.Task
	actRevisit   = "rv"             // button: record the revisit's result
)

// revisitAlert opens the revisit task of an unhappy rating and tells
// quality management (or, with none reachable, the managers) with the
// ticket and its service log.
func (d *Desk) revisitAlert(ctx context.Context, sv *Survey, rating int) {
	task := &RevisitTask{SurveyID: sv.ID, TicketID: sv.TicketID, Rating: rating, Status: RevisitOpen, CreatedAt: d.now()}
	created, err := d.surveys.Revisits.OpenRevisit(ctx, task)
	if err != nil || !created {
		if err != nil {
			d.log.Error("open revisit task", slog.Int64("survey", sv.ID), slog.String("err", err.Error()))
		}
		return
	}
	label := RatingLabels[rating-1]
	key := fmt.Sprintf("survey_rating:%d", sv.ID)
	d.tickets.AddEvent(ctx, Event{TicketID: sv.TicketID, At: d.now(), ActorKind: ActorCustomer, Actor: sv.OpenID, Kind: "survey_rating",
		MsgKey: &key, Body: fmt.Sprintf("满意度评价：%s，已建立回访任务 #%d", label, task.ID)})
	t, err := d.tickets.Ticket(ctx, sv.TicketID)
	if err != nil {
		d.log.Error("revisit alert: load ticket", slog.Int64("ticket", sv.TicketID), slog.String("err", err.Error()))
		return
	}
	text := fmt.Sprintf("⚠️ 满意度预警：工单 #%d 客户评价「%s」\n已建立回访任务 #%d，请尽快回访客户。\n\n%s\n\n服务记录：%s",
		t.ID, label, task.ID, d.ticketCard(t, d.now()), d.serviceLog(ctx, t.ID, 20))
	buttons := [][]Button{{{"已回访，登记结果", callbackData(actRevisit, task.ID)}}}
	for _, s := range d.qualityStaff(ctx) {
		msg := StaffMessage{ChatID: *s.TelegramUserID, TicketID: t.ID, Text: text, Buttons: buttons, Key: fmt.Sprintf("revisit:%d:%d", task.ID, s.ID)}
		if err := d.sendStaff(ctx, msg); err != nil {
			d.log.Error("revisit alert", slog.Int64("task", task.ID), slog.String("err", err.Error()))
		}
	}
	d.log.Info("revisit task opened", slog.Int64("task", task.ID), slog.Int64("ticket", t.ID), slog.Int("rating", rating))
}

// qualityStaff are who hear about surveys: quality management, else the
// managers.
func (d *Desk) qualityStaff(ctx context.Context) []Staff {
	if to := d.staffWith(ctx, RoleQuality); len(to) > 0 {
		return to
	}
	return d.staffWith(ctx, RoleManager)
}

func (d *Desk) serviceLog(ctx context.Context, ticket int64, last int) string {
	events, err := d.tickets.Events(ctx, ticket)
	if err != nil {
		return "（无法读取）"
	}
	var b strings.Builder
	for _, e := range events[max(0, len(events)-last):] {
		b.WriteString("\n" + d.eventLine(e))
	}
	return b.String()
}

// surveyComment records a customer's comment on the ticket's service log
// and, when a revisit is open, hands it to quality management.
func (d *Desk) surveyComment(ctx context.Context, sv *Survey, comment string) {
	key := fmt.Sprintf("survey_comment:%d", sv.ID)
	d.tickets.AddEvent(ctx, Event{TicketID: sv.TicketID, At: d.now(), ActorKind: ActorCustomer, Actor: sv.OpenID, Kind: "survey_comment", Body: comment, MsgKey: &key})
	task, err := d.surveys.Revisits.RevisitOfSurvey(ctx, sv.ID)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			d.log.Error("survey comment: load revisit", slog.Int64("survey", sv.ID), slog.String("err", err.Error()))
		}
		return
	}
	if err := d.surveys.Revisits.AddRevisitComment(ctx, task.ID, comment); err != nil {
		d.log.Error("survey comment", slog.Int64("task", task.ID), slog.String("err", err.Error()))
	}
	text := fmt.Sprintf("💬 回访任务 #%d（工单 #%d）客户意见：%s", task.ID, sv.TicketID, comment)
	for _, s := range d.qualityStaff(ctx) {
		msg := StaffMessage{ChatID: *s.TelegramUserID, TicketID: sv.TicketID, Text: text, Key: fmt.Sprintf("revisit_comment:%d:%d", task.ID, s.ID)}
		if err := d.sendStaff(ctx, msg); err != nil {
			d.log.Error("revisit comment", slog.Int64("task", task.ID), slog.String("err", err.Error()))
		}
	}
}

// mayRevisit: quality management and managers run revisits and rounds.
func mayRevisit(s *Staff) bool { return s.HasRole(RoleQuality) || s.HasRole(RoleManager) }

// pressRevisit (已回访) asks for the result of the revisit.
func (d *Desk) pressRevisit(ctx context.Context, s *Staff, chat int64, id int64) (string, error) {
	if !mayRevisit(s) {
		return "只有质量管理部和经理可以登记回访", nil
	}
	task, err := d.surveys.Revisits.RevisitTask(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return "回访任务不存在", nil
	}
	if err != nil {
		return "", err
	}
	if task.Status == RevisitDone {
		return fmt.Sprintf("回访任务 #%d 已由工号 %s 完成", task.ID, task.DoneBy), nil
	}
	if err := d.states.SetStaffState(ctx, s.ID, StaffState{Awaiting: awaitRevisit, Task: task.ID}); err != nil {
		return "", err
	}
	return "请发送回访结果", d.tell(ctx, chat, fmt.Sprintf("请发送回访任务 #%d（工单 #%d）的回访结果：客户的意见、原因和改进措施。", task.ID, task.TicketID))
}

// revisitResult closes the task and writes the result on the ticket.
func (d *Desk) revisitResult(ctx context.Context, s *Staff, chat int64, st StaffState, result string) error {
	if err := d.states.SetStaffState(ctx, s.ID, StaffState{}); err != nil {
		return err
	}
	now := d.now()
	task, err := d.surveys.Revisits.RevisitTask(ctx, st.Task)
	if err != nil {
		return fmt.Errorf("load revisit task: %w", err)
	}
	done, err := d.surveys.Revisits.FinishRevisit(ctx, task.ID, s.Number, result, now)
	if err != nil {
		return err
	}
	if !done {
		return d.tell(ctx, chat, fmt.Sprintf("回访任务 #%d 已经完成过了。", task.ID))
	}
	key := "revisit_done:" + strconv.FormatInt(task.ID, 10)
	e := Event{TicketID: task.TicketID, At: now, ActorKind: ActorStaff, Actor: s.Number, Kind: "revisit", Body: "回访结果：" + result, MsgKey: &key}
	if _, err := d.tickets.AddEvent(ctx, e); err != nil {
		return err
	}
	return d.tell(ctx, chat, fmt.Sprintf("✅ 回访任务 #%d 已完成，结果已记入工单 #%d 的服务记录。", task.ID, task.TicketID))
}

// listRevisits answers /revisits: the open tasks, oldest first.
func (d *Desk) listRevisits(ctx context.Context, s *Staff, chat int64) error {
	if !mayRevisit(s) {
		return d.tell(ctx, chat, "/revisits 仅限质量管理部和经理使用。")
	}
	tasks, err := d.surveys.Revisits.OpenRevisits(ctx, 30)
	if err != nil {
		return fmt.Errorf("list revisits: %w", err)
	}
	if len(tasks) == 0 {
		return d.tell(ctx, chat, "待回访任务：无。")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "待回访任务（%d）：", len(tasks))
	for _, t := range tasks {
		fmt.Fprintf(&b, "\n\n#%d 工单 #%d｜评价「%s」｜%s", t.ID, t.TicketID, RatingLabels[t.Rating-1], t.CreatedAt.In(d.policy.Location).Format("01-02 15:04"))
		if t.Comment != "" {
			b.WriteString("\n客户意见：" + summaryLine(t.Comment))
		}
	}
	b.WriteString("\n\n/ticket 工单号 查看详情；按告警消息上的「已回访」登记结果。")
	return d.tell(ctx, chat, b.String())
}
