package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of CPU times in /proc (USER_HZ, 100 on Linux).
const userHZ = 100

// cpuUse is how many cores each party kept busy during a phase, on
// average, from /proc (Linux only). "this process" is the load generator
// with the fake WeChat API and the ceiling server.
type cpuUse struct {
	Load     float64 `json:"load_generator"`
	Hotline  float64 `json:"hotline"`
	Postgres float64 `json:"postgres"`
	Redis    float64 `json:"redis"`
	IRQ      float64 `json:"kernel_irq"` // interrupts and softirqs: on loopback, mostly the network stack
	Other    float64 `json:"other"`      // other processes: other people's work on a shared machine
	Idle     float64 `json:"idle"`
}

// cpuSample is CPU time used so far, in ticks of 1/userHZ s.
type cpuSample struct {
	at               time.Time
	load, hotline    int64
	postgres, redis  map[int]int64 // by process: backends come and go
	total, idle, irq int64         // the machine's, over all CPUs
}

// sampleCPU reads /proc; ok is false where there is none.
func sampleCPU(hotlinePID int) (s cpuSample, ok bool) {
	s.at = time.Now()
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return s, false
	}
	line, _, _ := bytes.Cut(stat, []byte("\n"))
	fields := strings.Fields(string(line))
	for i, f := range fields[1:] {
		n, _ := strconv.ParseInt(f, 10, 64)
		s.total += n
		switch i {
		case 3, 4: // idle, iowait
			s.idle += n
		case 5, 6: // irq, softirq
			s.irq += n
		}
	}
	s.load = processTicks(os.Getpid())
	s.hotline = processTicks(hotlinePID)
	s.postgres, s.redis = map[int]int64{}, map[int]int64{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		comm, err := os.ReadFile(filepath.Join(dir, "comm"))
		if err != nil {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(dir))
		switch name := strings.TrimSpace(string(comm)); {
		case strings.HasPrefix(name, "postgres"):
			s.postgres[pid] = processTicks(pid)
		case strings.HasPrefix(name, "redis-server"):
			s.redis[pid] = processTicks(pid)
		}
	}
	return s, true
}

// grown sums what each process of after used since before; a process
// that ended in between is not counted (its time is gone with it).
func grown(before, after map[int]int64) int64 {
	var sum int64
	for pid, t := range after {
		sum += max(0, t-before[pid])
	}
	return sum
}

// processTicks is a process's user and system time, with its threads.
func processTicks(pid int) int64 {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64) // field 14 of the whole line
	stime, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	return utime + stime
}

// use is the average number of cores each party kept busy from s to e.
func (s cpuSample) use(e cpuSample) *cpuUse {
	secs := e.at.Sub(s.at).Seconds()
	if secs <= 0 {
		return nil
	}
	cores := func(ticks int64) float64 { return float64(ticks) / userHZ / secs }
	u := &cpuUse{Load: cores(e.load - s.load), Hotline: cores(e.hotline - s.hotline),
		Postgres: cores(grown(s.postgres, e.postgres)), Redis: cores(grown(s.redis, e.redis)), IRQ: cores(e.irq - s.irq),
		Idle: cores(e.idle - s.idle)}
	u.Other = max(0, cores(e.total-s.total)-u.Idle-u.IRQ-u.Load-u.Hotline-u.Postgres-u.Redis)
	return u
}
