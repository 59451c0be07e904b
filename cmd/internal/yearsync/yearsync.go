// Package yearsync keeps every process's calendars on the years of China's
// holiday schedule imported into the database (hotline calendar import),
// and moves the open tickets' deadline work when the calendars change.
package yearsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/engine"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/report"
	"github.com/hotline-desk/hotline/bot/sla"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/bot/ticket"
	"github.com/hotline-desk/hotline/bot/upkeep"
	"github.com/hotline-desk/hotline/store"
)

// Years of China's holiday schedule imported with hotline calendar import
// live in the database, so that every replica counts on them: each reads
// them at start and looks for new or replaced ones every importPoll.

// Poll is how often serve looks for years imported meanwhile.
const Poll = time.Minute

// Years counts the policy on the years imported into the
// database, each once per content: a year imported again with other days
// replaces the one counted.
type Years struct {
	// OwnYearLevel is the level of the note that the policy has an
	// imported year itself (Info, the zero value, for serve; commands
	// lower it so as not to repeat it on every run).
	OwnYearLevel slog.Level

	mu   sync.Mutex
	seen map[int]string // year → the stored file last looked at
}

// Apply counts on the imported years not looked at yet, and returns those
// the calendars now count differently. A stored year that cannot be
// counted (the policy has the year itself, or it contradicts the policy's
// days) is logged once and left out: it must not stop serve or the
// commands that would replace it.
func (iy *Years) Apply(ctx context.Context, h *store.Holidays, p *policy.Policy, log *slog.Logger) ([]int, error) {
	years, err := h.Years(ctx)
	if err != nil {
		return nil, fmt.Errorf("read imported holiday years: %w", err)
	}
	iy.mu.Lock()
	defer iy.mu.Unlock()
	if iy.seen == nil {
		iy.seen = map[int]string{}
	}
	var changed []int
	for _, y := range years {
		if data, ok := iy.seen[y.Year]; ok && data == y.Data {
			continue
		}
		iy.seen[y.Year] = y.Data
		year, days, err := sla.ParseHolidayCN(strings.NewReader(y.Data))
		if err == nil && year != y.Year {
			err = fmt.Errorf("the file is for %d", year)
		}
		if err == nil {
			err = p.AddOfficialYear(y.Year, days)
		}
		switch {
		case errors.Is(err, policy.ErrYearInPolicy):
			log.Log(ctx, iy.OwnYearLevel, "imported holiday year not counted: the policy has the year's official schedule itself",
				slog.Int("year", y.Year), slog.String("source", y.Source))
		case err != nil:
			log.Warn("imported holiday year not counted: import a corrected file",
				slog.Int("year", y.Year), slog.String("source", y.Source), slog.String("err", err.Error()))
		default:
			changed = append(changed, y.Year)
		}
	}
	return changed, nil
}

// Stored reports whether a year was imported before (counted or not).
func (iy *Years) Stored(year int) bool {
	iy.mu.Lock()
	defer iy.mu.Unlock()
	_, ok := iy.seen[year]
	return ok
}

// Forget makes the next apply look at the years again.
func (iy *Years) Forget(years []int) {
	iy.mu.Lock()
	defer iy.mu.Unlock()
	for _, y := range years {
		delete(iy.seen, y)
	}
}

// CalendarSetting names the fingerprint of the calendars (policy.Policy.
// Fingerprint) the open tickets' work was last scheduled on.
const CalendarSetting = "calendar_fingerprint"

// RescheduleOnChange moves the open tickets' work onto the calendars when
// their holiday data differs from what it was scheduled on (a year added
// to the policy file or imported, a day changed; or nothing recorded: a
// first start, or one after an upgrade from before statutory years).
func RescheduleOnChange(ctx context.Context, rec *store.Records, lc *ticket.Lifecycle, dated []bot.Job, p *policy.Policy, log *slog.Logger, now time.Time) error {
	stored, found, err := rec.Settings.Get(ctx, CalendarSetting)
	if err != nil || (found && stored == p.Fingerprint()) {
		return err
	}
	return Reschedule(ctx, rec, lc, dated, p, log, now)
}

// DatedJobs are the date-driven jobs that fall on a working day: the
// monthly report's delivery, the monthly survey check (nil stats: surveys
// off), the renewal notices, and the openings of the units' maintenance
// in this period and the next.
func DatedJobs(p *policy.Policy, stats *survey.Stats, renewals *engine.Renewals, now time.Time) []bot.Job {
	jobs := append(renewals.Jobs(), report.MonthlyJob(p, now))
	jobs = append(jobs, upkeep.Jobs(p, now)...)
	if stats != nil {
		jobs = append(jobs, stats.CheckJob(now))
	}
	return jobs
}

// Reschedule moves the open tickets' work and the dated jobs onto the
// calendars as they are, and records their fingerprint. It is safe to run
// on several replicas at once: each job moves to where the calendars say.
func Reschedule(ctx context.Context, rec *store.Records, lc *ticket.Lifecycle, dated []bot.Job, p *policy.Policy, log *slog.Logger, now time.Time) error {
	fingerprint := p.Fingerprint()
	tickets, moved, err := lc.Reschedule(ctx, struct {
		*store.Tickets
		*store.Jobs
	}{rec.Tickets, rec.Jobs}, now)
	if err != nil {
		return fmt.Errorf("reschedule open tickets: %w", err)
	}
	n, err := rec.Jobs.RescheduleJobs(ctx, dated)
	if err != nil {
		return fmt.Errorf("reschedule the dated jobs (monthly check, renewal notices, maintenance): %w", err)
	}
	moved += n
	log.Info("holiday data changed: open tickets' reminders and auto-closes rescheduled",
		slog.String("calendars", fingerprint), slog.Int("tickets", tickets), slog.Int("jobs_moved", moved))
	return rec.Settings.Put(ctx, CalendarSetting, fingerprint, now)
}
