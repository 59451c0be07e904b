package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A kept directory is marked as the sandbox's and remembers the clock; a
// directory that is not a sandbox's (hotline serve's ./data) is neither
// opened nor reset; reset starts a sandbox's over.
func TestOpenDir(t *testing.T) {
	root := t.TempDir()
	serveData := filepath.Join(root, "data")
	os.MkdirAll(serveData, 0o750)
	os.WriteFile(filepath.Join(serveData, "hotline.db"), []byte("real"), 0o600)
	for _, reset := range []bool{false, true} {
		if _, err := OpenDir(serveData, reset); err == nil || !strings.Contains(err.Error(), "not a sandbox's directory") {
			t.Fatalf("serve's directory, reset %v: %v", reset, err)
		}
	}
	if _, err := os.Stat(filepath.Join(serveData, "hotline.db")); err != nil {
		t.Fatal("serve's database was touched")
	}
	kept := filepath.Join(root, "play")
	d, err := OpenDir(kept, false)
	if err != nil || !d.Start().IsZero() {
		t.Fatalf("a new directory: %v, start %v", err, d.Start())
	}
	later := time.Now().Add(72 * time.Hour).Round(0)
	os.WriteFile(filepath.Join(kept, "hotline.db"), []byte("played"), 0o600)
	d.Close(later)
	d, err = OpenDir(kept, false)
	if err != nil || !d.Start().Equal(later) {
		t.Fatalf("reopened: %v, start %v, want %v", err, d.Start(), later)
	}
	d, err = OpenDir(kept, true)
	if _, statErr := os.Stat(filepath.Join(kept, "hotline.db")); err != nil || statErr == nil || !d.Start().IsZero() {
		t.Fatalf("reset: %v, the database %v, start %v", err, statErr, d.Start())
	}
	tmp, _ := OpenDir("", false)
	tmp.Close(time.Now())
	if _, err := os.Stat(tmp.Path); err == nil {
		t.Error("a temporary directory outlived its sandbox")
	}
}
