// Package jobview is how hotline jobs shows scheduled work: a table with
// humanised times for people, JSON for scripts.
package jobview

import (
	"fmt"
	"io"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/cmd/internal/table"
)

// Table prints jobs a line each, indented, with when each is due and how
// far off that is.
func Table(w io.Writer, jobs []bot.Job, now time.Time, loc *time.Location) {
	if len(jobs) == 0 {
		fmt.Fprintln(w, "  (none)")
		return
	}
	tb := table.New("ID", "KIND", "TICKET", "STEP", "DUE", "IN", "ATTEMPTS", "ERROR").Indent("  ")
	for _, j := range jobs {
		tb.Row(fmt.Sprint(j.ID), j.Kind+" "+j.Payload, jobSubject(j), fmt.Sprint(j.Step),
			j.DueAt.In(loc).Format("2006-01-02 15:04"), Humanize(j.DueAt.Sub(now)), fmt.Sprint(j.Attempts), j.LastErr)
	}
	tb.Write(w)
}

// jobSubject is what a job is about: its ticket, or its reference.
func jobSubject(j bot.Job) string {
	switch {
	case j.TicketID != nil:
		return fmt.Sprintf("#%d", *j.TicketID)
	case j.Ref != "":
		return j.Ref
	}
	return "-"
}

// Humanize reads a span as people do: "in 3d 4h", "in 25m", "5m ago",
// "now" (whole minutes; days from 48 hours on).
func Humanize(d time.Duration) string {
	past := d < 0
	if past {
		d = -d
	}
	d = d.Round(time.Minute)
	var s string
	switch days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute); {
	case d == 0:
		return "now"
	case d >= 48*time.Hour:
		s = fmt.Sprintf("%dd %dh", days, h)
	case d >= time.Hour:
		s = fmt.Sprintf("%dh %dm", int(d/time.Hour), m)
	default:
		s = fmt.Sprintf("%dm", m)
	}
	if past {
		return s + " ago"
	}
	return "in " + s
}

// JSON is a job as jobs --json prints it.
type JSON struct {
	ID       int64     `json:"id"`
	Kind     string    `json:"kind"`
	Payload  string    `json:"payload"`
	Ticket   *int64    `json:"ticket"`
	Ref      string    `json:"ref"`
	Step     int       `json:"step"`
	DueAt    time.Time `json:"due_at"`
	Attempts int       `json:"attempts"`
	Error    string    `json:"error"`
}

// List is jobs as JSON, in loc.
func List(jobs []bot.Job, loc *time.Location) []JSON {
	out := make([]JSON, len(jobs))
	for i, j := range jobs {
		out[i] = JSON{ID: j.ID, Kind: j.Kind, Payload: j.Payload, Ticket: j.TicketID, Ref: j.Ref, Step: j.Step,
			DueAt: j.DueAt.In(loc), Attempts: j.Attempts, Error: j.LastErr}
	}
	return out
}
