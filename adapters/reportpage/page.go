// Package reportpage shows the monthly service report (《系统服务月报》,
// bot/report.Monthly) as one self-contained HTML page that reads on a
// phone, on a desktop and on A4 paper: tables, and charts drawn as inline
// SVG in Go, with no script, font or image from anywhere. A customer
// unit's contacts reach it through a signed link (see Signer) that names
// the month and the unit; there is no login.
package reportpage

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot/report"
)

//go:embed report.html
var reportHTML string

//go:embed notice.html
var noticeHTML string

var (
	reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{"add": func(a, b int) int { return a + b }}).Parse(reportHTML))
	noticeTemplate = template.Must(template.New("notice").Parse(noticeHTML))
)

// Render writes m as the report page.
func Render(w io.Writer, m *report.Monthly) error {
	if m == nil {
		return errors.New("render report: no report")
	}
	if err := reportTemplate.Execute(w, newView(m)); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

// BuildFunc makes the report of month ("2026-11") for unit ("" for all
// units); the report package's builder, bound to its stores, is one.
type BuildFunc func(ctx context.Context, month, unit string) (*report.Monthly, error)

// Config is the page's collaborators.
type Config struct {
	Signer *Signer
	Build  BuildFunc
	Now    func() time.Time // default time.Now
	Log    *slog.Logger     // default slog.Default()
}

// Handler serves GET (and HEAD) /report/{token}.
type Handler struct{ cfg Config }

// New returns the page handler.
func New(cfg Config) *Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Handler{cfg: cfg}
}

// ServeHTTP checks the link, builds the month's report and shows it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.notice(w, http.StatusMethodNotAllowed, "不支持的请求", "请直接在浏览器中打开报告链接。")
		return
	}
	month, unit, exp, ok := h.cfg.Signer.Verify(token(r))
	if !ok {
		h.notice(w, http.StatusNotFound, "链接无效", "这个报告链接无效或不完整。请从消息中重新打开，或联系客服获取新的报告链接。")
		return
	}
	if !h.cfg.Now().Before(exp) {
		h.notice(w, http.StatusGone, "链接已过期", "链接已过期，请联系客服获取新的报告链接。")
		return
	}
	m, err := h.cfg.Build(r.Context(), month, unit)
	if err == nil && m == nil {
		err = errors.New("no report")
	}
	if err != nil {
		h.failed(w, month, err)
		return
	}
	var page bytes.Buffer
	if err := Render(&page, m); err != nil {
		h.failed(w, month, err)
		return
	}
	setHeaders(w)
	w.WriteHeader(http.StatusOK)
	w.Write(page.Bytes())
}

// token is the link's last element: the mux's {token} where the handler
// is mounted on "GET /report/{token}", the path after /report/ elsewhere.
func token(r *http.Request) string {
	if t := r.PathValue("token"); t != "" {
		return t
	}
	return strings.TrimPrefix(r.URL.Path, "/report/")
}

// failed logs why the report could not be made (the month and the error:
// never the unit, a customer's name) and apologises.
func (h *Handler) failed(w http.ResponseWriter, month string, err error) {
	if errors.Is(err, report.ErrUnknownUnit) { // the unit left the policy and has no tickets: nothing to log
		h.notice(w, http.StatusNotFound, "报告不存在", "该单位的报告已无法生成，请联系客服。")
		return
	}
	h.cfg.Log.Error("report page", slog.String("month", month), slog.String("err", err.Error()))
	h.notice(w, http.StatusInternalServerError, "报告暂时无法显示", "抱歉，系统暂时繁忙，报告未能生成。请稍后再打开这个链接，如仍有问题请联系客服。")
}

// notice shows a short page instead of the report.
func (h *Handler) notice(w http.ResponseWriter, status int, title, message string) {
	setHeaders(w)
	w.WriteHeader(status)
	if err := noticeTemplate.Execute(w, struct{ Title, Message string }{title, message}); err != nil {
		h.cfg.Log.Warn("report page: render notice", slog.String("err", err.Error()))
	}
}

// setHeaders keeps the page to itself: nothing loaded from elsewhere, not
// framed, not cached, and the link (the credential) never sent on as a
// referrer.
func setHeaders(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Robots-Tag", "noindex")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
}
