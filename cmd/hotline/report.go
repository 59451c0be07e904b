package main

import (
	"context"
	"errors"
	"time"

	"github.com/hotline-desk/hotline/bot/report"
	"github.com/hotline-desk/hotline/cmd/internal/reportcmd"
	"github.com/hotline-desk/hotline/store/reportstore"
)

// runReport is hotline report (cmd/internal/reportcmd) on the configured
// policy and database.
func runReport(ctx context.Context, env *cliEnv, args []string) error {
	open := func(ctx context.Context) (*report.Reports, func(), error) {
		var o opened
		if err := o.open(ctx, env); err != nil {
			return nil, nil, err
		}
		return &report.Reports{Policy: o.policy, Store: reportstore.New(o.b.rec.DB), Clock: time.Now}, o.close, nil
	}
	err := reportcmd.Run(ctx, args, reportcmd.Env{Stdout: env.stdout, Stderr: env.stderr, Open: open})
	if ue := (reportcmd.UsageError{}); errors.As(err, &ue) {
		return usageError{ue.Err}
	}
	return err
}
