package main

import (
	"crypto/rand"
	"log/slog"

	"github.com/hotline-desk/hotline/adapters/surveypage"
	"github.com/hotline-desk/hotline/bot"
	"github.com/hotline-desk/hotline/store/redisstore"
)

// appSurveys is the survey wiring: the desk's stores and pacer, and the
// signer the page and the links share.
type appSurveys struct {
	deps   bot.SurveyDeps
	signer *surveypage.Signer
}

func newSurveys(cfg *Config, policy *bot.Policy, b *backends, opt appOptions) appSurveys {
	secret := []byte(cfg.Survey.Secret)
	if len(secret) == 0 { // built without serve's checks (tests): links last as long as the process
		secret = []byte(rand.Text() + rand.Text())
	}
	signer := surveypage.NewSigner(secret, cfg.Survey.PublicURL)
	rec := b.rec
	deps := bot.SurveyDeps{Store: rec.Surveys, Rounds: rec.Rounds, Revisits: rec.Revisits, Stats: rec.Stats,
		Chat: redisstore.NewPendingSurveys(b.redis, opt.keys), Pacer: redisstore.NewPacer(b.redis, opt.keys, policy.Surveys.SendRate)}
	if cfg.Survey.PublicURL != "" {
		deps.Links = signer
	}
	return appSurveys{deps: deps, signer: signer}
}

// mountSurveyPage serves the survey page at /survey/{token}.
func (a *app) mountSurveyPage(s appSurveys, policy *bot.Policy, log *slog.Logger, opt appOptions) {
	page := surveypage.New(surveypage.Config{Book: a.desk, Signer: s.signer, Location: policy.Location, Now: opt.clock, Log: log})
	a.mux.Handle("GET /survey/{token}", page)
	a.mux.Handle("POST /survey/{token}", page)
}
