package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// markerName marks a directory as a sandbox's: it holds the sandbox
// clock's time when the sandbox last stopped. Without it a directory is
// not opened (it may be hotline serve's) and never reset.
const markerName = ".hotline-sandbox"

// Dir is where a sandbox keeps its stores: a temporary directory, removed
// when it stops, or one the user keeps (--data).
type Dir struct {
	Path  string
	temp  bool
	saved time.Time // the clock when the sandbox last stopped; zero for none
}

// OpenDir opens path for a sandbox ("" for a temporary directory): a new
// or empty directory becomes a sandbox's, one that is already a sandbox's
// is kept (or started over with reset), any other is refused.
func OpenDir(path string, reset bool) (*Dir, error) {
	if path == "" {
		tmp, err := os.MkdirTemp("", "hotline-sandbox-")
		return &Dir{Path: tmp, temp: true}, err
	}
	entries, err := os.ReadDir(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	marker, err := os.ReadFile(filepath.Join(path, markerName))
	switch {
	case len(entries) > 0 && err != nil:
		return nil, fmt.Errorf("--data %s: not a sandbox's directory (no %s in it); the sandbox never opens or resets a directory hotline serve may use", path, markerName)
	case reset:
		if err := os.RemoveAll(path); err != nil {
			return nil, err
		}
		marker = nil
	}
	if err := os.MkdirAll(path, 0o750); err != nil {
		return nil, err
	}
	d := &Dir{Path: path}
	d.saved, _ = time.Parse(time.RFC3339Nano, strings.TrimSpace(string(marker)))
	return d, d.save(d.saved)
}

// Start is when the sandbox's clock starts: where it stood when the
// sandbox last stopped, so the tickets kept are not in the future; now
// for a new directory.
func (d *Dir) Start() time.Time {
	if d.saved.After(time.Now()) {
		return d.saved
	}
	return time.Time{}
}

// Close keeps the clock's time now for the next start, or removes a
// temporary directory.
func (d *Dir) Close(now time.Time) error {
	if d.temp {
		return os.RemoveAll(d.Path)
	}
	return d.save(now)
}

func (d *Dir) save(now time.Time) error {
	text := ""
	if !now.IsZero() {
		text = now.Format(time.RFC3339Nano)
	}
	return os.WriteFile(filepath.Join(d.Path, markerName), []byte(text+"\n"), 0o600)
}
