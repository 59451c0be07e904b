package main

import (
	"context"
	"fmt"
	"time"

	"github.com/hotline-desk/hotline/cmd/internal/jobview"
)

func runJobs(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "jobs", "jobs [--limit N] [--json]\n\nLists the scheduled work that is due next (reminders, escalations,\nauto-closes, renewal notices) and the jobs that failed, with their errors.")
	limit := fs.Int("limit", 20, "rows in each list (1 to 1000)")
	asJSON := fs.Bool("json", false, "print one JSON object: {\"pending\": [...], \"failed\": [...]}")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *limit < 1 || *limit > 1000 {
		return usageError{fmt.Errorf("--limit %d: want 1 to 1000", *limit)}
	}
	var o opened
	if err := o.open(ctx, env); err != nil {
		return err
	}
	defer o.close()
	cfg, jobs := o.cfg, o.b.rec.Jobs
	pending, err := jobs.PendingJobs(ctx, *limit)
	if err != nil {
		return err
	}
	failed, err := jobs.FailedJobs(ctx, *limit)
	if err != nil {
		return err
	}
	now := time.Now()
	if *asJSON {
		return writeJSON(env, map[string][]jobview.JSON{"pending": jobview.List(pending, cfg.Location), "failed": jobview.List(failed, cfg.Location)})
	}
	fmt.Fprintf(env.stdout, "Due next (%d shown):\n", len(pending))
	jobview.Table(env.stdout, pending, now, cfg.Location)
	fmt.Fprintf(env.stdout, "\nFailed (%d shown):\n", len(failed))
	jobview.Table(env.stdout, failed, now, cfg.Location)
	return nil
}
