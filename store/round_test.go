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
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		nov := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		c1, t1 := servedTicket(t, rec, "o1", "007", 2, nov.Add(24*time.Hour))
		servedTicket(t, rec, "o2", "008", 3, nov.Add(48*time.Hour))
		servedTicket(t, rec, "o3", "007", 2, nov.Add(-time.Hour)) // October
		rec.Surveys.SetSurveyOptOut(ctx, c1.ID, true, nov)
		q := survey.RoundQuery{From: nov, To: nov.AddDate(0, 1, 0), MonthFrom: nov.AddDate(0, 1, 0), MonthTo: nov.AddDate(0, 2, 0)}
		all, err := rec.Rounds.RoundCandidates(ctx, q)
		if err != nil || len(all) != 2 || !all[0].OptedOut || all[1].OptedOut || all[0].TicketID != t1.ID {
			t.Fatalf("candidates = %+v, %v", all, err)
		}
		q.Engineer, q.Severities = "007", []int{2}
		if got, _ := rec.Rounds.RoundCandidates(ctx, q); len(got) != 1 || got[0].StaffNumber != "007" {
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
		if err := rec.Rounds.CreateRound(ctx, r, surveys, jobs); err != nil || r.ID == 0 {
			t.Fatalf("create round: %v", err)
		}
		q.Engineer, q.Severities, q.MonthFrom, q.MonthTo = "", nil, now, now.AddDate(0, 1, 0)
		if got, _ := rec.Rounds.RoundCandidates(ctx, q); got[1].RoundsThisMonth != 1 {
			t.Fatalf("rounds this month: %+v", got)
		}

		claimed, err := rec.Rounds.ClaimRoundSurveys(ctx, r.ID, now, time.Minute, 1)
		if err != nil || len(claimed) != 1 || claimed[0].Attempts != 1 || claimed[0].OpenID == "" {
			t.Fatalf("claim = %+v, %v", claimed, err)
		}
		second, _ := rec.Rounds.ClaimRoundSurveys(ctx, r.ID, now, time.Minute, 5)
		if len(second) != 1 || second[0].ID == claimed[0].ID {
			t.Fatalf("second claim took %+v", second)
		}
		if more, _ := rec.Rounds.ClaimRoundSurveys(ctx, r.ID, now, time.Minute, 5); len(more) != 0 {
			t.Fatalf("claimed leased surveys again: %+v", more)
		}
		if err := rec.Surveys.MarkSurveySent(ctx, claimed[0].ID, survey.ViaTemplate, now, now.Add(time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		if err := rec.Surveys.RetrySurvey(ctx, second[0].ID, now.Add(2*time.Minute), "errcode=45009"); err != nil {
			t.Fatal(err)
		}
		next, err := rec.Rounds.NextRoundTry(ctx, r.ID, now)
		if err != nil || next == nil || !next.Equal(now.Add(2*time.Minute)) {
			t.Fatalf("next try = %v, %v", next, err)
		}
		again, _ := rec.Rounds.ClaimRoundSurveys(ctx, r.ID, now.Add(2*time.Minute), time.Minute, 5)
		if len(again) != 1 || again[0].Attempts != 2 {
			t.Fatalf("retry claim = %+v", again)
		}
		if err := rec.Surveys.FailSurvey(ctx, again[0].ID, "errcode=45009"); err != nil {
			t.Fatal(err)
		}
		if next, _ := rec.Rounds.NextRoundTry(ctx, r.ID, now); next != nil {
			t.Fatalf("next try with nothing pending: %v", next)
		}
		rating := 1
		rec.Surveys.AnswerSurvey(ctx, claimed[0].ID, survey.AnswerInput{Answers: []survey.Answer{{Question: "overall", Value: "1"}}, Rating: &rating, Via: survey.ViaPage, At: now, Complete: true})
		p, err := rec.Rounds.RoundProgress(ctx, r.ID)
		want := survey.RoundProgress{Selected: 2, Delivered: 1, Failed: 1, Ratings: [4]int{1, 0, 0, 0}, Errors: []string{"errcode=45009"}}
		if err != nil || fmt.Sprint(p) != fmt.Sprint(want) {
			t.Fatalf("progress = %+v, %v; want %+v", p, err, want)
		}

		if ok, err := rec.Rounds.SetRoundStatus(ctx, r.ID, []string{survey.RoundPaused}, survey.RoundSending, now, nil); ok || err != nil {
			t.Fatalf("resumed a round that was not paused: %v %v", ok, err)
		}
		if ok, _ := rec.Rounds.SetRoundStatus(ctx, r.ID, []string{survey.RoundSending}, survey.RoundSent, now, nil); !ok {
			t.Fatal("could not finish the round")
		}
		if got, _ := rec.Rounds.Round(ctx, r.ID); got.FinishedAt == nil || got.Status != survey.RoundSent {
			t.Fatalf("round = %+v", got)
		}
		if rounds, err := rec.Rounds.Rounds(ctx, 5); err != nil || len(rounds) != 1 {
			t.Fatalf("rounds = %+v, %v", rounds, err)
		}
	})
}

func TestSurveyFactsAndServices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		nov := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		for i, staff := range []string{"007", "007", "008"} {
			c, tk := servedTicket(t, rec, fmt.Sprintf("o%d", i), staff, 3, nov.Add(time.Duration(i)*time.Hour))
			sv := ticketSurvey(c, tk, nov)
			rec.Surveys.CreateSurvey(ctx, sv)
			if i < 2 {
				rec.Surveys.MarkSurveySent(ctx, sv.ID, survey.ViaChat, nov.Add(time.Hour), nov.Add(48*time.Hour), nil)
			}
		}
		facts, err := rec.Stats.SurveyFacts(ctx, nov, nov.AddDate(0, 1, 0))
		if err != nil || len(facts) != 2 || facts[0].StaffNumber != "007" {
			t.Fatalf("facts = %+v, %v", facts, err)
		}
		services, err := rec.Stats.ServiceCounts(ctx, nov, nov.AddDate(0, 1, 0))
		if err != nil || len(services) != 2 || services[0].Services != 2 || services[1].Name != "工008" {
			t.Fatalf("services = %+v, %v", services, err)
		}
	})
}
