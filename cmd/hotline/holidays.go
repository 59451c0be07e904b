package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/engine"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/bot/ticket"
	"github.com/hotline-desk/hotline/store"
)

// Years of China's holiday schedule imported with hotline calendar import
// live in the database, so that every replica counts on them: each reads
// them at start and looks for new ones every importPoll.

// importPoll is how often serve looks for years imported meanwhile.
const importPoll = time.Minute

// applyImportedYears adds the imported years the policy does not have in
// full yet, and returns them.
func applyImportedYears(ctx context.Context, h *store.Holidays, p *policy.Policy) ([]int, error) {
	years, err := h.Years(ctx)
	if err != nil {
		return nil, fmt.Errorf("read imported holiday years: %w", err)
	}
	var added []int
	for _, y := range years {
		if slices.Contains(p.OfficialYears(), y.Year) {
			continue
		}
		_, days, err := sla.ParseHolidayCN(strings.NewReader(y.Data))
		if err != nil {
			return added, fmt.Errorf("imported holiday year %d: %w", y.Year, err)
		}
		if err := p.AddOfficialYear(y.Year, days); err != nil {
			return added, fmt.Errorf("imported holiday year %d: %w", y.Year, err)
		}
		added = append(added, y.Year)
	}
	return added, nil
}

// officialYearsSetting names the official years the open tickets' work was
// last scheduled on.
const officialYearsSetting = "calendar_official_years"

// rescheduleOnNewYears moves the open tickets' work onto the calendars
// when the official years differ from those it was scheduled on (a year
// added to the policy file or imported; or none recorded: a first start,
// or one after an upgrade from before statutory years), and records them.
func rescheduleOnNewYears(ctx context.Context, rec *store.Records, lc *ticket.Lifecycle, dated []bot.Job, p *policy.Policy, log *slog.Logger, now time.Time) error {
	stored, found, err := rec.Settings.Get(ctx, officialYearsSetting)
	if err != nil || (found && stored == yearsText(p.OfficialYears())) {
		return err
	}
	return reschedule(ctx, rec, lc, dated, p, log, now)
}

// datedJobs are the date-driven jobs that fall on a working day: the
// monthly survey check (nil stats: surveys off) and the renewal notices.
func datedJobs(stats *survey.Stats, renewals *engine.Renewals, now time.Time) []bot.Job {
	jobs := renewals.Jobs()
	if stats != nil {
		jobs = append(jobs, stats.CheckJob(now))
	}
	return jobs
}

// reschedule moves the open tickets' work and the dated jobs onto the
// calendars as they are, and records the official years.
func reschedule(ctx context.Context, rec *store.Records, lc *ticket.Lifecycle, dated []bot.Job, p *policy.Policy, log *slog.Logger, now time.Time) error {
	tickets, moved, err := lc.Reschedule(ctx, struct {
		*store.Tickets
		*store.Jobs
	}{rec.Tickets, rec.Jobs}, now)
	if err != nil {
		return fmt.Errorf("reschedule open tickets: %w", err)
	}
	n, err := rec.Jobs.RescheduleJobs(ctx, dated)
	if err != nil {
		return fmt.Errorf("reschedule the monthly check and renewal notices: %w", err)
	}
	moved += n
	log.Info("holiday schedule changed: open tickets' reminders and auto-closes rescheduled",
		slog.String("official_years", yearsText(p.OfficialYears())), slog.Int("tickets", tickets), slog.Int("jobs_moved", moved))
	return rec.Settings.Put(ctx, officialYearsSetting, yearsText(p.OfficialYears()), now)
}

func yearsText(years []int) string {
	parts := make([]string, len(years))
	for i, y := range slices.Sorted(slices.Values(years)) {
		parts[i] = strconv.Itoa(y)
	}
	return strings.Join(parts, ",")
}
