package sandbox

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hotline-desk/hotline/adapters/policyfile"
	"github.com/hotline-desk/hotline/bot"
)

func parseDemo(t *testing.T, now time.Time) *policyfile.Settings {
	t.Helper()
	data, err := Policy(now)
	if err != nil {
		t.Fatal(err)
	}
	s, err := policyfile.Parse(data, "", shanghai(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("the demo policy at %v does not parse: %v\n%s", now, err, data)
	}
	return s
}

func TestDemoPolicyParsesAllYear(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC),
		time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC),
	} {
		parseDemo(t, now)
	}
}

func TestDemoPolicyHasTheFourContracts(t *testing.T) {
	now := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)
	p := parseDemo(t, now).Policy
	plans := map[string]bool{}
	for _, u := range p.Units {
		plans[u.Plan] = true
		start, end := u.ServiceStart.In(shanghai()), u.ServiceEnd.In(shanghai()).AddDate(0, 0, 1)
		if now.Before(start) || !now.Before(end) {
			t.Errorf("unit %s is outside its free service period at %v", u.Name, now)
		}
	}
	want := []string{"公积金7x24", "政务7x12", "财政5x9", "质保7x24"}
	if diff := cmp.Diff(want, slices.Sorted(maps.Keys(plans))); diff != "" {
		t.Errorf("the units' plans (-want +got):\n%s", diff)
	}
	for _, name := range want {
		if _, ok := p.Plans[name]; !ok {
			t.Errorf("plan %s missing", name)
		}
	}
}

func TestDemoStaffAndCustomersMatchThePolicy(t *testing.T) {
	p := parseDemo(t, time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)).Policy
	if len(p.Staff) != len(Staff) {
		t.Fatalf("policy has %d staff, the page %d", len(p.Staff), len(Staff))
	}
	for i, s := range p.Staff {
		got := s.Staff(time.Time{})
		want := Staff[i]
		if got.Number != want.ID || got.Name != want.Name || got.TelegramUserID == nil || *got.TelegramUserID != want.TelegramID ||
			!slices.Contains(got.Roles(), want.Role) {
			t.Errorf("staff %d: policy %+v, page %+v", i, got, want)
		}
	}
	units := map[string]bool{}
	for _, u := range p.Units {
		units[u.Name] = true
	}
	for _, c := range Customers {
		if !units[c.Unit] {
			t.Errorf("customer %s's unit %s is not in the policy", c.Label, c.Unit)
		}
	}
}

func TestEveryDemoTemplateHasItsLook(t *testing.T) {
	s := parseDemo(t, time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC))
	for _, kind := range []string{"ticket", "survey", "renewal", "report", "upkeep"} {
		tpl, ok := s.WeChatTemplates[kind]
		if !ok {
			t.Errorf("no %s template", kind)
			continue
		}
		look, ok := templateLooks[tpl.ID]
		if !ok {
			t.Errorf("template %s (%s) has no title and names", kind, tpl.ID)
			continue
		}
		var named []string
		for _, kw := range look.Keywords {
			named = append(named, kw[0])
		}
		if diff := cmp.Diff(slices.Sorted(maps.Values(tpl.Fields)), slices.Sorted(slices.Values(named))); diff != "" {
			t.Errorf("template %s: keywords (-policy +look):\n%s", kind, diff)
		}
	}
}

// fakeStore is the store's reads for StoreDesk.
type fakeStore struct {
	tickets []bot.Ticket
	jobs    []bot.Job
}

func (f fakeStore) ActiveTickets(context.Context, *int64) ([]bot.Ticket, error) {
	return f.tickets, nil
}
func (f fakeStore) PendingJobs(_ context.Context, n int) ([]bot.Job, error) {
	return f.jobs[:min(n, len(f.jobs))], nil
}

func TestStoreDeskReadsTicketsAndJobs(t *testing.T) {
	at := testStart
	responded, visit, resolution := at.Add(20*time.Minute), at.Add(4*time.Hour), at.Add(24*time.Hour)
	ticket := int64(12)
	store := fakeStore{
		tickets: []bot.Ticket{{ID: 12, UnitName: "大庆市住房公积金管理中心", Plan: "公积金7x24", Severity: 1, Status: bot.StatusAcknowledged,
			StaffName: "李工", ResponseDue: at.Add(2 * time.Hour), RespondedAt: &responded, VisitDue: &visit, ResolutionDue: &resolution}},
		jobs: []bot.Job{{ID: 5, Kind: bot.JobRemind, TicketID: &ticket, DueAt: at.Add(time.Hour)}, {ID: 6, Kind: bot.JobRenewal, Ref: "示范市财政局", DueAt: at.Add(48 * time.Hour)}},
	}
	d := StoreDesk(store, store)
	tickets, err := d.Tickets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []TicketLine{{ID: 12, Unit: "大庆市住房公积金管理中心", Plan: "公积金7x24", Severity: 1, Status: "处理中", Assignee: "李工",
		Deadlines: []Deadline{{"响应", at.Add(2 * time.Hour), true}, {"到场", visit, false}, {"解决", resolution, false}},
		Next:      visit, NextLabel: "到场时限"}}
	if diff := cmp.Diff(want, tickets); diff != "" {
		t.Errorf("tickets (-want +got):\n%s", diff)
	}
	jobs, err := d.Jobs(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]JobLine{{ID: 5, Kind: "remind", Ticket: 12, Due: at.Add(time.Hour)}}, jobs); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
}
