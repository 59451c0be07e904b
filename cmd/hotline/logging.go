package main

import (
	"io"
	"log/slog"
	"os"
	"time"
)

// newLogger logs JSON when stdout is not a terminal (collectors read it) and
// text when a person is watching. Times are in loc (HOTLINE_TIMEZONE), as
// RFC 3339 with the offset, like everything else Hotline prints; durations
// read as Go writes them (1.5s, 3.2ms), not as nanoseconds.
func newLogger(w io.Writer, level slog.Level, loc *time.Location) *slog.Logger {
	if loc == nil {
		loc = time.Local
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		switch a.Value.Kind() {
		case slog.KindTime:
			a.Value = slog.StringValue(a.Value.Time().In(loc).Format(time.RFC3339Nano))
		case slog.KindDuration:
			a.Value = slog.StringValue(a.Value.Duration().String())
		}
		return a
	}}
	if isTerminal(w) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
