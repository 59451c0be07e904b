package web

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// JobMetrics counts the scheduler's work for Prometheus; it implements
// bot.JobMetrics.
type JobMetrics struct {
	done      *prometheus.CounterVec
	late      *prometheus.HistogramVec
	failed    *prometheus.CounterVec
	escalated prometheus.Counter
}

// NewJobMetrics registers the scheduler's metrics; due, when given, is
// asked on every scrape how many jobs are due and not done.
func NewJobMetrics(reg *prometheus.Registry, due func() float64) *JobMetrics {
	m := &JobMetrics{
		done: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotline_jobs_done_total", Help: "Scheduled jobs carried out, by kind and outcome (sent, skipped, failed).",
		}, []string{"kind", "outcome"}),
		late: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "hotline_jobs_lateness_seconds", Help: "How long after its due time a job was carried out.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}, []string{"kind"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotline_jobs_failed_attempts_total", Help: "Attempts at scheduled jobs that failed and will be retried or given up.",
		}, []string{"kind"}),
		escalated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hotline_escalations_total", Help: "Escalations sent: missed deadlines and complaints.",
		}),
	}
	reg.MustRegister(m.done, m.late, m.failed, m.escalated)
	if due != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "hotline_jobs_due", Help: "Scheduled jobs due now and not yet carried out.",
		}, due))
	}
	return m
}

// JobDone records a job carried out.
func (m *JobMetrics) JobDone(kind, outcome string, late time.Duration) {
	m.done.WithLabelValues(kind, outcome).Inc()
	if outcome != "skipped" {
		m.late.WithLabelValues(kind).Observe(max(late, 0).Seconds())
	}
}

// JobFailed records a failed attempt.
func (m *JobMetrics) JobFailed(kind string) { m.failed.WithLabelValues(kind).Inc() }

// Escalated records an escalation sent.
func (m *JobMetrics) Escalated() { m.escalated.Inc() }

// RegisterCalendar exposes the last year of official holiday data, asked on
// every scrape: an operator alerts when the year ahead is not yet in it.
func RegisterCalendar(reg *prometheus.Registry, officialThrough func() float64) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "hotline_calendar_official_through",
		Help: "The last year whose official holiday schedule Hotline has; promises beyond it count the statutory holidays only (provisional).",
	}, officialThrough))
}
