// Package web serves Hotline's operational HTTP endpoints (health,
// readiness, metrics) and wraps every route with request metrics.
package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Checker is something /readyz asks: the database, Redis.
type Checker struct {
	Name string
	Ping func(ctx context.Context) error
}

// Server is the HTTP mux with metrics on every route.
type Server struct {
	mux      *http.ServeMux
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// New builds the mux with /healthz, /readyz and /metrics. The registry
// already carries the Go runtime and process collectors the caller wants.
func New(registry *prometheus.Registry, checks []Checker) *Server {
	s := &Server{
		mux:      http.NewServeMux(),
		registry: registry,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotline_http_requests_total",
			Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hotline_http_request_duration_seconds",
			Help:    "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
	}
	registry.MustRegister(s.requests, s.latency)
	s.Handle("GET /healthz", http.HandlerFunc(healthz))
	s.Handle("GET /readyz", readyz(checks))
	s.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{Registry: registry}))
	return s
}

// Handle registers h at pattern (a net/http ServeMux pattern) and measures it
// under the pattern's name.
func (s *Server) Handle(pattern string, h http.Handler) {
	route := pattern
	s.mux.Handle(pattern, s.measure(route, h))
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) measure(route string, h http.Handler) http.Handler {
	counter := s.requests.MustCurryWith(prometheus.Labels{"route": route})
	observer := s.latency.WithLabelValues(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(rec, r)
		observer.Observe(time.Since(start).Seconds())
		counter.WithLabelValues(strconv.Itoa(rec.code)).Inc()
	})
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz answers 200 when every checker answers within two seconds, and
// 503 with the failing names otherwise. Error details stay in the body for
// the operator; they carry no secrets (connection errors only).
func readyz(checks []Checker) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		status := map[string]string{}
		code := http.StatusOK
		for _, c := range checks {
			if err := c.Ping(ctx); err != nil {
				status[c.Name] = "unavailable"
				code = http.StatusServiceUnavailable
				continue
			}
			status[c.Name] = "ok"
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(status)
	})
}

// Probe asks url (a /healthz or /readyz) and returns nil when it answers
// 200 within 3 seconds: the client side of the health endpoints, for
// hotline health and hotline doctor.
func Probe(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("answered %s", resp.Status)
	}
	return nil
}
