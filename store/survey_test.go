package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/bot/survey"
	"github.com/hotline-desk/hotline/conversation"
	"github.com/hotline-desk/hotline/store"
	"github.com/hotline-desk/hotline/store/storetest"
)

// servedTicket adds a customer and a ticket of theirs resolved at resolved.
func servedTicket(t *testing.T, rec *store.Records, openID, staff string, severity int, resolved time.Time) (*bot.Customer, *bot.Ticket) {
	t.Helper()
	ctx := context.Background()
	c := &bot.Customer{Channel: "wechat", OpenID: openID, UnitName: "市中心医院", Subscribed: true, UpdatedAt: t0}
	if err := rec.Customers.SaveCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
	tk := newTicket(c.ID, "open:"+openID+":"+resolved.String())
	tk.Severity, tk.StaffNumber, tk.StaffName = severity, staff, "工"+staff
	if _, err := rec.Tickets.OpenTicket(ctx, bot.Opening{Ticket: tk}); err != nil {
		t.Fatal(err)
	}
	return c, storetest.CloseTicket(t, rec.Tickets, tk.ID, resolved)
}

func ticketSurvey(c *bot.Customer, tk *bot.Ticket, now time.Time) *survey.Survey {
	return &survey.Survey{Key: "ticket:" + tk.OpenedBy, TicketID: tk.ID, CustomerID: c.ID, Questionnaire: "ticket",
		UnitName: tk.UnitName, StaffNumber: tk.StaffNumber, StaffName: tk.StaffName, Severity: tk.Severity,
		Status: survey.StatusPending, CreatedAt: now, NextTryAt: &now}
}

func TestSurveyLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		c, tk := servedTicket(t, rec, "o1", "007", 3, t0)
		sv := ticketSurvey(c, tk, t0)
		if created, err := rec.Surveys.CreateSurvey(ctx, sv); err != nil || !created || sv.ID == 0 {
			t.Fatalf("create: %v %v %d", created, err, sv.ID)
		}
		again := ticketSurvey(c, tk, t0.Add(time.Hour))
		if created, err := rec.Surveys.CreateSurvey(ctx, again); err != nil || created || again.ID != sv.ID || again.OpenID != "o1" {
			t.Fatalf("second create: created=%v err=%v got %+v", created, err, again)
		}
		expires := t0.Add(7 * 24 * time.Hour)
		remind := bot.Job{Kind: survey.JobRemind, Ref: "x", Key: "survey_remind:test", DueAt: t0.Add(24 * time.Hour)}
		if err := rec.Surveys.MarkSurveySent(ctx, sv.ID, survey.ViaChat, t0, expires, []bot.Job{remind}); err != nil {
			t.Fatal(err)
		}
		if err := rec.Surveys.MarkSurveySent(ctx, sv.ID, survey.ViaChat, t0, expires, nil); err == nil {
			t.Fatal("a survey was marked sent twice")
		}
		if ok, err := rec.Surveys.MarkReminded(ctx, sv.ID, t0.Add(time.Hour)); !ok || err != nil {
			t.Fatalf("remind: %v %v", ok, err)
		}
		if ok, _ := rec.Surveys.MarkReminded(ctx, sv.ID, t0.Add(2*time.Hour)); ok {
			t.Fatal("reminded twice")
		}
		rating := 3
		at := t0.Add(2 * time.Hour)
		out, err := rec.Surveys.AnswerSurvey(ctx, sv.ID, survey.AnswerInput{Answers: []survey.Answer{{Question: "overall", Value: "3"}}, Rating: &rating, Via: survey.ViaChat, At: at})
		if err != nil || out != conversation.AnswerCounted {
			t.Fatalf("answer: %v %v", out, err)
		}
		if out, _ := rec.Surveys.AnswerSurvey(ctx, sv.ID, survey.AnswerInput{Answers: []survey.Answer{{Question: "overall", Value: "1"}}, Rating: ptr(1), Via: survey.ViaChat, At: at}); out != conversation.AnswerRepeated {
			t.Fatalf("second rating: %v, want repeated", out)
		}
		if out, _ := rec.Surveys.AnswerSurvey(ctx, sv.ID, survey.AnswerInput{Answers: []survey.Answer{{Question: "overall", Value: "1"}}, Rating: ptr(1), Via: survey.ViaPage, At: at, Complete: true}); out != conversation.AnswerDone {
			t.Fatalf("page after the chat: %v, want done", out)
		}
		out, err = rec.Surveys.AnswerSurvey(ctx, sv.ID, survey.AnswerInput{Answers: []survey.Answer{{Question: "comment", Value: "太慢了"}}, Via: survey.ViaChat, At: at, Complete: true})
		if err != nil || out != conversation.AnswerCounted {
			t.Fatalf("comment: %v %v", out, err)
		}
		got, err := rec.Surveys.Survey(ctx, sv.ID)
		if err != nil || got.Status != survey.StatusAnswered || *got.Rating != 3 || got.CompletedAt == nil || got.AnsweredVia != survey.ViaChat {
			t.Fatalf("survey = %+v, %v", got, err)
		}
		answers, err := rec.Surveys.SurveyAnswers(ctx, sv.ID)
		if err != nil || len(answers) != 2 {
			t.Fatalf("answers = %+v, %v", answers, err)
		}
		if changed, _ := rec.Surveys.ExpireSurvey(ctx, sv.ID, expires); changed {
			t.Fatal("a completed survey expired")
		}
	})
}

func ptr[T any](v T) *T { return &v }

// An answer after the expiry is too late; the expiry job closes it.
func TestSurveyExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		c, tk := servedTicket(t, rec, "o1", "007", 3, t0)
		sv := ticketSurvey(c, tk, t0)
		rec.Surveys.CreateSurvey(ctx, sv)
		expires := t0.Add(time.Hour)
		if err := rec.Surveys.MarkSurveySent(ctx, sv.ID, survey.ViaTemplate, t0, expires, nil); err != nil {
			t.Fatal(err)
		}
		late := survey.AnswerInput{Answers: []survey.Answer{{Question: "overall", Value: "1"}}, Rating: ptr(1), Via: survey.ViaPage, At: expires, Complete: true}
		if out, _ := rec.Surveys.AnswerSurvey(ctx, sv.ID, late); out != conversation.AnswerTooLate {
			t.Fatalf("late answer: %v", out)
		}
		if changed, err := rec.Surveys.ExpireSurvey(ctx, sv.ID, expires); !changed || err != nil {
			t.Fatalf("expire: %v %v", changed, err)
		}
		if got, _ := rec.Surveys.Survey(ctx, sv.ID); got.Status != survey.StatusExpired || got.Rating != nil {
			t.Fatalf("survey = %+v", got)
		}
	})
}

// The page and the chat answering at once: exactly one counts.
func TestSurveyAnswerRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		c, tk := servedTicket(t, rec, "o1", "007", 3, t0)
		sv := ticketSurvey(c, tk, t0)
		rec.Surveys.CreateSurvey(ctx, sv)
		rec.Surveys.MarkSurveySent(ctx, sv.ID, survey.ViaChat, t0, t0.Add(time.Hour), nil)
		outs := make([]conversation.AnswerOutcome, 4)
		var wg sync.WaitGroup
		for i := range outs {
			wg.Go(func() {
				via := []string{survey.ViaChat, survey.ViaPage}[i%2]
				in := survey.AnswerInput{Answers: []survey.Answer{{Question: "overall", Value: "2"}}, Rating: ptr(2), Via: via, At: t0.Add(time.Minute), Complete: via == survey.ViaPage}
				var err error
				if outs[i], err = rec.Surveys.AnswerSurvey(ctx, sv.ID, in); err != nil {
					t.Errorf("answer %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		counted := 0
		for _, o := range outs {
			if o == conversation.AnswerCounted {
				counted++
			}
		}
		if counted != 1 {
			t.Fatalf("outcomes %v: %d counted, want 1", outs, counted)
		}
	})
}

func TestSurveyOptOutAndRevisits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, rec *store.Records) {
		ctx := context.Background()
		c, tk := servedTicket(t, rec, "o1", "007", 3, t0)
		for _, out := range []bool{true, true, false, true} {
			if err := rec.Surveys.SetSurveyOptOut(ctx, c.ID, out, t0); err != nil {
				t.Fatal(err)
			}
			if got, err := rec.Surveys.OptedOut(ctx, c.ID); got != out || err != nil {
				t.Fatalf("opted out = %v, %v; want %v", got, err, out)
			}
		}
		sv := ticketSurvey(c, tk, t0)
		rec.Surveys.CreateSurvey(ctx, sv)
		task := &survey.RevisitTask{SurveyID: sv.ID, TicketID: tk.ID, Rating: 4, Status: survey.RevisitOpen, CreatedAt: t0}
		if created, err := rec.Revisits.OpenRevisit(ctx, task); !created || err != nil || task.ID == 0 {
			t.Fatalf("open revisit: %v %v", created, err)
		}
		if created, _ := rec.Revisits.OpenRevisit(ctx, &survey.RevisitTask{SurveyID: sv.ID, TicketID: tk.ID, Rating: 3, Status: survey.RevisitOpen, CreatedAt: t0}); created {
			t.Fatal("two revisit tasks for one survey")
		}
		if err := rec.Revisits.AddRevisitComment(ctx, task.ID, "工程师态度差"); err != nil {
			t.Fatal(err)
		}
		open, err := rec.Revisits.OpenRevisits(ctx, 10)
		if err != nil || len(open) != 1 || open[0].Comment != "工程师态度差" {
			t.Fatalf("open revisits = %+v, %v", open, err)
		}
		if done, err := rec.Revisits.FinishRevisit(ctx, task.ID, "011", "已电话致歉", t0); !done || err != nil {
			t.Fatalf("finish: %v %v", done, err)
		}
		if done, _ := rec.Revisits.FinishRevisit(ctx, task.ID, "011", "again", t0); done {
			t.Fatal("finished twice")
		}
		if got, _ := rec.Revisits.RevisitOfSurvey(ctx, sv.ID); got.Status != survey.RevisitDone || got.Result != "已电话致歉" {
			t.Fatalf("task = %+v", got)
		}
	})
}
