// Package report is the monthly service report (《系统服务月报》, seed 001
// 4.7.7; seed 003 6.4): the month's tickets by kind, severity, channel and
// status, the SLA kept and missed, response and resolution times, the
// frequent problems, the service tickets (《系统服务单》), the staff table
// (《人员情况统计表》), the revisit table (《用户回访统计表》) and a 12-month
// trend. Build computes the figures from facts the store reads; the
// adapters render them (XLSX, CSV, HTML) and the delivery job sends them on
// the first working day of the next month.
package report

import (
	"time"
)

// Monthly is one month's report, for one unit or for all of them. Every
// time is in the policy's zone; durations are nanoseconds in JSON.
type Monthly struct {
	Month       string    `json:"month"` // 2026-11
	Title       string    `json:"title"` // 2026年11月系统服务月报（单位）
	Unit        string    `json:"unit"`  // "" for all units
	From        time.Time `json:"from"`  // the month is [From, To)
	To          time.Time `json:"to"`
	GeneratedAt time.Time `json:"generated_at"` // the deadlines not yet due at this time are pending
	Summary     Summary   `json:"summary"`
	SLA         SLA       `json:"sla"`
	Times       Times     `json:"times"`
	Problems    Problems  `json:"problems"`
	Tickets     []Row     `json:"tickets"` // 系统服务单: the month's tickets, by number
	Staff       []Staff   `json:"staff"`   // 人员情况统计表
	Revisits    Revisits  `json:"revisits"`
	OnSite      OnSite    `json:"on_site"`
	Daily       []Day     `json:"daily"` // every day of the month
	Trend       []Trend   `json:"trend"` // the 12 months ending with this one, oldest first
}

// Empty reports whether the month had nothing to report: no ticket
// opened, resolved or open at its end, and no survey delivered (a revisit
// round of older tickets is worth its tables). The report then says so
// instead of showing empty tables.
func (m *Monthly) Empty() bool {
	return m.Summary.Opened == 0 && m.Summary.Resolved == 0 && m.Summary.OpenAtEnd == 0 &&
		m.Revisits.Total.Asked == 0 && len(m.Staff) == 0
}

// Count is how many tickets have one value of a field.
type Count struct {
	Key   string `json:"key"`   // the stored value: fault, 1, phone, resolved
	Label string `json:"label"` // as people read it: 故障, 紧急, 电话, 已解决
	N     int    `json:"n"`
}

// Summary counts the month's tickets. Opened: reported in the month;
// Resolved: resolved in the month, whenever reported; OpenAtEnd: reported
// before the month's end and not resolved by then. The breakdowns count
// the tickets opened in the month, with their status as the report is
// made.
type Summary struct {
	Opened     int     `json:"opened"`
	Resolved   int     `json:"resolved"`
	OpenAtEnd  int     `json:"open_at_end"`
	ByKind     []Count `json:"by_kind"`
	BySeverity []Count `json:"by_severity"`
	ByChannel  []Count `json:"by_channel"`
	ByStatus   []Count `json:"by_status"`
}

// OnTime counts the deadlines of one goal: Met kept it, Missed did not (or
// has passed it unmet); deadlines still ahead are Pending and count in
// neither.
type OnTime struct {
	Met     int `json:"met"`
	Missed  int `json:"missed"`
	Pending int `json:"pending"`
}

// Decided is Met + Missed: the deadlines the percentage is taken of.
func (o OnTime) Decided() int { return o.Met + o.Missed }

// Rate is Met / Decided; ok false with nothing decided.
func (o OnTime) Rate() (float64, bool) {
	if o.Decided() == 0 {
		return 0, false
	}
	return float64(o.Met) / float64(o.Decided()), true
}

// SeverityOnTime is the SLA of one severity.
type SeverityOnTime struct {
	Severity   int    `json:"severity"`
	Label      string `json:"label"`
	Response   OnTime `json:"response"`
	Resolution OnTime `json:"resolution"`
}

// SLA is the month's tickets against their committed times.
type SLA struct {
	Response   OnTime           `json:"response"`
	Resolution OnTime           `json:"resolution"`
	BySeverity []SeverityOnTime `json:"by_severity"` // severities 1-5, each listed
	Breaches   []Breach         `json:"breaches"`    // by ticket, response before resolution
}

// Breach is one missed deadline.
type Breach struct {
	Ticket      int64         `json:"ticket"`
	Unit        string        `json:"unit"`
	Severity    int           `json:"severity"`
	Goal        string        `json:"goal"`       // response or resolution
	GoalLabel   string        `json:"goal_label"` // 响应 or 解决
	Due         time.Time     `json:"due"`
	Actual      *time.Time    `json:"actual"` // nil: still not met when the report was made
	Late        time.Duration `json:"late"`   // wall time past the deadline (to the report's time when unmet)
	Escalations int           `json:"escalations"`
	Staff       string        `json:"staff"`
}

// Spread is the median and 90th percentile of a set of durations, in
// business time on each ticket's calendar (less the time paused) and in
// wall time.
type Spread struct {
	N              int           `json:"n"`
	BusinessMedian time.Duration `json:"business_median"`
	BusinessP90    time.Duration `json:"business_p90"`
	WallMedian     time.Duration `json:"wall_median"`
	WallP90        time.Duration `json:"wall_p90"`
}

// Times are how long the month's tickets took to be answered and solved.
type Times struct {
	Response   Spread `json:"response"`
	Resolution Spread `json:"resolution"`
}

// Problems are the frequent problems: categories ranked, and groups of
// tickets whose descriptions read alike.
type Problems struct {
	Categories []Count `json:"categories"` // most tickets first; 未分类 last
	Groups     []Group `json:"groups"`     // biggest first, two tickets or more each
}

// Group is a set of tickets with similar descriptions.
type Group struct {
	Sample  string  `json:"sample"` // the first ticket's description, shortened
	Tickets []int64 `json:"tickets"`
}

// Row is one service ticket (系统服务单) with every field of the form.
type Row struct {
	Ticket      int64      `json:"ticket"`
	StaffName   string     `json:"staff_name"`
	StaffNumber string     `json:"staff_number"`
	Customer    string     `json:"customer"`
	Unit        string     `json:"unit"`
	Room        string     `json:"room"`
	ReportedAt  time.Time  `json:"reported_at"`
	ResolvedAt  *time.Time `json:"resolved_at"`
	Handling    string     `json:"handling"` // 电话, 远程 or 现场; "" while unresolved
	Problem     string     `json:"problem"`
	Resolution  string     `json:"resolution"`
	Kind        string     `json:"kind"` // 故障, 咨询, 日常维护, 升级补丁
	Category    string     `json:"category"`
	Severity    int        `json:"severity"`
	Channel     string     `json:"channel"` // 微信, 电话, ...
	Status      string     `json:"status"`
}

// Staff is one line of the staff statistics table: tickets closed in the
// month, and the surveys about their tickets delivered in the month, rated
// by the rules of hotline survey stats.
type Staff struct {
	Number       string   `json:"number"`
	Name         string   `json:"name"`
	Services     int      `json:"services"`
	Delivered    int      `json:"delivered"`
	Answered     int      `json:"answered"`
	Satisfied    int      `json:"satisfied"`
	Satisfaction *float64 `json:"satisfaction"` // nil without answers
	Rating       string   `json:"rating"`       // 好, 较好, 一般, — (too few answers)
}

// Tally is one line of the revisit table: surveys asked (delivered),
// answered, and satisfied (满意 or 较满意).
type Tally struct {
	Label         string   `json:"label"`
	Asked         int      `json:"asked"`
	Answered      int      `json:"answered"`
	Satisfied     int      `json:"satisfied"`
	Participation *float64 `json:"participation"` // nil: nothing asked
	Satisfaction  *float64 `json:"satisfaction"`  // nil: nothing answered
	MeetsTarget   *bool    `json:"meets_target"`  // nil: nothing answered
}

// Question is one question's answers in the month's surveys.
type Question struct {
	Key     string  `json:"key"`
	Text    string  `json:"text"`
	Answers int     `json:"answers"`
	Values  []Count `json:"values"` // by value, as the questionnaire orders them
}

// Revisits is the revisit statistics table (《用户回访统计表》): the
// surveys delivered in the month, after tickets and in revisit rounds.
type Revisits struct {
	Target      float64    `json:"target"` // satisfaction target (0.9)
	Total       Tally      `json:"total"`
	AfterTicket Tally      `json:"after_ticket"`
	Rounds      []Tally    `json:"rounds"` // one per round with surveys delivered in the month
	Questions   []Question `json:"questions"`
}

// Day is one day of the month: tickets reported and resolved.
type Day struct {
	Date     string `json:"date"` // 2026-11-03
	Opened   int    `json:"opened"`
	Resolved int    `json:"resolved"`
}

// Trend is one month of the 12-month trend.
type Trend struct {
	Month        string   `json:"month"` // 2026-11
	Opened       int      `json:"opened"`
	OnTime       *float64 `json:"on_time"`      // response and resolution deadlines met / decided; nil: none decided
	Satisfaction *float64 `json:"satisfaction"` // nil: no answers
}

// OnSite is the month's on-site visits against the times promised, and the
// recurring work (巡检, 电话回访, 日常维护) owed against what was done, per
// unit, with a total (Unit 合计) last. Both count the month's tickets.
type OnSite struct {
	Visits      []VisitLine  `json:"visits"`
	Maintenance []UpkeepLine `json:"maintenance"`
}

// VisitLine counts one unit's visits: promised (a visit time set), on time
// (arrived by it), late (arrived after it, or not arrived when it passed),
// pending (not yet due). A visit made moot by a remote resolution before
// its time is not counted.
type VisitLine struct {
	Unit     string `json:"unit"`
	Promised int    `json:"promised"`
	OnTime   int    `json:"on_time"`
	Late     int    `json:"late"`
	Pending  int    `json:"pending"`
}

// UpkeepLine counts one unit's recurring work of one kind: owed (opened in
// the month), done in time, late (done after its last day, or not done
// when it passed), open (not yet due).
type UpkeepLine struct {
	Unit string `json:"unit"`
	Kind string `json:"kind"`
	Owed int    `json:"owed"`
	Done int    `json:"done"`
	Late int    `json:"late"`
	Open int    `json:"open"`
}

// TotalLabel is the unit of a table's total line.
const TotalLabel = "合计"
