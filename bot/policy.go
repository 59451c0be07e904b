package bot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hotline-desk/hotline/bot/sla"
)

// Policy is what an operator decides: calendars, plans, units and staff,
// from the YAML file named by HOTLINE_CONFIG or built-in defaults
// (SERVICE-PRACTICE.md). It is built once and read-only afterwards.
type Policy struct {
	Location   *time.Location
	Calendars  map[string]*sla.Calendar
	Plans      map[string]*sla.Plan
	Escalation map[string][]string // plan → roles told in order when a deadline is missed
	Units      []Unit
	Staff      []StaffSpec
	WeChat     WeChatPolicy
	Surveys    SurveyPolicy
}

// StaffSpec is a staff member as the policy file lists them.
type StaffSpec struct {
	Number         string
	Name           string
	Roles          []string
	TelegramUserID int64
	Units          []string // empty: all units
	Hours          string   // calendar name; empty: always on duty
}

// WeChatPolicy holds the official account's template messages.
type WeChatPolicy struct {
	Templates map[string]WeChatTemplate
}

// WeChatTemplate is one template message: its id in the account, and which
// template keyword each notice field fills.
type WeChatTemplate struct {
	ID     string            `yaml:"id"`
	Fields map[string]string `yaml:"fields"`
}

// Staff roles.
const (
	RoleEngineer = "engineer"
	RoleLead     = "lead"
	RoleManager  = "manager"
	RoleQuality  = "quality"
)

var knownRoles = map[string]bool{RoleEngineer: true, RoleLead: true, RoleManager: true, RoleQuality: true}

var builtinCalendars = []string{"7x24", "7x12", "5x9"}

// The file's shape. Field names are what operators write; unknown keys are
// an error so a typo is found at start, not when a ticket misses its time.
type policyFile struct {
	Timezone  string         `yaml:"timezone"`
	Holidays  holidaysYAML   `yaml:"holidays"`
	Calendars []calendarYAML `yaml:"calendars"`
	Plans     []planYAML     `yaml:"plans"`
	Units     []unitYAML     `yaml:"units"`
	Staff     []staffYAML    `yaml:"staff"`
	WeChat    struct {
		Templates map[string]WeChatTemplate `yaml:"templates"`
	} `yaml:"wechat"`
	Surveys surveysYAML `yaml:"surveys"`
}

// holidaysYAML extends China's schedule (shipped for 2025 and 2026) with
// later years, used by the built-in 5x9 calendar and calendars with
// `holidays: cn`.
type holidaysYAML struct {
	Files []string  `yaml:"files"` // holiday-cn JSON files
	Days  []dayYAML `yaml:"days"`
}

type dayYAML struct {
	Date string `yaml:"date"`
	Name string `yaml:"name"`
	Off  *bool  `yaml:"off"`
}

type calendarYAML struct {
	Name     string              `yaml:"name"`
	Timezone string              `yaml:"timezone"`
	Hours    map[string][]string `yaml:"hours"`    // "mon-fri": ["08:00-12:00", "13:00-18:00"]
	Holidays string              `yaml:"holidays"` // "cn" or empty
	Days     []dayYAML           `yaml:"days"`
}

type planYAML struct {
	Name        string              `yaml:"name"`
	Calendar    string              `yaml:"calendar"`
	Targets     map[int]targetsYAML `yaml:"targets"`
	Reminders   []float64           `yaml:"reminders"`
	Escalation  []string            `yaml:"escalation"`
	QuietExempt []int               `yaml:"quiet_exempt"`
}

type targetsYAML struct {
	Response   string `yaml:"response"`
	Resolution string `yaml:"resolution"`
	Calendar   string `yaml:"calendar"`
}

type unitYAML struct {
	Name         string `yaml:"name"`
	Plan         string `yaml:"plan"`
	ServiceStart string `yaml:"service_start"`
	ServiceEnd   string `yaml:"service_end"`
}

type staffYAML struct {
	Number         string   `yaml:"number"`
	Name           string   `yaml:"name"`
	Roles          []string `yaml:"roles"`
	TelegramUserID int64    `yaml:"telegram_user_id"`
	Units          []string `yaml:"units"`
	Hours          string   `yaml:"hours"`
}

// DefaultEscalation is the chain of a plan that names none: the lead, then
// the manager (总经理室, seed 000 6.4).
var DefaultEscalation = []string{RoleLead, RoleManager}

// LoadPolicy reads the policy file at path, or builds the defaults when
// path is empty. loc is HOTLINE_TIMEZONE; the file's timezone overrides it.
// A missing year of holiday data is logged once through log.
func LoadPolicy(path string, loc *time.Location, log *slog.Logger) (*Policy, error) {
	if path == "" {
		return ParsePolicy(nil, "", loc, log)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("HOTLINE_CONFIG: %w", err)
	}
	return ParsePolicy(data, path, loc, log)
}

// ParsePolicy builds a policy from YAML (nil: defaults). base resolves
// relative holiday file names. Errors are one line naming the field.
func ParsePolicy(data []byte, base string, loc *time.Location, log *slog.Logger) (*Policy, error) {
	var f policyFile
	if len(bytes.TrimSpace(data)) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("HOTLINE_CONFIG: %s", yamlMessage(err))
		}
	}
	b := &policyBuilder{file: &f, base: base, loc: loc, log: log, p: &Policy{}}
	if err := b.build(); err != nil {
		return nil, fmt.Errorf("HOTLINE_CONFIG: %w", err)
	}
	return b.p, nil
}

// fieldRe matches a message that starts with a field path ("plan: …",
// "roles[0]: …", "targets.2.response: …").
var fieldRe = regexp.MustCompile(`^[a-z_]+(\[\d+\]|\.[a-z_0-9]+)*:`)

// at puts a field path in front of err: "units[0]" + "plan: …" reads
// "units[0].plan: …"; any other message is joined with a colon.
func at(path string, err error) error {
	if fieldRe.MatchString(err.Error()) {
		return fmt.Errorf("%s.%w", path, err)
	}
	return fmt.Errorf("%s: %w", path, err)
}

var yamlTypeRe = regexp.MustCompile(` not found in type [\w.]+`)

// yamlMessage turns yaml.v3's multi-line errors into one line without Go
// type names.
func yamlMessage(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	s = strings.TrimPrefix(s, "unmarshal errors:")
	s = yamlTypeRe.ReplaceAllString(s, " is not a known key")
	s = strings.ReplaceAll(s, "cannot unmarshal !!", "wrong type: got ")
	return strings.Join(strings.Fields(s), " ")
}

type policyBuilder struct {
	file *policyFile
	base string
	loc  *time.Location
	log  *slog.Logger
	p    *Policy
	cn   []sla.Day // China's schedule, shipped plus the file's additions
	cnY  []int
}

func (b *policyBuilder) build() error {
	steps := []func() error{b.zone, b.holidays, b.calendars, b.plans, b.units, b.staff, b.wechat, b.surveys}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (b *policyBuilder) zone() error {
	b.p.Location = b.loc
	if b.file.Timezone == "" {
		return nil
	}
	loc, err := time.LoadLocation(b.file.Timezone)
	if err != nil {
		return fmt.Errorf("timezone: unknown zone %q", b.file.Timezone)
	}
	b.p.Location = loc
	return nil
}

func (b *policyBuilder) holidays() error {
	b.cn, b.cnY = sla.ChinaHolidays()
	for i, name := range b.file.Holidays.Files {
		year, days, err := readHolidayFile(resolve(b.base, name))
		if err != nil {
			return at(fmt.Sprintf("holidays.files[%d]", i), err)
		}
		b.cn = append(b.cn, days...)
		b.cnY = append(b.cnY, year)
	}
	days, years, err := parseDays("holidays.days", b.file.Holidays.Days)
	if err != nil {
		return err
	}
	b.cn = append(b.cn, days...)
	b.cnY = append(b.cnY, years...)
	return nil
}

func readHolidayFile(path string) (int, []sla.Day, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	return sla.ParseHolidayCN(f)
}

func resolve(base, name string) string {
	if base == "" || strings.HasPrefix(name, "/") {
		return name
	}
	dir := base[:strings.LastIndex(base, "/")+1]
	return dir + name
}

func parseDays(field string, in []dayYAML) ([]sla.Day, []int, error) {
	var days []sla.Day
	seen := map[int]bool{}
	var years []int
	for i, d := range in {
		date, err := sla.ParseDate(d.Date)
		if err != nil {
			return nil, nil, fmt.Errorf("%s[%d].date: %w", field, i, err)
		}
		if d.Off == nil {
			return nil, nil, fmt.Errorf("%s[%d].off: required (true for a day off, false for a make-up working day)", field, i)
		}
		days = append(days, sla.Day{Date: date, Name: d.Name, Off: *d.Off})
		if !seen[date.Year] {
			seen[date.Year] = true
			years = append(years, date.Year)
		}
	}
	return days, years, nil
}

// missingYear logs a year with no holiday data; each calendar calls it at
// most once per year.
func (b *policyBuilder) missingYear() func(string, int) {
	log := b.log
	return func(cal string, year int) {
		log.Warn("no holiday data for this year: counting by the weekly pattern; add the year under holidays in the policy file",
			slog.String("calendar", cal), slog.Int("year", year))
	}
}

func (b *policyBuilder) calendars() error {
	b.p.Calendars = map[string]*sla.Calendar{}
	for _, name := range builtinCalendars {
		spec, err := sla.PresetSpec(name, b.p.Location)
		if err != nil {
			return err
		}
		if spec.Days != nil {
			spec.Days, spec.Years = b.cn, b.cnY
			spec.OnMissingYear = b.missingYear()
		}
		if b.p.Calendars[name], err = sla.NewCalendar(spec); err != nil {
			return err
		}
	}
	for i, c := range b.file.Calendars {
		cal, err := b.calendar(c)
		if err != nil {
			return at(fmt.Sprintf("calendars[%d]", i), err)
		}
		b.p.Calendars[c.Name] = cal
	}
	return nil
}

func (b *policyBuilder) calendar(c calendarYAML) (*sla.Calendar, error) {
	if c.Name == "" {
		return nil, errors.New("name: required")
	}
	if _, dup := b.p.Calendars[c.Name]; dup {
		return nil, fmt.Errorf("name: %q is defined twice (7x24, 7x12 and 5x9 are built in)", c.Name)
	}
	spec := sla.CalendarSpec{Name: c.Name, Location: b.p.Location}
	if c.Timezone != "" {
		loc, err := time.LoadLocation(c.Timezone)
		if err != nil {
			return nil, fmt.Errorf("timezone: unknown zone %q", c.Timezone)
		}
		spec.Location = loc
	}
	if len(c.Hours) == 0 {
		return nil, errors.New(`hours: required, like {mon-fri: ["08:00-12:00", "13:00-18:00"]}`)
	}
	for key, windows := range c.Hours {
		if err := setHours(&spec, key, windows); err != nil {
			return nil, at("hours."+key, err)
		}
	}
	switch c.Holidays {
	case "":
	case "cn":
		spec.Days, spec.Years = append([]sla.Day(nil), b.cn...), append([]int(nil), b.cnY...)
	default:
		return nil, fmt.Errorf("holidays: %q is not known (use cn, or leave it out)", c.Holidays)
	}
	days, years, err := parseDays("days", c.Days)
	if err != nil {
		return nil, err
	}
	spec.Days = append(spec.Days, days...)
	spec.Years = append(spec.Years, years...)
	if len(spec.Days) > 0 {
		spec.OnMissingYear = b.missingYear()
	}
	return sla.NewCalendar(spec)
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// setHours reads a key such as "mon", "mon-fri" or "sat-sun" and windows
// such as "08:00-12:00".
func setHours(spec *sla.CalendarSpec, key string, windows []string) error {
	days, err := weekdayRange(key)
	if err != nil {
		return err
	}
	ws := make([]sla.Window, 0, len(windows))
	for _, w := range windows {
		win, err := parseWindow(w)
		if err != nil {
			return err
		}
		ws = append(ws, win)
	}
	for _, d := range days {
		if spec.Weekly[d] != nil {
			return fmt.Errorf("%s is given twice", d)
		}
		spec.Weekly[d] = ws
	}
	return nil
}

func weekdayRange(key string) ([]time.Weekday, error) {
	from, to, isRange := strings.Cut(strings.ToLower(key), "-")
	a, ok1 := weekdayNames[from]
	z, ok2 := weekdayNames[to]
	if !isRange {
		z, ok2 = a, ok1
	}
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%q is not a day or range of days (mon, tue, … sun; mon-fri)", key)
	}
	var out []time.Weekday
	for d := a; ; d = (d + 1) % 7 {
		out = append(out, d)
		if d == z {
			return out, nil
		}
	}
}

func parseWindow(s string) (sla.Window, error) {
	from, to, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return sla.Window{}, fmt.Errorf("%q: want a window like 08:00-12:00", s)
	}
	a, err1 := clockTime(from)
	z, err2 := clockTime(to)
	if err1 != nil || err2 != nil || z <= a {
		return sla.Window{}, fmt.Errorf("%q: want a window like 08:00-12:00 (24:00 ends the day)", s)
	}
	return sla.Window{Start: a, End: z}, nil
}

func clockTime(s string) (time.Duration, error) {
	var h, m int
	if _, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &h, &m); err != nil {
		return 0, err
	}
	if h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, errors.New("out of range")
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

func (b *policyBuilder) plans() error {
	b.p.Plans = map[string]*sla.Plan{}
	b.p.Escalation = map[string][]string{}
	for _, name := range builtinCalendars {
		plan, err := sla.NewPlan(sla.PlanSpec{Name: name, Calendar: b.p.Calendars[name], Targets: sla.DefaultTargets()})
		if err != nil {
			return err
		}
		b.p.Plans[name] = plan
		b.p.Escalation[name] = DefaultEscalation
	}
	for i, pl := range b.file.Plans {
		if err := b.plan(pl); err != nil {
			return at(fmt.Sprintf("plans[%d]", i), err)
		}
	}
	return nil
}

func (b *policyBuilder) plan(pl planYAML) error {
	if pl.Name == "" {
		return errors.New("name: required")
	}
	if _, dup := b.p.Plans[pl.Name]; dup {
		return fmt.Errorf("name: %q is defined twice (7x24, 7x12 and 5x9 are built in)", pl.Name)
	}
	cal, err := b.calendarNamed("calendar", pl.Calendar)
	if err != nil {
		return err
	}
	spec := sla.PlanSpec{Name: pl.Name, Calendar: cal, Targets: sla.DefaultTargets(), Reminders: pl.Reminders, QuietExempt: pl.QuietExempt}
	for sev, t := range pl.Targets {
		if sev < 1 || sev > sla.Severities {
			return fmt.Errorf("targets.%d: severity must be 1 to 5", sev)
		}
		if spec.Targets[sev-1], err = b.targets(t); err != nil {
			return at(fmt.Sprintf("targets.%d", sev), err)
		}
	}
	plan, err := sla.NewPlan(spec)
	if err != nil {
		return err
	}
	for j, role := range pl.Escalation {
		if !knownRoles[role] {
			return fmt.Errorf("escalation[%d]: %q is not a role (engineer, lead, manager, quality)", j, role)
		}
	}
	b.p.Plans[pl.Name] = plan
	b.p.Escalation[pl.Name] = DefaultEscalation
	if pl.Escalation != nil {
		b.p.Escalation[pl.Name] = pl.Escalation
	}
	return nil
}

func (b *policyBuilder) targets(t targetsYAML) (sla.SeverityTargets, error) {
	var out sla.SeverityTargets
	var err error
	if out.Response, err = sla.ParseTarget(t.Response); err != nil {
		return out, fmt.Errorf("response: %w", err)
	}
	if !out.Response.IsSet() {
		return out, errors.New("response: required")
	}
	if out.Resolution, err = sla.ParseTarget(t.Resolution); err != nil {
		return out, fmt.Errorf("resolution: %w", err)
	}
	if t.Calendar != "" {
		if out.Calendar, err = b.calendarNamed("calendar", t.Calendar); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (b *policyBuilder) calendarNamed(field, name string) (*sla.Calendar, error) {
	if name == "" {
		return nil, fmt.Errorf("%s: required (7x24, 7x12, 5x9 or one under calendars)", field)
	}
	cal, ok := b.p.Calendars[name]
	if !ok {
		return nil, fmt.Errorf("%s: no calendar %q (7x24, 7x12, 5x9 or one under calendars)", field, name)
	}
	return cal, nil
}

func (b *policyBuilder) units() error {
	seen := map[string]bool{}
	for i, u := range b.file.Units {
		unit, err := b.unit(u)
		if err != nil {
			return at(fmt.Sprintf("units[%d]", i), err)
		}
		if seen[unit.Name] {
			return fmt.Errorf("units[%d].name: %q is listed twice", i, unit.Name)
		}
		seen[unit.Name] = true
		b.p.Units = append(b.p.Units, unit)
	}
	return nil
}

func (b *policyBuilder) unit(u unitYAML) (Unit, error) {
	name := strings.TrimSpace(u.Name)
	if name == "" {
		return Unit{}, errors.New("name: required")
	}
	plan := u.Plan
	if plan == "" {
		plan = sla.DefaultPlan
	}
	if _, ok := b.p.Plans[plan]; !ok {
		return Unit{}, fmt.Errorf("plan: no plan %q (7x24, 7x12, 5x9 or one under plans)", plan)
	}
	out := Unit{Name: name, Plan: plan}
	var err error
	if out.ServiceStart, err = optionalDate("service_start", u.ServiceStart); err != nil {
		return Unit{}, err
	}
	if out.ServiceEnd, err = optionalDate("service_end", u.ServiceEnd); err != nil {
		return Unit{}, err
	}
	if out.ServiceStart != nil && out.ServiceEnd != nil && out.ServiceEnd.Before(*out.ServiceStart) {
		return Unit{}, errors.New("service_end: before service_start")
	}
	return out, nil
}

func optionalDate(field, s string) (*sla.Date, error) {
	if s == "" {
		return nil, nil
	}
	d, err := sla.ParseDate(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	return &d, nil
}

func (b *policyBuilder) staff() error {
	numbers := map[string]bool{}
	for i, s := range b.file.Staff {
		spec, err := b.staffMember(s)
		if err != nil {
			return at(fmt.Sprintf("staff[%d]", i), err)
		}
		if numbers[spec.Number] {
			return fmt.Errorf("staff[%d].number: %q is listed twice", i, spec.Number)
		}
		numbers[spec.Number] = true
		b.p.Staff = append(b.p.Staff, spec)
	}
	return nil
}

func (b *policyBuilder) staffMember(s staffYAML) (StaffSpec, error) {
	if strings.TrimSpace(s.Number) == "" {
		return StaffSpec{}, errors.New(`number: required (the staff number, 工号, quoted like "007")`)
	}
	if strings.TrimSpace(s.Name) == "" {
		return StaffSpec{}, errors.New("name: required")
	}
	if len(s.Roles) == 0 {
		return StaffSpec{}, errors.New("roles: at least one of engineer, lead, manager, quality")
	}
	for j, r := range s.Roles {
		if !knownRoles[r] {
			return StaffSpec{}, fmt.Errorf("roles[%d]: %q is not a role (engineer, lead, manager, quality)", j, r)
		}
	}
	if s.Hours != "" {
		if _, ok := b.p.Calendars[s.Hours]; !ok {
			return StaffSpec{}, fmt.Errorf("hours: no calendar %q", s.Hours)
		}
	}
	for j, u := range s.Units {
		if !b.hasUnit(u) {
			return StaffSpec{}, fmt.Errorf("units[%d]: %q is not under units", j, u)
		}
	}
	return StaffSpec{Number: strings.TrimSpace(s.Number), Name: strings.TrimSpace(s.Name), Roles: s.Roles,
		TelegramUserID: s.TelegramUserID, Units: s.Units, Hours: s.Hours}, nil
}

// CheckStaff checks a staff member added outside the file (hotline staff
// add) by the file's rules.
func (p *Policy) CheckStaff(s StaffSpec) error {
	b := &policyBuilder{p: p}
	_, err := b.staffMember(staffYAML{Number: s.Number, Name: s.Name, Roles: s.Roles, Units: s.Units, Hours: s.Hours})
	return err
}

func (b *policyBuilder) hasUnit(name string) bool {
	for _, u := range b.p.Units {
		if u.Name == strings.TrimSpace(name) {
			return true
		}
	}
	return false
}

func (b *policyBuilder) wechat() error {
	for kind, t := range b.file.WeChat.Templates {
		if t.ID == "" {
			return fmt.Errorf("wechat.templates.%s.id: required", kind)
		}
	}
	b.p.WeChat.Templates = b.file.WeChat.Templates
	return nil
}

// Unit finds a unit of the policy by name, matched as UnitKey matches (the
// last one listed wins, as it does when SyncUnits stores them).
func (p *Policy) Unit(name string) (Unit, bool) {
	key := UnitKey(name)
	for i := len(p.Units) - 1; i >= 0; i-- {
		if UnitKey(p.Units[i].Name) == key {
			return p.Units[i], true
		}
	}
	return Unit{}, false
}

// Plan returns the named plan, or an error naming the ones there are.
func (p *Policy) Plan(name string) (*sla.Plan, error) {
	if plan, ok := p.Plans[name]; ok {
		return plan, nil
	}
	names := make([]string, 0, len(p.Plans))
	for n := range p.Plans {
		names = append(names, n)
	}
	return nil, fmt.Errorf("no plan %q (have %s)", name, strings.Join(slices.Sorted(slices.Values(names)), ", "))
}
