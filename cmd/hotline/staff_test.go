package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

func TestStaffCommands(t *testing.T) {
	env := map[string]string{"HOTLINE_DATA_DIR": t.TempDir()}
	ctx := context.Background()
	run := func(args ...string) (int, string, string) { return runWith(ctx, env, args...) }

	if code, out, errOut := run("staff", "add", "--number", "008", "--name", "张工", "--roles", "engineer,lead", "--hours", "5x9"); code != 0 || !strings.Contains(out, "张工（工号 008）") {
		t.Fatalf("add: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := run("staff", "add", "--number", "008", "--name", "李工", "--roles", "engineer"); code != 1 || !strings.Contains(errOut, "008 is taken") {
		t.Fatalf("duplicate add: %d %q", code, errOut)
	}
	if code, _, errOut := run("staff", "add", "--number", "009", "--name", "x", "--roles", "boss"); code != 2 || !strings.Contains(errOut, `"boss" is not a role`) {
		t.Fatalf("bad role: %d %q", code, errOut)
	}
	if code, _, errOut := run("staff", "add", "--number", "009", "--name", "x", "--roles", "engineer", "--hours", "6x6"); code != 2 || !strings.Contains(errOut, "no calendar") {
		t.Fatalf("bad hours: %d %q", code, errOut)
	}
	code, out, _ := run("staff", "invite", "008")
	if code != 0 || !regexp.MustCompile(`/start [A-Z2-7]{10}\n`).MatchString(out) {
		t.Fatalf("invite: %d %q", code, out)
	}
	if code, _, errOut := run("staff", "invite", "404"); code != 1 || !strings.Contains(errOut, "no staff number 404") {
		t.Fatalf("invite unknown: %d %q", code, errOut)
	}
	if code, _, _ := run("staff", "disable", "008"); code != 0 {
		t.Fatal("disable failed")
	}
	code, out, _ = run("staff", "list")
	if code != 0 || !regexp.MustCompile(`008\s+张工\s+engineer,lead\s+all\s+5x9\s+not linked\s+no`).MatchString(out) {
		t.Fatalf("list: %d\n%s", code, out)
	}
	if code, _, errOut := run("staff", "fire", "008"); code != 2 || !strings.Contains(errOut, "unknown subcommand") {
		t.Fatalf("unknown subcommand: %d %q", code, errOut)
	}
}

func TestJobsCommand(t *testing.T) {
	code, out, errOut := runWith(context.Background(), map[string]string{"HOTLINE_DATA_DIR": t.TempDir()}, "jobs")
	if code != 0 || !strings.Contains(out, "Due next") || !strings.Contains(out, "Failed") {
		t.Fatalf("jobs: %d %q %q", code, out, errOut)
	}
}
