package sandbox

import (
	"embed"
	"mime"
	"net/http"
	"path"
	"strconv"

	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
)

//go:embed page.html static
var pageFiles embed.FS

// servePage serves the page.
func servePage(w http.ResponseWriter, _ *http.Request) {
	page, err := pageFiles.ReadFile("page.html")
	if err != nil {
		http.Error(w, "page missing", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(page)
}

// serveStatic serves the page's stylesheet and script.
func serveStatic(w http.ResponseWriter, r *http.Request) {
	name := path.Base(r.PathValue("name"))
	data, err := pageFiles.ReadFile("static/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(data)
}

// serveFile answers GET /sandbox/file?staff=ID&message=N: the document or
// photo the bot uploaded as message N of that staff member's chat.
func (s *Sandbox) serveFile(w http.ResponseWriter, r *http.Request) {
	p, err := staffNamed(r.URL.Query().Get("staff"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, _ := strconv.Atoi(r.URL.Query().Get("message"))
	for _, c := range s.d.Telegram.Calls("sendDocument", "sendPhoto") {
		if c.OK && c.MessageID == id && id > 0 && c.ChatID() == p.TelegramID && c.Upload != nil {
			name := c.FileName
			if name == "" {
				name = "file"
			}
			kind := mime.TypeByExtension(path.Ext(name))
			if kind == "" {
				kind = http.DetectContentType(c.Upload)
			}
			w.Header().Set("Content-Type", kind)
			if c.Method == "sendDocument" {
				w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
			}
			_, _ = w.Write(c.Upload)
			return
		}
	}
	s.fail(w, r, refuse(http.StatusNotFound, "没有这个文件", "no such file in this chat"))
}

// serveMedia answers GET /sandbox/media?customer=ID&id=MEDIA: an image
// Hotline sent that customer.
func (s *Sandbox) serveMedia(w http.ResponseWriter, r *http.Request) {
	c, err := customerNamed(r.URL.Query().Get("customer"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.URL.Query().Get("id")
	for _, m := range s.d.WeChat.Messages() {
		if m.To != c.ID || m.MediaID != id || id == "" || m.Kind != wechattest.KindCustom {
			continue
		}
		if data, ok := s.d.WeChat.Media(id); ok {
			w.Header().Set("Content-Type", http.DetectContentType(data))
			_, _ = w.Write(data)
			return
		}
	}
	s.fail(w, r, refuse(http.StatusNotFound, "没有这张图片", "no such image sent to this customer"))
}
