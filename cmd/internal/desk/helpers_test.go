package desk_test

import (
	"log/slog"
	"time"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/bot/policy"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// parsePolicy reads a policy file's content as serve does.
func parsePolicy(data []byte, base string, loc *time.Location, log *slog.Logger) (*policy.Policy, error) {
	s, err := policyfile.Parse(data, base, loc, log)
	if err != nil {
		return nil, err
	}
	return s.Policy, nil
}
