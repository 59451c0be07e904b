package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

func (r *result) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r *result) writeText(w io.Writer) error {
	r.writeMachine(w)
	if err := r.writePhases(w); err != nil {
		return err
	}
	if err := r.writeCPU(w); err != nil {
		return err
	}
	for _, p := range r.Phases {
		if p.Pushes > 0 {
			fmt.Fprintf(w, "  %s: hotline pushed %d messages to the fake WeChat API over %d new TCP connections\n", p.Name, p.Pushes, p.PushConns)
		}
	}
	for _, p := range r.Phases {
		for _, s := range p.ErrorSamples {
			fmt.Fprintf(w, "  error in %s: %s\n", p.Name, s)
		}
	}
	fmt.Fprintln(w)
	if r.StepsRatio > 0 {
		fmt.Fprintf(w, "(b)/(a) throughput: %.2f\n", r.StepsRatio)
	}
	r.writeTickets(w)
	for _, t := range r.Targets {
		met := "met"
		if !t.Met {
			met = "NOT met"
		}
		fmt.Fprintf(w, "target %s %s: got %s: %s\n", t.Phase, t.Goal, t.Got, met)
	}
	fmt.Fprintf(w, "hotline warnings and errors logged: %d\n", r.HotlineWarn)
	for _, l := range r.HotlineLog {
		fmt.Fprintf(w, "  %s\n", l)
	}
	return nil
}

// writeMachine says what the run was made on and how busy the machine was.
func (r *result) writeMachine(w io.Writer) {
	fmt.Fprintf(w, "hotline-load: %d CPUs, %s, %s; %d connections, %s per phase, %s mode, loopback\n",
		r.Machine.CPUs, r.Machine.GoVersion, r.Machine.OS, r.Conns, r.Duration, r.Mode)
	fmt.Fprintf(w, "note: %s\n", r.Machine.Note)
	if r.BusyBefore != nil {
		fmt.Fprintf(w, "before the run the machine was busy with %.2f cores of other work", *r.BusyBefore)
		if *r.BusyBefore > 0.2 {
			fmt.Fprint(w, ": the numbers below are lower than on a quiet machine")
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

// writePhases is the table of requests and latencies, a row per phase.
func (r *result) writePhases(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "requests\terrors\treq/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\t  phase")
	for _, p := range r.Phases {
		fmt.Fprintf(tw, "%d\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t  %s\n",
			p.Requests, p.Errors, p.Throughput, p.P50, p.P90, p.P99, p.Max, p.Name)
	}
	return tw.Flush()
}

// writeTickets checks the tickets phase: every confirmation answered and in
// the database.
func (r *result) writeTickets(w io.Writer) {
	t := r.Tickets
	if t == nil {
		return
	}
	verdict := "ok"
	if !t.OK {
		verdict = "MISMATCH"
	}
	fmt.Fprintf(w, "tickets: %d customers prepared, %d 确认 sent, %d answered with the ticket reply, %d tickets in the database: %s\n",
		t.Prepared, t.Sent, t.Confirmed, t.InDatabase, verdict)
	fmt.Fprintf(w, "tickets per second: %.0f", t.PerSecond)
	if t.RanOut {
		fmt.Fprint(w, " (every prepared customer confirmed before the phase's time was up; raise --tickets for a longer phase)")
	}
	fmt.Fprintln(w)
}

// writeCPU shows who kept the CPUs busy in each phase.
func (r *result) writeCPU(w io.Writer) error {
	if len(r.Phases) == 0 || r.Phases[0].CPU == nil {
		return nil
	}
	fmt.Fprintf(w, "\nCPU cores kept busy, on average (of %d; from /proc):\n", r.Machine.CPUs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "load generator*\thotline\tpostgres\tredis\tkernel irq\tother processes\tidle\t  phase")
	for _, p := range r.Phases {
		if c := p.CPU; c != nil {
			fmt.Fprintf(tw, "%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t  %s\n",
				c.Load, c.Hotline, c.Postgres, c.Redis, c.IRQ, c.Other, c.Idle, p.Name)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "* this process: the load generator, the fake WeChat API and the ceiling server")
	return nil
}
