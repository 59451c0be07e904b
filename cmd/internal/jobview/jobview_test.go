package jobview

import (
	"testing"
	"time"
)

func TestHumanize(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                              "now",
		20 * time.Second:               "now",
		25 * time.Minute:               "in 25m",
		-5 * time.Minute:               "5m ago",
		3*time.Hour + 4*time.Minute:    "in 3h 4m",
		584*time.Hour + 42*time.Minute: "in 24d 8h",
		-50 * time.Hour:                "2d 2h ago",
	} {
		if got := Humanize(d); got != want {
			t.Errorf("Humanize(%v) = %q, want %q", d, got, want)
		}
	}
}
