// Package surveypage serves the mobile survey page customers reach from a
// template message's link: GET shows the questionnaire, POST takes the
// answers. It is plain HTML with inline CSS and one form, so it works in
// WeChat's browser and any phone browser without scripts from anywhere.
// The link is the only credential (see Signer); there is no login.
package surveypage

import (
	"context"
	_ "embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/conversation"
)

// Book is what the page needs from the desk (*survey.Page).
type Book interface {
	SurveyForm(ctx context.Context, id int64) (*survey.Form, error)
	SubmitSurvey(ctx context.Context, id int64, values map[string]string, optOut bool) (conversation.AnswerOutcome, error)
}

// Config is the page's collaborators.
type Config struct {
	Book     Book
	Signer   *Signer
	Location *time.Location   // the zone of the deadline shown; default Asia/Shanghai's offset
	Now      func() time.Time // default time.Now
	Log      *slog.Logger     // default slog.Default()
}

// Handler serves GET and POST /survey/{token}.
type Handler struct{ cfg Config }

// New returns the page handler.
func New(cfg Config) *Handler {
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("CST", 8*3600)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Handler{cfg: cfg}
}

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// maxForm bounds a submitted form.
const maxForm = 32 << 10

// ServeHTTP checks the link, then shows the form or takes the answers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, exp, ok := h.cfg.Signer.Verify(r.PathValue("token"))
	if !ok {
		h.render(w, notice(http.StatusNotFound, "链接无效", "这个调查链接无效或不完整。请从公众号消息中重新打开，如有疑问请直接在公众号留言。"))
		return
	}
	if !h.cfg.Now().Before(exp) {
		h.render(w, closedView())
		return
	}
	form, err := h.cfg.Book.SurveyForm(r.Context(), id)
	switch {
	case errors.Is(err, bot.ErrNotFound):
		h.render(w, notice(http.StatusNotFound, "链接无效", "没有找到这份调查。如有疑问请直接在公众号留言。"))
		return
	case err != nil:
		h.failed(w, id, err)
		return
	}
	switch {
	case form.State == survey.FormDone:
		h.render(w, doneView(r.Method))
	case form.State == survey.FormClosed:
		h.render(w, closedView())
	case r.Method == http.MethodPost:
		h.submit(w, r, form)
	default:
		h.render(w, h.formView(form, nil, nil))
	}
}

func (h *Handler) submit(w http.ResponseWriter, r *http.Request, form *survey.Form) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		h.render(w, notice(http.StatusBadRequest, "提交失败", "提交的内容有误，请返回重新填写。"))
		return
	}
	values := map[string]string{}
	for _, q := range form.Questionnaire.Questions {
		values[q.ID] = r.PostForm.Get(q.ID)
	}
	out, err := h.cfg.Book.SubmitSurvey(r.Context(), form.Survey.ID, values, r.PostForm.Get("td") == "1")
	var fe *survey.FormError
	switch {
	case errors.As(err, &fe):
		h.render(w, h.formView(form, values, fe.Missing))
	case err != nil:
		h.failed(w, form.Survey.ID, err)
	case out == conversation.AnswerCounted:
		h.render(w, notice(http.StatusOK, "提交成功", "感谢您的宝贵意见！我们会认真改进，祝您工作顺利。"))
	case out == conversation.AnswerTooLate:
		h.render(w, closedView())
	default:
		h.render(w, doneView(http.MethodPost))
	}
}

func (h *Handler) failed(w http.ResponseWriter, id int64, err error) {
	h.cfg.Log.Error("survey page", slog.Int64("survey", id), slog.String("err", err.Error()))
	h.render(w, notice(http.StatusInternalServerError, "暂时无法提交", "抱歉，系统暂时繁忙，请稍后再打开这个链接。"))
}

// view is what the template shows.
type view struct {
	Status    int
	Title     string
	Message   string
	Form      bool
	Intro     string
	Questions []questionView
	Invalid   bool
	OptOut    bool
}

type questionView struct {
	N       int
	ID      string
	Text    string
	IsText  bool // a comment: a text area
	Options []optionView
	Value   string
	Missing bool
}

type optionView struct {
	Value, Label string
	Checked      bool
}

func notice(status int, title, message string) view {
	return view{Status: status, Title: title, Message: message}
}

func closedView() view {
	return notice(http.StatusGone, "调查已结束", "感谢您的关注！这次调查已经结束，不再接收答卷。如有问题或建议，欢迎直接在公众号留言。")
}

// doneView thanks again; a second submission is a conflict (409), a
// second visit is not.
func doneView(method string) view {
	v := notice(http.StatusOK, "您已提交过", "您已经完成了这次调查，感谢您的参与！每份调查只需填写一次。")
	if method == http.MethodPost {
		v.Status = http.StatusConflict
	}
	return v
}

func (h *Handler) formView(f *survey.Form, values map[string]string, missing []string) view {
	qn, sv := f.Questionnaire, f.Survey
	v := view{Status: http.StatusOK, Title: qn.Title, Form: true, Invalid: len(missing) > 0}
	v.Intro = "关于工单 #" + strconv.FormatInt(sv.TicketID, 10) + " 的服务，只需 1 分钟。"
	if sv.ExpiresAt != nil {
		at := sv.ExpiresAt.In(h.cfg.Location)
		v.Intro += "请在 " + sla.CustomerTime(at, h.cfg.Now().In(h.cfg.Location).Year()) + " 前填写。"
	}
	if v.Invalid {
		v.Status = http.StatusUnprocessableEntity
	}
	for i, q := range qn.Questions {
		qv := questionView{N: i + 1, ID: q.ID, Text: q.Text, IsText: q.Kind == conversation.QuestionText, Value: values[q.ID]}
		for _, m := range missing {
			qv.Missing = qv.Missing || m == q.ID
		}
		for j, c := range q.Choices() {
			val := strconv.Itoa(j + 1)
			qv.Options = append(qv.Options, optionView{Value: val, Label: c, Checked: values[q.ID] == val})
		}
		v.Questions = append(v.Questions, qv)
	}
	return v
}

func (h *Handler) render(w http.ResponseWriter, v view) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer") // the link is the credential
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	w.WriteHeader(v.Status)
	if err := pageTemplate.Execute(w, v); err != nil {
		h.cfg.Log.Warn("survey page: render", slog.String("err", err.Error()))
	}
}
