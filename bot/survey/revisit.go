package survey

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/notify"
	"github.com/hotline-desk/hotline/bot/staffdialog"
	"github.com/hotline-desk/hotline/conversation"
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

// RevisitAction is the callback action of 已回访: rv:TASK.
const RevisitAction = "rv"

// afterAnswer acts on what the customer said: an unhappy rating goes to
// quality management with a revisit task; a comment joins the ticket's
// service log (and the revisit task, if any).
func (c *core) afterAnswer(ctx context.Context, sv *Survey, q conversation.Question, value string) {
	switch {
	case q.ID == conversation.OverallQuestion:
		if r, _ := strconv.Atoi(value); r >= 3 {
			c.revisitAlert(ctx, sv, r)
		}
	case q.Kind == conversation.QuestionText && value != "":
		c.comment(ctx, sv, value)
	}
}

// revisitAlert opens the revisit task of an unhappy rating and tells
// quality management (or, with none reachable, the managers) with the
// ticket and its service log.
func (c *core) revisitAlert(ctx context.Context, sv *Survey, rating int) {
	task := &RevisitTask{SurveyID: sv.ID, TicketID: sv.TicketID, Rating: rating, Status: RevisitOpen, CreatedAt: c.now()}
	created, err := c.RevisitStore.OpenRevisit(ctx, task)
	if err != nil || !created {
		if err != nil {
			c.Log.Error("open revisit task", slog.Int64("survey", sv.ID), slog.String("err", err.Error()))
		}
		return
	}
	label := conversation.RatingLabels[rating-1]
	e := bot.Event{At: c.now(), ActorKind: bot.ActorCustomer, Actor: sv.OpenID, Kind: "survey_rating",
		Body: fmt.Sprintf("满意度评价：%s，已建立回访任务 #%d", label, task.ID)}
	c.Tickets.AddEvent(ctx, e.On(sv.TicketID).Keyed(fmt.Sprintf("survey_rating:%d", sv.ID)))
	t, err := c.Tickets.Ticket(ctx, sv.TicketID)
	if err != nil {
		c.Log.Error("revisit alert: load ticket", slog.Int64("ticket", sv.TicketID), slog.String("err", err.Error()))
		return
	}
	log, err := c.Notify.ServiceLog(ctx, t.ID, 20)
	if err != nil {
		log = "（无法读取）"
	}
	text := fmt.Sprintf("⚠️ 满意度预警：工单 #%d 客户评价「%s」\n已建立回访任务 #%d，请尽快回访客户。\n\n%s\n\n服务记录：%s",
		t.ID, label, task.ID, c.Notify.Card(t, c.now()), log)
	buttons := [][]bot.Button{{{Text: "已回访，登记结果", Data: notify.CallbackData(RevisitAction, task.ID)}}}
	for _, s := range c.qualityStaff(ctx) {
		msg := bot.StaffMessage{ChatID: *s.TelegramUserID, TicketID: t.ID, Text: text, Buttons: buttons, Key: fmt.Sprintf("revisit:%d:%d", task.ID, s.ID)}
		if err := c.Notify.Send(ctx, msg); err != nil {
			c.Log.Error("revisit alert", slog.Int64("task", task.ID), slog.String("err", err.Error()))
		}
	}
	c.Log.Info("revisit task opened", slog.Int64("task", task.ID), slog.Int64("ticket", t.ID), slog.Int("rating", rating))
}

// comment records a customer's comment on the ticket's service log and,
// when a revisit is open, hands it to quality management.
func (c *core) comment(ctx context.Context, sv *Survey, comment string) {
	e := bot.Event{At: c.now(), ActorKind: bot.ActorCustomer, Actor: sv.OpenID, Kind: "survey_comment", Body: comment}
	c.Tickets.AddEvent(ctx, e.On(sv.TicketID).Keyed(fmt.Sprintf("survey_comment:%d", sv.ID)))
	task, err := c.RevisitStore.RevisitOfSurvey(ctx, sv.ID)
	if err != nil {
		if !errors.Is(err, bot.ErrNotFound) {
			c.Log.Error("survey comment: load revisit", slog.Int64("survey", sv.ID), slog.String("err", err.Error()))
		}
		return
	}
	if err := c.RevisitStore.AddRevisitComment(ctx, task.ID, comment); err != nil {
		c.Log.Error("survey comment", slog.Int64("task", task.ID), slog.String("err", err.Error()))
	}
	text := fmt.Sprintf("💬 回访任务 #%d（工单 #%d）客户意见：%s", task.ID, sv.TicketID, comment)
	for _, s := range c.qualityStaff(ctx) {
		msg := bot.StaffMessage{ChatID: *s.TelegramUserID, TicketID: sv.TicketID, Text: text, Key: fmt.Sprintf("revisit_comment:%d:%d", task.ID, s.ID)}
		if err := c.Notify.Send(ctx, msg); err != nil {
			c.Log.Error("revisit comment", slog.Int64("task", task.ID), slog.String("err", err.Error()))
		}
	}
}

// Revisits handles the revisit tasks in the staff chat: 已回访 and the
// result, and /revisits.
type Revisits struct{ *core }

// Press answers 已回访 (rv:TASK) by asking for the result.
func (r *Revisits) Press(ctx context.Context, s *bot.Staff, chat int64, data string) (string, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(data, RevisitAction+":"), 10, 64)
	if err != nil {
		return "无效的按钮", nil
	}
	if !mayRevisit(s) {
		return "只有质量管理部和经理可以登记回访", nil
	}
	task, err := r.RevisitStore.RevisitTask(ctx, id)
	if errors.Is(err, bot.ErrNotFound) {
		return "回访任务不存在", nil
	}
	if err != nil {
		return "", err
	}
	if task.Status == RevisitDone {
		return fmt.Sprintf("回访任务 #%d 已由工号 %s 完成", task.ID, task.DoneBy), nil
	}
	st, reply := staffdialog.AskRevisit(task.ID, task.TicketID)
	if err := r.States.SetStaffState(ctx, s.ID, st); err != nil {
		return "", err
	}
	return "请发送回访结果", r.Notify.Tell(ctx, chat, reply.Text)
}

// Result closes the task with the result the staff member sent and writes
// it on the ticket (the dialogue staffdialog.AwaitRevisit).
func (r *Revisits) Result(ctx context.Context, s *bot.Staff, chat int64, st staffdialog.State, result string) error {
	if err := r.States.SetStaffState(ctx, s.ID, staffdialog.State{}); err != nil {
		return err
	}
	now := r.now()
	task, err := r.RevisitStore.RevisitTask(ctx, st.Task)
	if err != nil {
		return fmt.Errorf("load revisit task: %w", err)
	}
	done, err := r.RevisitStore.FinishRevisit(ctx, task.ID, s.Number, result, now)
	if err != nil {
		return err
	}
	if !done {
		return r.Notify.Tell(ctx, chat, fmt.Sprintf("回访任务 #%d 已经完成过了。", task.ID))
	}
	key := "revisit_done:" + strconv.FormatInt(task.ID, 10)
	if _, err := r.Tickets.AddEvent(ctx, bot.StaffEvent(s, now, "revisit", "回访结果："+result).On(task.TicketID).Keyed(key)); err != nil {
		return err
	}
	return r.Notify.Tell(ctx, chat, fmt.Sprintf("✅ 回访任务 #%d 已完成，结果已记入工单 #%d 的服务记录。", task.ID, task.TicketID))
}

// List answers /revisits: the open tasks, oldest first.
func (r *Revisits) List(ctx context.Context, s *bot.Staff, chat int64, _ string) error {
	if !mayRevisit(s) {
		return r.Notify.Tell(ctx, chat, "/revisits 仅限质量管理部和经理使用。")
	}
	tasks, err := r.RevisitStore.OpenRevisits(ctx, 30)
	if err != nil {
		return fmt.Errorf("list revisits: %w", err)
	}
	if len(tasks) == 0 {
		return r.Notify.Tell(ctx, chat, "待回访任务：无。")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "待回访任务（%d）：", len(tasks))
	for _, t := range tasks {
		fmt.Fprintf(&b, "\n\n#%d 工单 #%d｜评价「%s」｜%s", t.ID, t.TicketID, conversation.RatingLabels[t.Rating-1], t.CreatedAt.In(r.Policy.Location).Format("01-02 15:04"))
		if t.Comment != "" {
			b.WriteString("\n客户意见：" + notify.SummaryLine(t.Comment))
		}
	}
	b.WriteString("\n\n/ticket 工单号 查看详情；按告警消息上的「已回访」登记结果。")
	return r.Notify.Tell(ctx, chat, b.String())
}
