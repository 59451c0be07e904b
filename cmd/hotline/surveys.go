package main

import (
	"crypto/rand"
	"log/slog"

	"github.com/hotline-desk/hotline/adapters/reportfile"
	"github.com/hotline-desk/hotline/adapters/reportpage"
	"github.com/hotline-desk/hotline/adapters/surveypage"
	"github.com/hotline-desk/hotline/bot/policy"
	"github.com/hotline-desk/hotline/cmd/internal/desk"
	"github.com/hotline-desk/hotline/store/redisstore"
	"github.com/hotline-desk/hotline/store/reportstore"
)

// appSurveys is the survey wiring: the desk's stores and pacer, and the
// signer the page and the links share.
type appSurveys struct {
	stores desk.SurveyStores
	signer *surveypage.Signer
	secret []byte
}

func newSurveys(cfg *Config, policy *policy.Policy, b *backends, opt appOptions) appSurveys {
	secret := []byte(cfg.Survey.Secret)
	if len(secret) == 0 { // built without serve's checks (tests): links last as long as the process
		secret = []byte(rand.Text() + rand.Text())
	}
	signer := surveypage.NewSigner(secret, cfg.Survey.PublicURL)
	rec := b.rec
	stores := desk.SurveyStores{Store: rec.Surveys, Rounds: rec.Rounds, Revisits: rec.Revisits, Stats: rec.Stats,
		Pending: redisstore.NewPendingSurveys(b.redis, opt.keys), Pacer: redisstore.NewPacer(b.redis, opt.keys, policy.Surveys.SendRate)}
	if cfg.Survey.PublicURL != "" {
		stores.Links = signer
	}
	return appSurveys{stores: stores, signer: signer, secret: secret}
}

// reportDeps are the monthly report's renderer and, with a public URL,
// the signer of the units' report links (the survey secret signs them,
// under another domain).
func reportDeps(cfg *Config, s appSurveys, b *backends) (desk.ReportDeps, *reportpage.Signer) {
	signer := reportpage.NewSigner(s.secret, cfg.Survey.PublicURL)
	deps := desk.ReportDeps{Store: reportstore.New(b.rec.DB), Files: reportfile.Workbook{}}
	if cfg.Survey.PublicURL != "" {
		deps.Links = signer
	}
	return deps, signer
}

// mountReportPage serves a unit's report page at /report/{token}.
func (a *app) mountReportPage(signer *reportpage.Signer, log *slog.Logger, opt appOptions) {
	a.mux.Handle("GET /report/{token}", reportpage.New(reportpage.Config{Signer: signer, Build: a.desk.Reports.Monthly, Now: opt.clock, Log: log}))
}

// mountSurveyPage serves the survey page at /survey/{token}.
func (a *app) mountSurveyPage(s appSurveys, policy *policy.Policy, log *slog.Logger, opt appOptions) {
	page := surveypage.New(surveypage.Config{Book: a.desk.Surveys.Page, Signer: s.signer, Location: policy.Location, Now: opt.clock, Log: log})
	a.mux.Handle("GET /survey/{token}", page)
	a.mux.Handle("POST /survey/{token}", page)
}
