package web

import (
	"math"
	"sync"
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

// ChannelMetrics counts what the platforms did with Hotline's messages, so
// an operator alerts when refusals rise.
type ChannelMetrics struct{ wechat, telegram *prometheus.CounterVec }

// NewChannelMetrics registers the channels' counters.
func NewChannelMetrics(reg *prometheus.Registry) *ChannelMetrics {
	m := &ChannelMetrics{
		wechat: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotline_wechat_sends_total",
			Help: "Messages pushed to customers, by outcome: sent, refused (for good: unsubscribed, the window closed without a template, a template refused) or failed (may pass).",
		}, []string{"outcome"}),
		telegram: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotline_telegram_sends_total",
			Help: "Outbox deliveries to staff, by outcome: sent, throttled (flood control), retried, given_up (refused for good).",
		}, []string{"outcome"}),
	}
	reg.MustRegister(m.wechat, m.telegram)
	return m
}

// WeChat records a push's outcome.
func (m *ChannelMetrics) WeChat(outcome string) { m.wechat.WithLabelValues(outcome).Inc() }

// Telegram records a delivery's outcome.
func (m *ChannelMetrics) Telegram(outcome string) { m.telegram.WithLabelValues(outcome).Inc() }

// RegisterOutbox exposes the staff messages still to deliver, asked on
// every scrape.
func RegisterOutbox(reg *prometheus.Registry, pending func() float64) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "hotline_telegram_outbox_pending", Help: "Messages to staff stored and not yet delivered (nor given up).",
	}, pending))
}

// RegisterSatisfaction exposes this month's survey satisfaction, the
// answers it counts, and the target, so an operator alerts below it. month
// is asked at most every five minutes (by now), however often Prometheus
// scrapes; when it fails the gauges read NaN.
func RegisterSatisfaction(reg *prometheus.Registry, target float64, now func() time.Time, compute func() (satisfaction, answered float64, err error)) {
	var mu sync.Mutex
	var at time.Time
	var sat, n float64
	month := func() (float64, float64) {
		mu.Lock()
		defer mu.Unlock()
		if t := now(); at.IsZero() || t.Sub(at) >= 5*time.Minute {
			var err error
			if sat, n, err = compute(); err != nil {
				return math.NaN(), math.NaN() // asked again at the next scrape
			}
			at = t
		}
		return sat, n
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "hotline_survey_satisfaction", Help: "This month's satisfaction: (满意 + 较满意) / answered; NaN with no answers.",
		}, func() float64 { s, _ := month(); return s }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "hotline_survey_answered", Help: "Surveys answered this month (delivered this month).",
		}, func() float64 { _, n := month(); return n }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "hotline_survey_satisfaction_target", Help: "The satisfaction the policy sets as the target (surveys.target).",
		}, func() float64 { return target }))
}
