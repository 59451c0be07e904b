package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The sandbox is never production: with a real database, Redis, WeChat or
// Telegram setting it refuses to start, in one line; --reset needs --data
// and empties it.
func TestSandboxRefusesProductionSettings(t *testing.T) {
	for _, name := range []string{"HOTLINE_DATABASE_URL", "HOTLINE_REDIS_URL", "HOTLINE_WECHAT_APP_ID", "HOTLINE_TELEGRAM_TOKEN", "HOTLINE_SURVEY_SECRET"} {
		code, _, errOut := runWith(context.Background(), map[string]string{name: "x"}, "sandbox")
		if code != 1 || !strings.Contains(errOut, name) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("with %s: exit %d, %q", name, code, errOut)
		}
	}
	if code, _, errOut := runWith(context.Background(), nil, "sandbox", "--reset"); code != 2 || !strings.Contains(errOut, "--data") {
		t.Errorf("--reset without --data: exit %d, %q", code, errOut)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hotline.db"), []byte("serve's"), 0o600)
	code, _, errOut := runWith(context.Background(), nil, "sandbox", "--data", dir, "--reset")
	if code != 1 || !strings.Contains(errOut, "not a sandbox's directory") {
		t.Errorf("--data on serve's directory: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "hotline.db")); err != nil {
		t.Error("--reset deleted a directory that is not a sandbox's")
	}
}
