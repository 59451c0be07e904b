package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/hotline-desk/hotline/bot"
)

func runJobs(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "jobs", "jobs [--limit N]\n\nLists the scheduled work that is due next (reminders, escalations,\nauto-closes, renewal notices) and the jobs that failed, with their errors.")
	limit := fs.Int("limit", 20, "rows in each list")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var o opened
	if err := o.open(ctx, env); err != nil {
		return err
	}
	defer o.b.Close()
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
	fmt.Fprintf(env.stdout, "Due next (%d shown):\n", len(pending))
	printJobs(env, pending, now, cfg)
	fmt.Fprintf(env.stdout, "\nFailed (%d shown):\n", len(failed))
	printJobs(env, failed, now, cfg)
	return nil
}

func printJobs(env *cliEnv, jobs []bot.Job, now time.Time, cfg *Config) {
	if len(jobs) == 0 {
		fmt.Fprintln(env.stdout, "  (none)")
		return
	}
	w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "  ID\tKIND\tTICKET\tSTEP\tDUE\tIN\tATTEMPTS\tERROR")
	for _, j := range jobs {
		ticket := "-"
		if j.TicketID != nil {
			ticket = fmt.Sprintf("#%d", *j.TicketID)
		} else if j.Ref != "" {
			ticket = j.Ref
		}
		fmt.Fprintf(w, "  %d\t%s\t%s\t%d\t%s\t%s\t%d\t%s\n", j.ID, j.Kind+" "+j.Payload, ticket, j.Step,
			j.DueAt.In(cfg.Location).Format("2006-01-02 15:04"), j.DueAt.Sub(now).Round(time.Second), j.Attempts, j.LastErr)
	}
	w.Flush()
}
