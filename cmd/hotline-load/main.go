// Command hotline-load measures Hotline's WeChat intake under load, on
// loopback, against a bare silenceper/wechat server as the ceiling. It
// starts a built hotline binary as a subprocess with a fresh PostgreSQL
// schema, a flushed Redis database and an in-process fake WeChat API, and
// drives it with concurrent keep-alive connections. Run it with --help.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

const synopsis = `Usage: hotline-load [flags]

Measures Hotline's WeChat intake on this machine, on loopback only:

  (a) ceiling   signed text messages to a bare silenceper/wechat server
                (officialaccount.GetServer, Serve, Send; a fixed text reply)
  (b) steps     conversation steps to hotline: each virtual customer walks
                the report dialogue (description, severity, unit, name,
                phone, room, 取消) over and over, every message with a new
                MsgId: the session (this replica's copy), Step, the
                dedupe check and the session saved in one Redis script,
                and the pushes of the severity and summary menus
  (c) tickets   确认 from customers whose sessions sit at the summary (taken
                there over HTTP in an unmeasured warm-up): each opens one
                ticket in PostgreSQL

Each phase runs --conns concurrent keep-alive connections for --duration
(phase c also stops when its prepared customers run out). For each phase it
prints requests, errors (transport failures, non-200 answers, wrong bodies),
throughput and latency percentiles, and for (b) its throughput as a share of
(a). Afterwards it checks that the tickets in the database are exactly the
确认 that were answered. On Linux it also shows, from /proc, how many cores
each party kept busy in each phase: this process, hotline, PostgreSQL (the
whole server, other clients included), Redis, kernel interrupts (mostly the
loopback network) and other processes.

hotline runs as a subprocess (--hotline, or built from ./cmd/hotline with go
build) with HOTLINE_DATABASE_URL set to a new schema in --database, dropped
at the end, HOTLINE_REDIS_URL set to --redis, whose database is flushed
before and after (so it must not be database 0), HOTLINE_WECHAT_* pointing
at the fake WeChat API, HOTLINE_SURVEY_SECRET and HOTLINE_PUBLIC_URL set
to throw-away values, and HOTLINE_LOG_LEVEL=warn.

The load generator, the fake WeChat API, the ceiling server, hotline,
PostgreSQL and Redis all share this machine's CPUs: the numbers are for the
whole stack on one host, not for hotline alone.

Exit status: 0 when every request was answered correctly and the ticket
count checks out, 1 otherwise, 2 on a usage error. The targets are
reported, not enforced.

Flags:
`

// options are the command line.
type options struct {
	hotline    string
	database   string
	redis      string
	conns      int
	duration   time.Duration
	customers  int
	tickets    int
	safe       bool
	phases     string
	jsonOut    bool
	cpuProfile string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opt, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "hotline-load: %v (see hotline-load --help)\n", err)
		return 2
	}
	if opt.cpuProfile != "" {
		stopProfile, err := startCPUProfile(opt.cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "hotline-load: %v\n", err)
			return 1
		}
		defer stopProfile()
	}
	res, err := measure(ctx, opt, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "hotline-load: %v\n", err)
		return 1
	}
	if opt.jsonOut {
		err = res.writeJSON(stdout)
	} else {
		err = res.writeText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "hotline-load: %v\n", err)
		return 1
	}
	if !res.OK() {
		return 1
	}
	return 0
}

func parseFlags(args []string, stdout io.Writer) (options, error) {
	var opt options
	fs := flag.NewFlagSet("hotline-load", flag.ContinueOnError)
	fs.StringVar(&opt.hotline, "hotline", "", "path of a built hotline binary (default: go build ./cmd/hotline into a temporary directory)")
	fs.StringVar(&opt.database, "database", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server; a new schema is created in it and dropped at the end")
	fs.StringVar(&opt.redis, "redis", "redis://127.0.0.1:6379/15", "Redis database for hotline; FLUSHDB before and after, so not database 0")
	fs.IntVar(&opt.conns, "conns", 50, "concurrent keep-alive HTTP connections in each phase")
	fs.DurationVar(&opt.duration, "duration", 10*time.Second, "how long each phase runs")
	fs.IntVar(&opt.customers, "customers", 1000, "virtual customers in phase b, shared out among the connections")
	fs.IntVar(&opt.tickets, "tickets", 12000, "customers prepared at the summary for phase c: the most tickets it can open")
	fs.BoolVar(&opt.safe, "safe", false, "safe mode: AES-encrypted callbacks and replies, for hotline and the ceiling")
	fs.StringVar(&opt.phases, "phases", "abc", "which phases to run, a subset of abc")
	fs.BoolVar(&opt.jsonOut, "json", false, "print one JSON object instead of the table")
	fs.StringVar(&opt.cpuProfile, "cpuprofile", "", "write a CPU profile of this process (generator, fake API, ceiling server) to the file")
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, synopsis)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
		}
		return opt, err
	}
	if fs.NArg() > 0 {
		return opt, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return opt, opt.check()
}

func (o options) check() error {
	switch {
	case o.conns < 1:
		return errors.New("--conns must be at least 1")
	case o.duration <= 0:
		return errors.New("--duration must be positive")
	case o.customers < o.conns:
		return fmt.Errorf("--customers must be at least --conns (%d)", o.conns)
	case o.tickets < 1:
		return errors.New("--tickets must be at least 1")
	case o.phases == "" || strings.Trim(o.phases, "abc") != "":
		return fmt.Errorf("--phases %q: use letters of abc", o.phases)
	}
	u, err := url.Parse(o.redis)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
		return fmt.Errorf("--redis %q is not a redis:// URL", o.redis)
	}
	if db := strings.Trim(u.Path, "/"); db == "" || db == "0" {
		return errors.New("--redis must select a database other than 0, such as redis://127.0.0.1:6379/15: it is flushed")
	}
	return nil
}

func (o options) runs(phase byte) bool { return strings.IndexByte(o.phases, phase) >= 0 }

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// machine describes where the numbers come from.
type machine struct {
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Note      string `json:"note"`
}

func thisMachine() machine {
	return machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH,
		Note: "the load generator, the fake WeChat API and the ceiling server (this process), hotline, PostgreSQL and Redis share these CPUs"}
}
