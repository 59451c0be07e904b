package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

func TestRoundCandidatesAndClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		nov := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		c1, t1 := servedTicket(t, db, "o1", "007", 2, nov.Add(24*time.Hour))
		servedTicket(t, db, "o2", "008", 3, nov.Add(48*time.Hour))
		servedTicket(t, db, "o3", "007", 2, nov.Add(-time.Hour)) // October
		db.SetSurveyOptOut(ctx, c1.ID, true, nov)
		q := survey.RoundQuery{From: nov, To: nov.AddDate(0, 1, 0), MonthFrom: nov.AddDate(0, 1, 0), MonthTo: nov.AddDate(0, 2, 0)}
		all, err := db.RoundCandidates(ctx, q)
		if err != nil || len(all) != 2 || !all[0].OptedOut || all[1].OptedOut || all[0].TicketID != t1.ID {
			t.Fatalf("candidates = %+v, %v", all, err)
		}
		q.Engineer, q.Severities = "007", []int{2}
		if got, _ := db.RoundCandidates(ctx, q); len(got) != 1 || got[0].StaffNumber != "007" {
			t.Fatalf("engineer 007, severity 2: %+v", got)
		}

		now := nov.AddDate(0, 1, 0)
		r := &survey.Round{Questionnaire: "revisit", From: nov, To: nov.AddDate(0, 1, 0), SampleRate: 1, Seed: 1, Status: survey.RoundSending,
			Selected: 2, CreatedBy: "cli", CreatedAt: now}
		var surveys []survey.Survey
		for _, c := range all {
			surveys = append(surveys, survey.Survey{TicketID: c.TicketID, CustomerID: c.CustomerID, Questionnaire: "revisit",
				Severity: c.Severity, Status: survey.StatusPending, CreatedAt: now, NextTryAt: &now})
		}
		jobs := func(r *survey.Round) []bot.Job {
			return []bot.Job{{Kind: survey.JobRoundSend, Ref: fmt.Sprint(r.ID), Key: fmt.Sprintf("round_send:%d:0", r.ID), DueAt: now}}
		}
		if err := db.CreateRound(ctx, r, surveys, jobs); err != nil || r.ID == 0 {
			t.Fatalf("create round: %v", err)
		}
		q.Engineer, q.Severities, q.MonthFrom, q.MonthTo = "", nil, now, now.AddDate(0, 1, 0)
		if got, _ := db.RoundCandidates(ctx, q); got[1].RoundsThisMonth != 1 {
			t.Fatalf("rounds this month: %+v", got)
		}

		claimed, err := db.ClaimRoundSurveys(ctx, r.ID, now, time.Minute, 1)
		if err != nil || len(claimed) != 1 || claimed[0].Attempts != 1 || claimed[0].OpenID == "" {
			t.Fatalf("claim = %+v, %v", claimed, err)
		}
		second, _ := db.ClaimRoundSurveys(ctx, r.ID, now, time.Minute, 5)
		if len(second) != 1 || second[0].ID == claimed[0].ID {
			t.Fatalf("second claim took %+v", second)
		}
		if more, _ := db.ClaimRoundSurveys(ctx, r.ID, now, time.Minute, 5); len(more) != 0 {
			t.Fatalf("claimed leased surveys again: %+v", more)
		}
		if err := db.MarkSurveySent(ctx, claimed[0].ID, survey.ViaTemplate, now, now.Add(time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		if err := db.RetrySurvey(ctx, second[0].ID, now.Add(2*time.Minute), "errcode=45009"); err != nil {
			t.Fatal(err)
		}
		next, err := db.NextRoundTry(ctx, r.ID, now)
		if err != nil || next == nil || !next.Equal(now.Add(2*time.Minute)) {
			t.Fatalf("next try = %v, %v", next, err)
		}
		again, _ := db.ClaimRoundSurveys(ctx, r.ID, now.Add(2*time.Minute), time.Minute, 5)
		if len(again) != 1 || again[0].Attempts != 2 {
			t.Fatalf("retry claim = %+v", again)
		}
		if err := db.FailSurvey(ctx, again[0].ID, "errcode=45009"); err != nil {
			t.Fatal(err)
		}
		if next, _ := db.NextRoundTry(ctx, r.ID, now); next != nil {
			t.Fatalf("next try with nothing pending: %v", next)
		}
		rating := 1
		db.AnswerSurvey(ctx, claimed[0].ID, survey.AnswerInput{Answers: []survey.Answer{{Question: "overall", Value: "1"}}, Rating: &rating, Via: survey.ViaPage, At: now, Complete: true})
		p, err := db.RoundProgress(ctx, r.ID)
		want := survey.RoundProgress{Selected: 2, Delivered: 1, Failed: 1, Ratings: [4]int{1, 0, 0, 0}, Errors: []string{"errcode=45009"}}
		if err != nil || fmt.Sprint(p) != fmt.Sprint(want) {
			t.Fatalf("progress = %+v, %v; want %+v", p, err, want)
		}

		if ok, err := db.SetRoundStatus(ctx, r.ID, []string{survey.RoundPaused}, survey.RoundSending, now, nil); ok || err != nil {
			t.Fatalf("resumed a round that was not paused: %v %v", ok, err)
		}
		if ok, _ := db.SetRoundStatus(ctx, r.ID, []string{survey.RoundSending}, survey.RoundSent, now, nil); !ok {
			t.Fatal("could not finish the round")
		}
		if got, _ := db.Round(ctx, r.ID); got.FinishedAt == nil || got.Status != survey.RoundSent {
			t.Fatalf("round = %+v", got)
		}
		if rounds, err := db.Rounds(ctx, 5); err != nil || len(rounds) != 1 {
			t.Fatalf("rounds = %+v, %v", rounds, err)
		}
	})
}

func TestSurveyFactsAndServices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		nov := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		for i, staff := range []string{"007", "007", "008"} {
			c, tk := servedTicket(t, db, fmt.Sprintf("o%d", i), staff, 3, nov.Add(time.Duration(i)*time.Hour))
			sv := ticketSurvey(c, tk, nov)
			db.CreateSurvey(ctx, sv)
			if i < 2 {
				db.MarkSurveySent(ctx, sv.ID, survey.ViaChat, nov.Add(time.Hour), nov.Add(48*time.Hour), nil)
			}
		}
		facts, err := db.SurveyFacts(ctx, nov, nov.AddDate(0, 1, 0))
		if err != nil || len(facts) != 2 || facts[0].StaffNumber != "007" {
			t.Fatalf("facts = %+v, %v", facts, err)
		}
		services, err := db.ServiceCounts(ctx, nov, nov.AddDate(0, 1, 0))
		if err != nil || len(services) != 2 || services[0].Services != 2 || services[1].Name != "工008" {
			t.Fatalf("services = %+v, %v", services, err)
		}
	})
}

func TestSurveyPendingAndPacer(t *testing.T) {
	rdb, keys := storetest.Redis(t)
	ctx := context.Background()
	s := store.NewSessions(rdb, keys)
	if _, found, err := s.PendingSurvey(ctx, "wechat", "o1"); found || err != nil {
		t.Fatalf("pending before any: %v %v", found, err)
	}
	if err := s.SetPendingSurvey(ctx, "wechat", "o1", survey.PendingQuestion{Survey: 7, Step: 1}, time.Minute); err != nil {
		t.Fatal(err)
	}
	s.ClearPendingSurvey(ctx, "wechat", "o1", 8) // another survey's: kept
	if p, found, _ := s.PendingSurvey(ctx, "wechat", "o1"); !found || p.Survey != 7 || p.Step != 1 {
		t.Fatalf("pending = %+v, %v", p, found)
	}
	s.ClearPendingSurvey(ctx, "wechat", "o1", 7)
	if _, found, _ := s.PendingSurvey(ctx, "wechat", "o1"); found {
		t.Fatal("still pending after clear")
	}

	// Two pacers on one key, as two replicas: 20 waits at 100/s take at
	// least 190 ms together.
	a, b := store.NewPacer(rdb, keys, 100), store.NewPacer(rdb, keys, 100)
	start := time.Now()
	errs := make(chan error, 20)
	for i := range 20 {
		go func() { errs <- []*store.Pacer{a, b}[i%2].Wait(ctx) }()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(start); took < 190*time.Millisecond {
		t.Fatalf("20 paced sends at 100/s took %v", took)
	}
}
