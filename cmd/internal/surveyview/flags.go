package surveyview

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/bot/staffdialog"
	"github.com/hotline-desk/hotline/bot/survey"
)

// RoundFlags are the selection flags of survey round preview and create.
type RoundFlags struct {
	period, unit, engineer, severity, sample, questionnaire *string
	seed                                                    *int64
}

// AddRoundFlags defines the selection flags on fs; create adds --seed.
func AddRoundFlags(fs *flag.FlagSet, create bool) RoundFlags {
	f := RoundFlags{
		period:        fs.String("period", "", "tickets resolved in: a month (2026-11), days (2026-11-01~2026-11-15), or last-month; required"),
		unit:          fs.String("unit", "", "only customers of this unit"),
		engineer:      fs.String("engineer", "", "only tickets of this engineer (staff number)"),
		severity:      fs.String("severity", "", "only these severities, like 1,2"),
		sample:        fs.String("sample", "100%", "share of the eligible customers to ask, like 30%"),
		questionnaire: fs.String("questionnaire", "revisit", "questionnaire from the policy file (surveys.questionnaires)"),
	}
	if create {
		f.seed = fs.Int64("seed", 0, "draws the sample; the same seed draws the same customers (default: random)")
	}
	return f
}

// Spec is the round the flags select, periods read at now; its errors are
// mistakes in the command line.
func (f RoundFlags) Spec(policy *policy.Policy, now time.Time) (survey.RoundSpec, error) {
	if *f.period == "" {
		return survey.RoundSpec{}, errors.New("--period is required, like --period 2026-11")
	}
	from, to, err := staffdialog.ParsePeriod(*f.period, now, policy.Location)
	if err != nil {
		return survey.RoundSpec{}, fmt.Errorf("--period: %w", err)
	}
	rate, err := staffdialog.ParseSampleRate(*f.sample)
	if err != nil {
		return survey.RoundSpec{}, fmt.Errorf("--sample: %w", err)
	}
	sev, err := staffdialog.ParseSeverities(*f.severity)
	if err != nil {
		return survey.RoundSpec{}, fmt.Errorf("--severity: %w", err)
	}
	spec := survey.RoundSpec{From: from, To: to, Unit: *f.unit, Engineer: *f.engineer, Severities: sev, SampleRate: rate,
		Questionnaire: *f.questionnaire, Seed: rand.Int64()}
	if f.seed != nil && *f.seed != 0 {
		spec.Seed = *f.seed
	}
	return spec, nil
}

// StatsPeriod is the period of survey stats' --month, or --from and
// --to (default last month), read at now; its errors are mistakes in the
// command line.
func StatsPeriod(month, from, to string, loc *time.Location, now time.Time) (time.Time, time.Time, error) {
	switch {
	case month != "" && (from != "" || to != ""):
		return time.Time{}, time.Time{}, errors.New("give --month or --from and --to, not both")
	case from != "" || to != "":
		if from == "" || to == "" {
			return time.Time{}, time.Time{}, errors.New("--from and --to go together")
		}
		a, b, err := staffdialog.ParsePeriod(from+"~"+to, now, loc)
		return a, b, flagError("--from/--to", err)
	case month == "":
		month = "last-month"
	}
	a, b, err := staffdialog.ParsePeriod(month, now, loc)
	return a, b, flagError("--month", err)
}

func flagError(flag string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", flag, err)
}
