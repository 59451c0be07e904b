package wechat

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

// InboundHandler is what the callback needs from the bot.
type InboundHandler interface {
	// HandleInbound processes one customer message. It deduplicates retries by in.Key itself
	// (a retry returns the same replies and changes nothing). It may take longer than WeChat's
	// 5 seconds; it must not be cancelled when the HTTP request ends.
	HandleInbound(ctx context.Context, in bot.Inbound) ([]bot.Reply, error)
}

// errPlainRefused means safe mode is configured but the callback came
// unencrypted: its signature does not cover the body, so it is refused.
var errPlainRefused = errors.New("unencrypted callback in safe mode")

// Handler answers the official account's callbacks (GET and POST /wechat).
type Handler struct {
	cfg   Config
	sig   verifier
	box   cipherBox // zero in plain mode
	bot   InboundHandler
	out   bot.CustomerMessenger
	log   *slog.Logger
	tasks sync.WaitGroup // bot calls and pushes outliving their request
	lines lines          // each customer's answers, in the order the bot gave them
}

// NewHandler returns the callback handler. Replies that miss the passive
// reply go out through out, usually a *Messenger.
func NewHandler(cfg Config, h InboundHandler, out bot.CustomerMessenger) (*Handler, error) {
	cfg = cfg.withDefaults()
	if err := cfg.checkCallback(); err != nil {
		return nil, err
	}
	if h == nil || out == nil {
		return nil, errors.New("wechat handler: an InboundHandler and a CustomerMessenger are required")
	}
	sig := verifier{token: cfg.Token, now: cfg.Now, window: cfg.TimestampWindow}
	hd := &Handler{cfg: cfg, sig: sig, bot: h, out: out, log: cfg.Logger}
	if cfg.AESKey != "" {
		hd.box = cipherBox{appID: cfg.AppID, aesKey: cfg.AESKey, sig: sig}
	}
	return hd, nil
}

// Wait blocks until the bot calls and pushes started by earlier callbacks
// have finished, or ctx is done. Call it after the HTTP server has shut
// down, so that no new callback starts one.
func (h *Handler) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		h.tasks.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ServeHTTP answers WeChat's URL check (GET) and its message pushes (POST).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		h.serveCheck(w, r)
	case http.MethodPost:
		h.serveMessage(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// serveCheck answers the server-address check WeChat makes when the
// callback URL is configured: echostr back when the signature holds.
func (h *Handler) serveCheck(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := h.sig.checkQuery(q); err != nil {
		h.refuse(w, r, err)
		return
	}
	echo := q.Get("echostr")
	if echo == "" {
		http.Error(w, "missing echostr", http.StatusBadRequest)
		return
	}
	writeText(w, echo)
}

// serveMessage takes one message or event. Once the signature holds, it
// answers 200 whatever the body: WeChat retries and shows the customer an
// error banner on anything else.
func (h *Handler) serveMessage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query() // never r.FormValue: it would read the body unbounded
	if err := h.sig.checkQuery(q); err != nil {
		h.refuse(w, r, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBody))
	if err != nil {
		h.bodyError(w, err)
		return
	}
	plain, err := h.open(q, body)
	if errors.Is(err, errBadSignature) || errors.Is(err, errPlainRefused) {
		h.refuse(w, r, err)
		return
	}
	if err != nil {
		h.ignore(w, q, "undecryptable body", err, len(body))
		return
	}
	cb, err := parseCallback(plain)
	if err != nil {
		h.ignore(w, q, "unparsable body", err, len(body))
		return
	}
	h.answer(w, r, q, cb)
}

// open returns the plain XML of a callback body.
func (h *Handler) open(q url.Values, body []byte) ([]byte, error) {
	encrypted := q.Get("encrypt_type") == "aes"
	switch {
	case h.cfg.AESKey == "":
		// Compatible mode carries the plain fields too; a purely encrypted
		// body fails to parse and is logged as such.
		return body, nil
	case !encrypted:
		return nil, errPlainRefused
	default:
		return h.box.open(q, body)
	}
}

// answer runs the bot and writes the passive reply when one is ready in
// time, `success` otherwise.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request, q url.Values, cb callback) {
	reply, ok := h.dispatch(r.Context(), cb.in)
	if !ok {
		writeText(w, "success")
		return
	}
	body, err := h.passiveBody(q, cb, reply)
	if err != nil {
		// Never an empty encrypted reply: WeChat shows it as a service error.
		h.log.Error("wechat callback: cannot build passive reply; pushing it", slog.Any("err", err))
		writeText(w, "success")
		h.pushLater(r.Context(), cb.in, outcome{replies: []bot.Reply{reply}})
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(body)
}

// passiveBody is the reply XML, sealed in safe mode.
func (h *Handler) passiveBody(q url.Values, cb callback, reply bot.Reply) ([]byte, error) {
	plain, err := passiveXML(cb, reply, h.cfg.Now())
	if err != nil || h.cfg.AESKey == "" {
		return plain, err
	}
	return h.box.seal(plain, q.Get("nonce"))
}

// dispatch hands in to the bot in the background, detached from the request
// (WeChat hangs up after 5 seconds; the bot's work must go on). It returns
// the passive reply if one is ready within the budget; every other outcome
// is pushed when it is ready. The budget is wall time: when the answer and
// the budget's end are both there as select looks, it is the elapsed time,
// not select's random choice, that decides.
func (h *Handler) dispatch(reqCtx context.Context, in bot.Inbound) (bot.Reply, bool) {
	start := time.Now()
	results := make(chan outcome, 1)
	h.tasks.Go(func() { results <- h.handle(reqCtx, in) })
	budget := time.NewTimer(h.cfg.ReplyBudget)
	defer budget.Stop()
	select {
	case o := <-results:
		if r, ok := passiveReply(o); ok && time.Since(start) < h.cfg.ReplyBudget {
			o.turn.over() // answered in the response: the next answer may go
			return r, true
		}
		h.pushLater(reqCtx, in, o)
	case <-budget.C:
		h.tasks.Go(func() { h.push(reqCtx, in, <-results) })
	}
	return bot.Reply{}, false
}

// handle calls the bot under its own deadline. A panic there would take the
// whole process down from this goroutine, so it becomes an error.
func (h *Handler) handle(reqCtx context.Context, in bot.Inbound) (o outcome) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(reqCtx), h.cfg.HandleTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			o = outcome{err: fmt.Errorf("inbound handler panicked: %v", p)}
		}
	}()
	replies, err := h.bot.HandleInbound(ctx, in)
	return outcome{replies: replies, err: err, turn: h.lines.take(in.From)}
}

// pushLater pushes o in the background.
func (h *Handler) pushLater(reqCtx context.Context, in bot.Inbound, o outcome) {
	h.tasks.Go(func() { h.push(reqCtx, in, o) })
}

// push sends o's replies in order as customer-service messages, stopping at
// the first failure so that a later reply never arrives without an earlier
// one. Logs carry no openid and no text: they are customers' data.
func (h *Handler) push(reqCtx context.Context, in bot.Inbound, o outcome) {
	if o.err != nil {
		h.log.Warn("wechat callback: inbound handler failed",
			slog.String("kind", string(in.Kind)), slog.Int("replies", len(o.replies)), slog.Any("err", o.err))
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(reqCtx), h.cfg.HandleTimeout)
	defer cancel()
	defer o.turn.over()
	o.turn.wait(ctx.Done()) // the customer's earlier answers go first
	for i, r := range o.replies {
		if !pushable(r) {
			continue
		}
		if err := h.notify(ctx, in.From, bot.Notice{Reply: r, Template: r.Fallback}); err != nil {
			h.log.Warn("wechat callback: push failed",
				slog.String("kind", string(in.Kind)), slog.Int("reply", i+1), slog.Int("of", len(o.replies)),
				slog.Any("err", err))
			return
		}
	}
}

// pushTries is how often a push WeChat was too busy for is tried.
const pushTries = 5

// notify pushes n, and tries again with growing waits (within the push's
// deadline) while WeChat answers 系统繁忙 (-1): it sent nothing, so the
// customer cannot get the message twice. Other failures are final here: a
// refusal would come again, and after a network error the message may
// have gone.
func (h *Handler) notify(ctx context.Context, to string, n bot.Notice) error {
	wait := h.cfg.PushBackoff
	for try := 1; ; try++ {
		err := h.out.Notify(ctx, to, n)
		if err == nil || ErrorCode(err) != CodeSystemBusy || try == pushTries {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait *= 2
	}
}

// refuse answers 403 to a callback whose signatures do not hold.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Warn("wechat callback: refused", slog.String("reason", err.Error()),
		slog.String("method", r.Method), slog.String("remote", r.RemoteAddr))
	http.Error(w, "forbidden", http.StatusForbidden)
}

// bodyError answers a body that could not be read: too large (413) or cut
// off (400; the client has most likely gone).
func (h *Handler) bodyError(w http.ResponseWriter, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		h.log.Warn("wechat callback: body too large", slog.Int64("limit", tooLarge.Limit))
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	http.Error(w, "cannot read body", http.StatusBadRequest)
}

// ignore answers `success` to a signed body it cannot read, so that WeChat
// neither retries nor shows an error, and logs one line without its content.
func (h *Handler) ignore(w http.ResponseWriter, q url.Values, reason string, err error, size int) {
	h.log.Warn("wechat callback: "+reason+"; answered success",
		slog.Bool("encrypted", q.Get("encrypt_type") == "aes"), slog.Int("bytes", size),
		slog.String("err", describe(err)))
	writeText(w, "success")
}

// describe names what was wrong with a body without quoting it: XML
// errors can echo the body's text, so only their kind and line are kept.
func describe(err error) string {
	var syntax *xml.SyntaxError
	var unexpected xml.UnmarshalError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("XML syntax error on line %d", syntax.Line)
	case errors.As(err, &unexpected):
		return "XML is not a WeChat message"
	case errors.Is(err, errMissingFields), errors.Is(err, errNoEncrypt), errors.Is(err, errDecrypt):
		return err.Error() // fixed texts and the library's decryption errors, which quote nothing
	}
	return fmt.Sprintf("%T", err)
}

// writeText writes a 200 plain-text answer.
func writeText(w http.ResponseWriter, s string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.WriteString(w, s)
}
