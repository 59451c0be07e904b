package reportfile

import (
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot/report"
)

// BenchmarkWriteXLSX100k writes a month of 100,000 tickets. Besides B/op
// (everything allocated, garbage included) it reports live-MB: the most
// memory the writing kept live at once, as measured after each garbage
// collection, above the fixture's. That is what the stream writer keeps
// flat: it holds at most 16 MB of a sheet before it moves it to a
// temporary file.
func BenchmarkWriteXLSX100k(b *testing.B) { benchWrite(b, 100_000, WriteXLSX) }

// BenchmarkWriteXLSX10k is the same with a tenth of the tickets, to compare.
func BenchmarkWriteXLSX10k(b *testing.B) { benchWrite(b, 10_000, WriteXLSX) }

// BenchmarkWriteCSV100k writes the same month as CSV.
func BenchmarkWriteCSV100k(b *testing.B) { benchWrite(b, 100_000, WriteCSV) }

func benchWrite(b *testing.B, tickets int, write func(io.Writer, *report.Monthly) error) {
	m := bigMonth(tickets)
	runtime.GC()
	base := liveBytes()
	peak := watchLive()
	var out countingWriter
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := write(&out, m); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peak()-base)/(1<<20), "live-MB")
	b.ReportMetric(float64(out.n)/float64(b.N)/(1<<20), "file-MB")
}

// bigMonth is november with its tickets repeated up to n.
func bigMonth(n int) *report.Monthly {
	m := november()
	seed := m.Tickets
	m.Tickets = make([]report.Row, n)
	for i := range m.Tickets {
		r := seed[i%len(seed)]
		r.Ticket = int64(1000 + i)
		r.Customer = fmt.Sprintf("客户%d", i%500)
		r.ReportedAt = r.ReportedAt.Add(time.Duration(i) * time.Second)
		m.Tickets[i] = r
	}
	return m
}

// watchLive samples the live heap until the returned function is called,
// which reports the highest sample.
func watchLive() func() uint64 {
	var (
		mu   sync.Mutex
		peak uint64
	)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			mu.Lock()
			peak = max(peak, liveBytes())
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// liveBytes is the heap found live by the last garbage collection.
func liveBytes() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// countingWriter counts what is written to it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
