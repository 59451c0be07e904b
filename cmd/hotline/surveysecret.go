package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hotline-desk/hotline/store"
)

// surveySecretSetting names the generated link-signing key in the database.
const surveySecretSetting = "survey_secret"

// resolveSurvey fills in what serve needs for survey links. Without
// HOTLINE_SURVEY_SECRET the key is generated once and kept in the database,
// so every replica signs and checks links alike and a restart keeps them
// valid. Without HOTLINE_PUBLIC_URL links point at this machine, which only
// a trial can use; production is warned.
func resolveSurvey(ctx context.Context, cfg *Config, settings *store.Settings, log *slog.Logger) error {
	if cfg.Survey.Secret == "" {
		b := make([]byte, 32)
		rand.Read(b)
		secret, err := settings.Setting(ctx, surveySecretSetting, hex.EncodeToString(b), time.Now())
		if err != nil {
			return fmt.Errorf("survey link key: %w", err)
		}
		cfg.Survey.Secret = secret
	}
	if cfg.Survey.PublicURL == "" {
		cfg.Survey.PublicURL = "http://localhost" + portOf(cfg.HTTPAddr)
		msg := "survey links point at this machine; set HOTLINE_PUBLIC_URL so customers' phones can open them"
		if cfg.DatabaseURL != "" {
			log.Warn(msg, slog.String("url", cfg.Survey.PublicURL))
		} else {
			log.Info(msg, slog.String("url", cfg.Survey.PublicURL))
		}
	}
	return nil
}

func portOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return addr[i:]
	}
	return ""
}
