package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
)

// requestTimeout bounds one request; WeChat itself gives up after 5s.
const requestTimeout = 10 * time.Second

// maxSamples is how many error descriptions a phase keeps.
const maxSamples = 5

// exchange is one callback and what its answer must be: exactly
// "success" (the reply goes out as a push), or a passive reply whose plain
// XML contains want.
type exchange struct {
	body []byte
	want string
}

const success = "success"

// driver gives one connection its callbacks and learns how each went.
type driver interface {
	next() (exchange, bool) // false: nothing left to send
	done(ok bool)
}

// poster sends signed callbacks to one URL over one keep-alive connection.
type poster struct {
	url    string
	aesKey string // safe mode when set
	client *http.Client
}

func newPoster(url, aesKey string) *poster {
	tr := &http.Transport{MaxIdleConns: 1, MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1,
		IdleConnTimeout: time.Minute, DisableCompression: true}
	return &poster{url: url, aesKey: aesKey, client: &http.Client{Transport: tr, Timeout: requestTimeout}}
}

func (p *poster) close() { p.client.CloseIdleConnections() }

// post sends body and returns the status and the answer.
func (p *poster) post(ctx context.Context, body []byte) (int, []byte, error) {
	req := wechattest.SignedRequest(p.url, token, p.aesKey, appID, body, time.Now()).WithContext(ctx)
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// check says what is wrong with an answer, or "" when it is right.
func (p *poster) check(ex exchange, status int, raw []byte) string {
	if status != http.StatusOK {
		return fmt.Sprintf("status %d: %.80q", status, raw)
	}
	if ex.want == success {
		if string(raw) != success {
			return fmt.Sprintf("want success, got %.80q", raw)
		}
		return ""
	}
	if string(raw) == success {
		return fmt.Sprintf("want a passive reply with %q, got success (pushed: slower than the reply budget?)", ex.want)
	}
	if p.aesKey != "" {
		plain, err := wechattest.DecryptReply(token, p.aesKey, appID, raw)
		if err != nil {
			return err.Error()
		}
		raw = plain
	}
	if !bytes.Contains(raw, []byte(ex.want)) {
		return fmt.Sprintf("want %q in the reply, got %.120q", ex.want, raw)
	}
	return ""
}

// phaseResult is one phase's numbers. Latencies are in milliseconds.
type phaseResult struct {
	Name         string   `json:"name"`
	Requests     int      `json:"requests"`
	Errors       int      `json:"errors"`
	Seconds      float64  `json:"seconds"`
	Throughput   float64  `json:"throughput_rps"`
	P50          float64  `json:"p50_ms"`
	P90          float64  `json:"p90_ms"`
	P99          float64  `json:"p99_ms"`
	Max          float64  `json:"max_ms"`
	ErrorSamples []string `json:"error_samples,omitempty"`
	CPU          *cpuUse  `json:"cpu_cores,omitempty"`
	Pushes       int      `json:"pushes,omitempty"`           // hotline's calls to the fake WeChat API
	PushConns    int      `json:"push_connections,omitempty"` // new TCP connections they came over
	measured     bool
}

// connStats is what one connection saw.
type connStats struct {
	latencies []time.Duration
	errors    int
	samples   []string
}

// runPhase drives one driver per connection against url until each runs
// dry or the duration is over (0: until they run dry). A request under way
// at the end finishes and counts. hotlinePID is watched for CPU use.
func runPhase(ctx context.Context, name, url, aesKey string, drivers []driver, duration time.Duration, hotlinePID int) phaseResult {
	stats := make([]connStats, len(drivers))
	var deadline time.Time
	if duration > 0 {
		deadline = time.Now().Add(duration)
	}
	var wg sync.WaitGroup
	before, haveCPU := sampleCPU(hotlinePID)
	start := time.Now()
	for i, d := range drivers {
		p := newPoster(url, aesKey)
		wg.Go(func() {
			defer p.close()
			stats[i] = drive(ctx, p, d, deadline)
		})
	}
	wg.Wait()
	r := summarise(name, stats, time.Since(start))
	if after, ok := sampleCPU(hotlinePID); ok && haveCPU {
		r.CPU = before.use(after)
	}
	return r
}

func drive(ctx context.Context, p *poster, d driver, deadline time.Time) connStats {
	s := connStats{latencies: make([]time.Duration, 0, 4096)}
	for ctx.Err() == nil {
		if !deadline.IsZero() && time.Now().After(deadline) {
			break
		}
		ex, ok := d.next()
		if !ok {
			break
		}
		begin := time.Now()
		status, raw, err := p.post(ctx, ex.body)
		s.latencies = append(s.latencies, time.Since(begin))
		problem := ""
		if err != nil {
			problem = err.Error()
		} else {
			problem = p.check(ex, status, raw)
		}
		d.done(problem == "")
		if problem != "" {
			s.errors++
			if len(s.samples) < maxSamples {
				s.samples = append(s.samples, problem)
			}
		}
	}
	return s
}

func summarise(name string, stats []connStats, elapsed time.Duration) phaseResult {
	r := phaseResult{Name: name, Seconds: elapsed.Seconds()}
	var all []time.Duration
	for _, s := range stats {
		all = append(all, s.latencies...)
		r.Errors += s.errors
		for _, sample := range s.samples {
			if len(r.ErrorSamples) < maxSamples {
				r.ErrorSamples = append(r.ErrorSamples, sample)
			}
		}
	}
	r.Requests = len(all)
	if r.Requests == 0 {
		return r
	}
	slices.Sort(all)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	at := func(q float64) float64 {
		i := int(q*float64(len(all))+0.999999) - 1
		return ms(all[max(0, min(i, len(all)-1))])
	}
	r.Throughput = float64(r.Requests) / elapsed.Seconds()
	r.P50, r.P90, r.P99, r.Max = at(0.50), at(0.90), at(0.99), ms(all[len(all)-1])
	return r
}
