package policy

import (
	"log/slog"
	"time"

	"github.com/hotline-desk/hotline/conversation"
)

// File is the policy file's shape. Field names are what operators write
// (the yaml tags); adapters/policyfile decodes them strictly, so an unknown
// key is an error and a typo is found at start, not when a ticket misses
// its time.
type File struct {
	Timezone  string         `yaml:"timezone"`
	Holidays  HolidaysFile   `yaml:"holidays"`
	Calendars []CalendarFile `yaml:"calendars"`
	Plans     []PlanFile     `yaml:"plans"`
	Units     []UnitFile     `yaml:"units"`
	Staff     []StaffFile    `yaml:"staff"`
	Surveys   SurveysFile    `yaml:"surveys"`
	// Categories are the fault categories engineers pick from when they
	// resolve a ticket; absent: DefaultCategories.
	Categories []string `yaml:"categories"`
}

// HolidaysFile extends China's schedule (shipped for 2025 and 2026) with
// later years, used by the built-in 5x9 calendar and calendars with
// `holidays: cn`. A year counts as known only from a complete source: a
// holiday-cn file, or a years entry that says it is complete. Days add to
// a year and never complete it; a year not complete counts the statutory
// holidays, provisionally.
type HolidaysFile struct {
	Files []string          `yaml:"files"` // holiday-cn JSON files
	Years []HolidayYearFile `yaml:"years"`
	Days  []DayFile         `yaml:"days"`
}

// HolidayYearFile is one year of China's schedule written out by hand.
type HolidayYearFile struct {
	Year     int       `yaml:"year"`
	Complete bool      `yaml:"complete"` // every day off and make-up day of the year is listed
	Days     []DayFile `yaml:"days"`
}

// DayFile is one holiday or make-up working day.
type DayFile struct {
	Date string `yaml:"date"`
	Name string `yaml:"name"`
	Off  *bool  `yaml:"off"`
}

// CalendarFile is a calendar of service hours.
type CalendarFile struct {
	Name     string              `yaml:"name"`
	Timezone string              `yaml:"timezone"`
	Hours    map[string][]string `yaml:"hours"`    // "mon-fri": ["08:00-12:00", "13:00-18:00"]
	Holidays string              `yaml:"holidays"` // "cn" or empty
	Days     []DayFile           `yaml:"days"`
}

// PlanFile is a service plan.
type PlanFile struct {
	Name        string              `yaml:"name"`
	Calendar    string              `yaml:"calendar"`
	Targets     map[int]TargetsFile `yaml:"targets"`
	Reminders   []float64           `yaml:"reminders"`
	Escalation  []string            `yaml:"escalation"`
	QuietExempt []int               `yaml:"quiet_exempt"`
	// Channels are targets per intake channel (wechat, phone, email,
	// visit, other) on top of the severity's: the strictest wins.
	Channels map[string]ChannelFile `yaml:"channels"`
	// OutOfHours is the commitment to urgent requests made outside
	// service hours.
	OutOfHours *OutOfHoursFile `yaml:"out_of_hours"`
	// OnSite is the time within which an engineer is on site once a
	// visit is decided (需上门): 24h, 2d, wall 24h.
	OnSite string `yaml:"on_site"`
}

// ChannelFile is a plan's targets for one intake channel.
type ChannelFile struct {
	Response   string `yaml:"response"`
	Resolution string `yaml:"resolution"`
}

// OutOfHoursFile is a plan's commitment to urgent requests made outside
// service hours.
type OutOfHoursFile struct {
	Severities []int  `yaml:"severities"`
	Response   string `yaml:"response"`
	Resolution string `yaml:"resolution"`
}

// TargetsFile is a plan's targets for one severity.
type TargetsFile struct {
	Response   string `yaml:"response"`
	Resolution string `yaml:"resolution"`
	Calendar   string `yaml:"calendar"`
}

// UnitFile is a customer organisation.
type UnitFile struct {
	Name         string `yaml:"name"`
	Plan         string `yaml:"plan"`
	ServiceStart string `yaml:"service_start"`
	ServiceEnd   string `yaml:"service_end"`
	// Maintenance lists the recurring work the unit is owed.
	Maintenance []ObligationFile `yaml:"maintenance"`
}

// ObligationFile is one piece of recurring work: {kind: 巡检, every:
// month, on_site: true}.
type ObligationFile struct {
	Kind   string `yaml:"kind"`
	Every  string `yaml:"every"`
	OnSite bool   `yaml:"on_site"`
}

// StaffFile is a staff member.
type StaffFile struct {
	Number         string   `yaml:"number"`
	Name           string   `yaml:"name"`
	Roles          []string `yaml:"roles"`
	TelegramUserID int64    `yaml:"telegram_user_id"`
	Units          []string `yaml:"units"`
	Hours          string   `yaml:"hours"`
}

// SurveysFile is the surveys key.
type SurveysFile struct {
	Target         string              `yaml:"target"`
	Expiry         string              `yaml:"expiry"`
	Reminder       string              `yaml:"reminder"`
	SendRate       *float64            `yaml:"send_rate"`
	MonthlyCap     *int                `yaml:"monthly_cap"`
	AfterTicket    string              `yaml:"after_ticket"`
	StaffRating    StaffRatingFile     `yaml:"staff_rating"`
	Questionnaires []QuestionnaireFile `yaml:"questionnaires"`
}

// StaffRatingFile sets the staff statistics table's thresholds.
type StaffRatingFile struct {
	Good       string `yaml:"good"`
	Fair       string `yaml:"fair"`
	MinAnswers *int   `yaml:"min_answers"`
}

// QuestionnaireFile is a survey form.
type QuestionnaireFile struct {
	Name      string                  `yaml:"name"`
	Title     string                  `yaml:"title"`
	Questions []conversation.Question `yaml:"questions"`
}

// Options are what building a policy needs besides the file.
type Options struct {
	// Location is HOTLINE_TIMEZONE; the file's timezone overrides it.
	Location *time.Location
	// Log hears of a year without holiday data, once per calendar and year.
	Log *slog.Logger
	// ReadFile reads a file the policy names (holidays.files); nil: the
	// policy may name none.
	ReadFile func(name string) ([]byte, error)
}
