package bot

import "time"

// Metrics observes the desk (Prometheus in production). The scheduler's
// workers call it concurrently.
type Metrics interface {
	JobDone(kind, outcome string, late time.Duration)
	JobFailed(kind string)
	Escalated()
}

// NoMetrics observes nothing.
type NoMetrics struct{}

func (NoMetrics) JobDone(string, string, time.Duration) {}
func (NoMetrics) JobFailed(string)                      {}
func (NoMetrics) Escalated()                            {}
