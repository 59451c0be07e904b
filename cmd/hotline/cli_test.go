package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cliCommands is every command and subcommand of hotline.
var cliCommands = []string{
	"serve", "migrate", "version", "health", "doctor", "jobs", "sla",
	"staff list", "staff add", "staff disable", "staff enable", "staff invite",
	"calendar show", "calendar import",
	"survey round preview", "survey round create", "survey round status", "survey round pause",
	"survey round resume", "survey round close", "survey round list", "survey stats",
	"ticket new", "ticket list", "ticket show",
}

// Every command answers --help once, on stdout, with exit 0 and nothing on
// stderr; a flag it does not know is a usage error: exit 2, one line on
// stderr naming the command.
func TestEveryCommandHelpAndUsage(t *testing.T) {
	env := map[string]string{"HOTLINE_DATA_DIR": t.TempDir()}
	ctx := context.Background()
	for _, c := range append(cliCommands, "staff", "calendar", "survey", "survey round", "ticket") {
		args := strings.Fields(c)
		code, out, stderr := runWith(ctx, env, append(args, "--help")...)
		if code != 0 || strings.Count(out, "Usage: hotline") != 1 || stderr != "" {
			t.Errorf("hotline %s --help: exit %d, usage %d times, stderr %q\n%s", c, code, strings.Count(out, "Usage: hotline"), stderr, out)
		}
		code, out, stderr = runWith(ctx, env, append(args, "--no-such-flag")...)
		if code != 2 || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "hotline "+args[0]) || out != "" {
			t.Errorf("hotline %s --no-such-flag: exit %d, stdout %q, stderr %q; want exit 2 and one line", c, code, out, stderr)
		}
	}
	if code, out, _ := runWith(ctx, env, "help", "staff"); code != 0 || !strings.HasPrefix(out, "Usage: hotline staff") {
		t.Errorf("hotline help staff: exit %d\n%s", code, out)
	}
	for _, c := range []string{"", "frob", "staff frob", "survey frob", "survey round frob", "calendar frob", "ticket frob"} {
		code, _, stderr := runWith(ctx, env, strings.Fields(c)...)
		if code != 2 || (c != "" && strings.Count(stderr, "\n") != 1) {
			t.Errorf("hotline %s: exit %d, stderr %q; want exit 2", c, code, stderr)
		}
	}
}

// Usage mistakes the operator's trial found, each refused with exit 2 and
// one line that names the problem.
func TestCLIUsageMistakes(t *testing.T) {
	env := map[string]string{"HOTLINE_DATA_DIR": t.TempDir()}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"staff", "invite", "008", "--ttl", "-5m"}, "--ttl -5m0s: want from 1m"},
		{[]string{"staff", "invite", "008", "--ttl", "0s"}, "--ttl 0s: want from 1m"},
		{[]string{"staff", "enable"}, "hotline staff enable 007"},
		{[]string{"staff", "disable"}, "hotline staff disable 007"},
		{[]string{"jobs", "--limit", "0"}, "--limit 0: want 1 to 1000"},
		{[]string{"jobs", "--limit", "-3"}, "--limit -3"},
		{[]string{"survey", "round", "list", "--limit", "0"}, "--limit 0"},
		{[]string{"sla", "--severity", "2", "--at", "2026-02-30 10:00"}, "no such date or time"},
		{[]string{"sla", "--severity", "9"}, "--severity 9"},
		{[]string{"survey", "round", "pause"}, "like: hotline survey round pause 3"},
		{[]string{"survey", "round", "close"}, "like: hotline survey round close 3"},
	} {
		code, _, stderr := runWith(context.Background(), env, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("hotline %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(c.args, " "), code, stderr, c.want)
		}
	}
}

// Every command that prints data prints valid JSON with --json.
func TestEveryDataCommandPrintsJSON(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(path, []byte("units:\n  - name: 市一医院\n    plan: 5x9\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOTLINE_DATA_DIR": dir, "HOTLINE_CONFIG": path}
	ctx := context.Background()
	run := func(args ...string) string {
		t.Helper()
		code, out, stderr := runWith(ctx, env, args...)
		if code != 0 {
			t.Fatalf("hotline %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		return out
	}
	// Units are matched as customers' are, and a policy's spelling is kept.
	run("staff", "add", "--number", "008", "--name", "张工", "--roles", "engineer,dispatcher", "--units", "市一 医院")
	month := time.Now().AddDate(0, -1, 0).Format("2006-01")
	for _, args := range [][]string{
		{"jobs", "--json"},
		{"staff", "list", "--json"},
		{"sla", "--severity", "2", "--json"},
		{"calendar", "show", "2026", "--json"},
		{"survey", "stats", "--json"},
		{"survey", "round", "preview", "--period", month, "--json"},
		{"survey", "round", "list", "--json"},
		{"ticket", "new", "--unit", "市一医院", "--contact", "张三", "--phone", "13800138000", "--channel", "phone",
			"--severity", "3", "--description", "打印机不能用", "--json"},
		{"ticket", "list", "--json"},
		{"ticket", "show", "1", "--json"},
	} {
		out := run(args...)
		if !json.Valid([]byte(out)) || !strings.HasSuffix(out, "\n") {
			t.Errorf("hotline %s --json: not one JSON document:\n%s", strings.Join(args, " "), out)
		}
	}
	var staff []struct {
		Number string   `json:"number"`
		Units  []string `json:"units"`
		Roles  []string `json:"roles"`
	}
	if err := json.Unmarshal([]byte(run("staff", "list", "--json")), &staff); err != nil || len(staff) != 1 ||
		staff[0].Units[0] != "市一医院" || len(staff[0].Roles) != 2 {
		t.Errorf("staff list --json = %+v, %v", staff, err)
	}
}

// Tables line up by display width: a column after Chinese names starts in
// the same screen column on every line.
func TestTablesAlignChinese(t *testing.T) {
	env := map[string]string{"HOTLINE_DATA_DIR": t.TempDir()}
	ctx := context.Background()
	for _, s := range [][]string{{"008", "张工"}, {"009", "Alexander"}} {
		if code, _, stderr := runWith(ctx, env, "staff", "add", "--number", s[0], "--name", s[1], "--roles", "engineer"); code != 0 {
			t.Fatal(stderr)
		}
	}
	_, out, _ := runWith(ctx, env, "staff", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	col := func(line string) int { return displayWidth(line[:strings.Index(line, "engineer")]) }
	if len(lines) != 3 || col(lines[1]) != col(lines[2]) {
		t.Errorf("columns do not line up:\n%s", out)
	}
}

// displayWidth counts a CJK character as two cells.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x2E80 {
			n++
		}
	}
	return n
}
