package sla

import (
	"strings"
	"testing"
	"time"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in     string
		want   Target
		string string
	}{
		{"1h", Business(time.Hour), "1h"},
		{"90m", Business(90 * time.Minute), "1h30m"},
		{"24h", Business(24 * time.Hour), "24h"},
		{"1h30m", Business(90 * time.Minute), "1h30m"},
		{"45m", Business(45 * time.Minute), "45m"},
		{" 4h ", Business(4 * time.Hour), "4h"},
		{"2d", WorkingDays(2), "2d"},
		{"wall 24h", Wall(24 * time.Hour), "wall 24h"},
		{"24h wall", Wall(24 * time.Hour), "wall 24h"},
		{"wall 1h30m", Wall(90 * time.Minute), "wall 1h30m"},
		{"", Target{}, "none"},
		{"none", Target{}, "none"},
		{"None", Target{}, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTarget(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseTarget = %+v, want %+v", got, tt.want)
			}
			if s := got.String(); s != tt.string {
				t.Errorf("String = %q, want %q", s, tt.string)
			}
			if back, err := ParseTarget(got.String()); err != nil || back != got {
				t.Errorf("ParseTarget(String()) = %+v, %v; want %+v", back, err, got)
			}
		})
	}
}

func TestParseTargetErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"2x", `target "2x": want business time like "4h"`},
		{"4 hours", `target "4 hours": want business time`},
		{"0h", `target "0h": must be longer than zero (write "none" for no target)`},
		{"-1h", `target "-1h": want business time`},
		{"30s", `target "30s": give whole minutes`},
		{"9000h", `target "9000h": longer than a year (8784h); a typo?`},
		{"1.5d", `target "1.5d": working days must be a whole number like "2d"`},
		{"0d", `target "0d": working days must be from 1 to 366`},
		{"1d2h", `target "1d2h": want business time`},
		{"wall 2d", `target "wall 2d": wall-clock time takes hours and minutes ("wall 48h"), not working days`},
		{"wall", `target "wall": want business time`},
		{"wall 1h wall", `target "wall 1h wall": want business time`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseTarget(tt.in)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got error %v, want one starting %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestTargetText(t *testing.T) {
	var got Target
	if err := got.UnmarshalText([]byte("wall 2h")); err != nil {
		t.Fatal(err)
	}
	if got != Wall(2*time.Hour) {
		t.Errorf("UnmarshalText = %+v", got)
	}
	b, err := WorkingDays(3).MarshalText()
	if err != nil || string(b) != "3d" {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
	if err := got.UnmarshalText([]byte("soon")); err == nil {
		t.Error("UnmarshalText(soon): no error")
	}
}
