package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// The targets, reported but not enforced.
const (
	targetStepsRatio   = 0.70
	targetStepsP99     = 50.0 // ms
	targetTicketsPerS  = 1000.0
	targetTicketsP99   = 100.0 // ms
	settleQuiet        = 200 * time.Millisecond
	settleMax          = 15 * time.Second
	maxHotlineLogLines = 5
)

// result is a whole run.
type result struct {
	Machine     machine        `json:"machine"`
	Conns       int            `json:"conns"`
	Duration    string         `json:"duration_per_phase"`
	Mode        string         `json:"mode"`
	Phases      []phaseResult  `json:"phases"`
	StepsRatio  float64        `json:"steps_to_ceiling_throughput,omitempty"`
	Targets     []targetResult `json:"targets"`
	Tickets     *ticketCheck   `json:"tickets,omitempty"`
	BusyBefore  *float64       `json:"busy_cores_before,omitempty"`
	HotlineWarn int            `json:"hotline_warnings"`
	HotlineLog  []string       `json:"hotline_log,omitempty"`
}

// targetResult says whether one of the targets was met.
type targetResult struct {
	Phase string `json:"phase"`
	Goal  string `json:"goal"`
	Got   string `json:"got"`
	Met   bool   `json:"met"`
}

// ticketCheck compares the tickets in the database with the 确认 answered.
type ticketCheck struct {
	Prepared   int  `json:"prepared"`    // customers taken to the summary
	Sent       int  `json:"sent"`        // 确认 sent in the measured phase
	Confirmed  int  `json:"confirmed"`   // answered with the ticket reply
	InDatabase int  `json:"in_database"` // rows in tickets
	RanOut     bool `json:"ran_out"`     // every prepared customer confirmed before the duration ended
	OK         bool `json:"ok"`

	PerSecond float64 `json:"tickets_per_second"` // confirmed over the phase's time
}

// OK reports whether every request was answered right and the tickets
// check out.
func (r *result) OK() bool {
	for _, p := range r.Phases {
		if p.Errors > 0 {
			return false
		}
	}
	return r.Tickets == nil || r.Tickets.OK
}

// measure starts the stack, runs the phases and tears the stack down.
func measure(ctx context.Context, opt options, log io.Writer) (*result, error) {
	s, err := startStack(ctx, opt, log)
	if err != nil {
		return nil, err
	}
	defer s.close(log)
	res := &result{Machine: thisMachine(), Conns: opt.conns, Duration: opt.duration.String(), Mode: "plain"}
	key := ""
	if opt.safe {
		key, res.Mode = aesKey, "safe (AES)"
	}
	hotlineURL := "http://" + s.hotline.addr + "/wechat"
	res.BusyBefore = busyCores(time.Second)
	if opt.runs('a') {
		fmt.Fprintln(log, "hotline-load: (a) ceiling")
		drivers := make([]driver, opt.conns)
		for i := range drivers {
			drivers[i] = &ceilingDriver{openID: fmt.Sprintf("load-a-%d", i)}
		}
		res.add(runPhase(ctx, "(a) ceiling: bare library", "http://"+s.ceiling.addr+"/wechat", key, drivers, opt.duration, s.hotline.pid()), true)
	}
	if opt.runs('b') {
		fmt.Fprintln(log, "hotline-load: (b) conversation steps")
		var drivers []driver
		for _, customers := range share("load-b", opt.customers, opt.conns) {
			drivers = append(drivers, newStepsDriver(customers))
		}
		conns := s.fake.Connections()
		p := runPhase(ctx, "(b) hotline: conversation steps", hotlineURL, key, drivers, opt.duration, s.hotline.pid())
		p.Pushes, p.PushConns = s.settle(), s.fake.Connections()-conns
		res.add(p, true)
	}
	if opt.runs('c') {
		if err := res.runTickets(ctx, s, opt, hotlineURL, key, log); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.noteHotlineLog(s.hotline.output.String())
	res.judge()
	return res, nil
}

func (r *result) add(p phaseResult, measured bool) {
	p.measured = measured
	r.Phases = append(r.Phases, p)
}

// runTickets prepares customers at the summary, then measures their 确认
// and counts the tickets.
func (r *result) runTickets(ctx context.Context, s *stack, opt options, url, key string, log io.Writer) error {
	fmt.Fprintf(log, "hotline-load: (c) warm-up: %d customers to the summary\n", opt.tickets)
	var prepare []driver
	var prepared []*prepareDriver
	for _, customers := range share("load-c", opt.tickets, opt.conns) {
		d := &prepareDriver{customers: customers, ready: make([]bool, len(customers))}
		prepare, prepared = append(prepare, d), append(prepared, d)
	}
	conns := s.fake.Connections()
	warm := runPhase(ctx, "(c) warm-up: customers to the summary (not measured)", url, key, prepare, 0, s.hotline.pid())
	warm.Pushes, warm.PushConns = s.settle(), s.fake.Connections()-conns
	r.add(warm, false)
	queue := &confirmQueue{}
	for _, d := range prepared {
		for i, ok := range d.ready {
			if ok {
				queue.customers = append(queue.customers, d.customers[i])
			}
		}
	}
	fmt.Fprintln(log, "hotline-load: (c) tickets")
	var drivers []driver
	var confirms []*confirmDriver
	for range opt.conns {
		d := &confirmDriver{queue: queue}
		drivers, confirms = append(drivers, d), append(confirms, d)
	}
	p := runPhase(ctx, "(c) hotline: 确认, one ticket each", url, key, drivers, opt.duration, s.hotline.pid())
	r.add(p, true)
	check := &ticketCheck{Prepared: len(queue.customers), Sent: p.Requests, RanOut: int(queue.next.Load()) >= len(queue.customers)}
	for _, d := range confirms {
		check.Confirmed += d.confirmed
	}
	n, err := s.schema.tickets(ctx)
	if err != nil {
		return fmt.Errorf("count tickets: %w", err)
	}
	check.InDatabase = n
	check.PerSecond = float64(check.Confirmed) / p.Seconds
	check.OK = n == check.Confirmed && check.Confirmed == check.Sent
	r.Tickets = check
	return nil
}

// busyCores is how many cores were busy over d before the run, when
// nothing of the run works: other people's work on a shared machine.
func busyCores(d time.Duration) *float64 {
	before, ok := sampleCPU(0)
	if !ok {
		return nil
	}
	time.Sleep(d) // measuring the machine's quiet, not business time
	after, _ := sampleCPU(0)
	u := before.use(after)
	busy := max(0, float64(after.total-before.total)/userHZ/after.at.Sub(before.at).Seconds()-u.Idle)
	return &busy
}

// settle waits until hotline's pushes to the fake WeChat API have stopped,
// so one phase's tail does not run into the next; then forgets them and
// returns how many there were.
func (s *stack) settle() int {
	deadline := time.Now().Add(settleMax)
	last := -1
	for time.Now().Before(deadline) {
		n := s.fake.Count()
		if n == last {
			break
		}
		last = n
		time.Sleep(settleQuiet) // polling for quiet, not business time
	}
	s.fake.Reset()
	return last
}

// noteHotlineLog counts hotline's warnings and errors and keeps the first.
func (r *result) noteHotlineLog(out string) {
	for line := range strings.Lines(out) {
		if strings.Contains(line, `"level":"WARN"`) || strings.Contains(line, `"level":"ERROR"`) {
			r.HotlineWarn++
			if len(r.HotlineLog) < maxHotlineLogLines {
				r.HotlineLog = append(r.HotlineLog, strings.TrimSpace(line))
			}
		}
	}
}

// judge computes the (b)/(a) ratio and compares with the targets.
func (r *result) judge() {
	a, haveA := r.phase("(a)")
	b, haveB := r.phase("(b)")
	if haveA && haveB && a.Throughput > 0 {
		r.StepsRatio = b.Throughput / a.Throughput
		r.Targets = append(r.Targets, targetResult{Phase: "(b)",
			Goal: fmt.Sprintf("≥ %.0f%% of (a)'s throughput, p99 < %.0f ms", targetStepsRatio*100, targetStepsP99),
			Got:  fmt.Sprintf("%.0f%%, p99 %.1f ms", r.StepsRatio*100, b.P99),
			Met:  r.StepsRatio >= targetStepsRatio && b.P99 < targetStepsP99})
	}
	if c, ok := r.phase("(c) hotline"); ok && r.Tickets != nil {
		r.Targets = append(r.Targets, targetResult{Phase: "(c)",
			Goal: fmt.Sprintf("≥ %.0f tickets/s, p99 < %.0f ms", targetTicketsPerS, targetTicketsP99),
			Got:  fmt.Sprintf("%.0f tickets/s, p99 %.1f ms", r.Tickets.PerSecond, c.P99),
			Met:  r.Tickets.PerSecond >= targetTicketsPerS && c.P99 < targetTicketsP99})
	}
}

func (r *result) phase(prefix string) (phaseResult, bool) {
	for _, p := range r.Phases {
		if strings.HasPrefix(p.Name, prefix) && p.measured {
			return p, true
		}
	}
	return phaseResult{}, false
}
