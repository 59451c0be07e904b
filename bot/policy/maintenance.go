package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hotline-desk/hotline/bot"
)

// obligations checks a unit's maintenance list: each kind known, each
// period month, quarter or year, no kind listed twice.
func obligations(fs []ObligationFile) ([]bot.Obligation, error) {
	out := make([]bot.Obligation, 0, len(fs))
	seen := map[string]int{}
	for i, f := range fs {
		o := bot.Obligation{Kind: strings.TrimSpace(f.Kind), Every: strings.TrimSpace(f.Every), OnSite: f.OnSite}
		field := fmt.Sprintf("maintenance[%d]", i)
		switch {
		case o.Kind == "":
			return nil, fmt.Errorf("%s.kind: required (%s)", field, strings.Join(bot.ObligationKinds, ", "))
		case !slices.Contains(bot.ObligationKinds, o.Kind):
			return nil, fmt.Errorf("%s.kind: %q is not a kind of maintenance (%s)", field, o.Kind, strings.Join(bot.ObligationKinds, ", "))
		case o.Every != bot.EveryMonth && o.Every != bot.EveryQuarter && o.Every != bot.EveryYear:
			return nil, fmt.Errorf("%s.every: %q: want month, quarter or year", field, o.Every)
		}
		if j, dup := seen[o.Kind]; dup {
			return nil, fmt.Errorf("%s.kind: %s is listed twice (also maintenance[%d])", field, o.Kind, j)
		}
		seen[o.Kind] = i
		out = append(out, o)
	}
	return out, nil
}
