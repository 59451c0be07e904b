package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store"

	"github.com/hotline-desk/hotline/store/storetest"
)

// seedServed writes n customers, each with a ticket resolved (and closed)
// at resolved, into the embedded database under dir.
func seedServed(t *testing.T, dir string, n int, resolved time.Time) {
	t.Helper()
	withRecords(t, dir, func(rec *store.Records) { seedServedIn(t, rec, n, resolved) })
}

func seedServedIn(t *testing.T, rec *store.Records, n int, resolved time.Time) {
	ctx := context.Background()
	for i := range n {
		c := &bot.Customer{Channel: "wechat", OpenID: fmt.Sprintf("o%d", i), UnitName: "市中心医院", Subscribed: true, UpdatedAt: resolved}
		if err := rec.Customers.SaveCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		tk := &bot.Ticket{OpenedBy: fmt.Sprintf("seed:%d", i), CustomerID: c.ID, Channel: "wechat", UnitName: "市中心医院",
			ContactName: "张三", Phone: "13800138000", Description: "打印机不能用", Severity: 3, Status: bot.StatusOpen, Plan: "7x12",
			ReportedAt: resolved, ResponseDue: resolved, CreatedAt: resolved}
		if _, err := rec.Tickets.OpenTicket(ctx, bot.Opening{Ticket: tk}); err != nil {
			t.Fatal(err)
		}
		storetest.CloseTicket(t, rec.Tickets, tk.ID, resolved)
	}
}

func TestSurveyRoundCommands(t *testing.T) {
	dir := t.TempDir()
	lastMonth := time.Now().AddDate(0, -1, 0)
	month := lastMonth.Format("2006-01")
	seedServed(t, dir, 10, time.Date(lastMonth.Year(), lastMonth.Month(), 10, 10, 0, 0, 0, time.Local))
	env := map[string]string{"HOTLINE_DATA_DIR": dir}
	ctx := context.Background()
	run := func(args ...string) (int, string, string) { return runWith(ctx, env, args...) }

	code, out, errOut := run("survey", "round", "preview", "--period", month, "--sample", "50%")
	if code != 0 || !strings.Contains(out, "Matching:   10 tickets of 10 customers") || !strings.Contains(out, "To ask:     5") {
		t.Fatalf("preview: %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run("survey", "round", "create", "--period", month, "--sample", "50%", "--seed", "7")
	if code != 0 || !strings.Contains(out, "Round #1 created: 5 invitations") {
		t.Fatalf("create: %d\n%s%s", code, out, errOut)
	}
	code, out, _ = run("survey", "round", "status", "1")
	if code != 0 || !regexp.MustCompile(`Sent      \[░{30}\]   0% 0/5`).MatchString(out) || !strings.Contains(out, "Satisfaction — (no answers yet)") {
		t.Fatalf("status:\n%s", out)
	}
	code, out, _ = run("survey", "round", "preview", "--period", month)
	if code != 0 || !strings.Contains(out, "5 already asked this month") || !strings.Contains(out, "To ask:     5") {
		t.Fatalf("the monthly cap:\n%s", out)
	}
	for _, step := range []struct{ cmd, want string }{{"pause", "paused"}, {"resume", "sending again"}, {"close", "closed"}} {
		if code, out, errOut := run("survey", "round", step.cmd, "1"); code != 0 || !strings.Contains(out, step.want) {
			t.Fatalf("%s: %d %q %q", step.cmd, code, out, errOut)
		}
	}
	if code, _, errOut := run("survey", "round", "resume", "1"); code != 1 || !strings.Contains(errOut, "不能改为") {
		t.Fatalf("resume a closed round: %d %q", code, errOut)
	}
	code, out, _ = run("survey", "round", "status", "1")
	if code != 0 || !strings.Contains(out, "closed") || !regexp.MustCompile(`\[█{30}\] 100% 5/5`).MatchString(out) || !strings.Contains(out, "cancelled 5") {
		t.Fatalf("status after close:\n%s", out)
	}
	if code, out, _ := run("survey", "round", "list"); code != 0 || !regexp.MustCompile(`1\s+closed\s+5\s+`).MatchString(out) {
		t.Fatalf("list:\n%s", out)
	}
	code, out, _ = run("survey", "stats", "--month", time.Now().Format("2006-01"))
	if code != 0 || !strings.Contains(out, "人员情况统计表") || !strings.Contains(out, "delivered 0, answered 0") {
		t.Fatalf("stats:\n%s", out)
	}
}

func TestSurveyCommandsHelpAndMistakes(t *testing.T) {
	env := map[string]string{"HOTLINE_DATA_DIR": t.TempDir()}
	ctx := context.Background()
	for _, args := range [][]string{
		{"survey", "--help"}, {"survey", "round", "--help"}, {"survey", "stats", "--help"},
		{"survey", "round", "create", "--help"}, {"survey", "round", "preview", "--help"}, {"survey", "round", "status", "--help"},
		{"survey", "round", "pause", "--help"}, {"survey", "round", "resume", "--help"}, {"survey", "round", "close", "--help"},
		{"survey", "round", "list", "--help"},
	} {
		if code, out, errOut := runWith(ctx, env, args...); code != 0 || !strings.Contains(out, "Usage: hotline survey") {
			t.Errorf("%v: %d %q %q", args, code, out, errOut)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"survey", "round", "create"}, "--period is required"},
		{[]string{"survey", "round", "preview", "--period", "November"}, "--period"},
		{[]string{"survey", "round", "preview", "--period", "2026-11", "--sample", "lots"}, "--sample"},
		{[]string{"survey", "round", "status"}, "give the round's ID"},
		{[]string{"survey", "stats", "--month", "2026-11", "--from", "2026-11-01"}, "not both"},
		{[]string{"survey", "poll"}, "unknown subcommand"},
	} {
		if code, _, errOut := runWith(ctx, env, c.args...); code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q, want %q", c.args, code, errOut, c.want)
		}
	}
	if code, _, errOut := runWith(ctx, env, "survey", "round", "status", "9"); code != 1 || !strings.Contains(errOut, "no round #9") {
		t.Errorf("status of an unknown round: %d %q", code, errOut)
	}
}

func TestSurveySecret(t *testing.T) {
	ctx := context.Background()
	settings := storetest.SQLite(t).Settings
	cfg := &Config{HTTPAddr: ":8080"}
	if err := resolveSurvey(ctx, cfg, settings, newLogger(os.Stderr, 8, nil)); err != nil {
		t.Fatal(err)
	}
	first := cfg.Survey.Secret
	if len(first) < minSurveySecret || cfg.Survey.PublicURL != "http://localhost:8080" {
		t.Fatalf("generated secret %q, url %q", first, cfg.Survey.PublicURL)
	}
	again := &Config{HTTPAddr: ":8080"} // a restart, or another replica
	if err := resolveSurvey(ctx, again, settings, newLogger(os.Stderr, 8, nil)); err != nil || again.Survey.Secret != first {
		t.Fatalf("a second start got another secret (%v): every link sent before it would break", err)
	}
	set := &Config{Survey: SurveyConfig{Secret: strings.Repeat("k", 40), PublicURL: "https://desk.example.com"}}
	if err := resolveSurvey(ctx, set, settings, newLogger(os.Stderr, 8, nil)); err != nil || set.Survey.Secret != strings.Repeat("k", 40) {
		t.Fatalf("the configured secret was not kept: %v", err)
	}
	for env, want := range map[string]string{"HOTLINE_SURVEY_SECRET": "at least 32", "HOTLINE_PUBLIC_URL": "not an http(s) URL"} {
		_, err := LoadConfig(func(k string) string { return map[string]string{env: "short"}[k] })
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s=short: %v", env, err)
		}
	}
}

// serve mounts the survey page: a link it did not sign is refused politely.
func TestServeMountsSurveyPage(t *testing.T) {
	env := map[string]string{"HOTLINE_DATA_DIR": t.TempDir()}
	stop := serveUntilReady(t, env)
	defer stop()
	resp, err := http.Get("http://" + env["HOTLINE_HTTP_ADDR"] + "/survey/1.abc.forged")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "链接无效") {
		t.Fatalf("GET a forged survey link: %d\n%s", resp.StatusCode, body)
	}
}
