package bot

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseShare reads a share as people write it, "90%" or "0.9", into
// (0, 1]; field names it in the error.
func ParseShare(field, s string) (float64, error) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if pct {
		v /= 100
	}
	if err != nil || v <= 0 || v > 1 {
		return 0, fmt.Errorf("%s: %q; want a share like 90%% or 0.9", field, s)
	}
	return v, nil
}

// Percent formats a share: 90%, 91.7%.
func Percent(v float64) string {
	s := strconv.FormatFloat(v*100, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}
