package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// surveySecretFile is where an embedded install keeps its generated
// survey secret, under HOTLINE_DATA_DIR.
const surveySecretFile = "survey-secret"

// resolveSurvey fills in what serve needs for survey links. In production
// (HOTLINE_DATABASE_URL set) HOTLINE_SURVEY_SECRET and HOTLINE_PUBLIC_URL
// must be set, the same on every replica: a link made by one replica is
// opened on another. An embedded (trial) install generates the secret once
// and keeps it in HOTLINE_DATA_DIR, and links point at this machine.
func resolveSurvey(cfg *Config, log *slog.Logger) error {
	if cfg.DatabaseURL != "" {
		if cfg.Survey.Secret == "" {
			return &envError{"HOTLINE_SURVEY_SECRET", "required with HOTLINE_DATABASE_URL: it signs survey links; set the same 32+ characters on every replica (openssl rand -hex 32)"}
		}
		if cfg.Survey.PublicURL == "" {
			return &envError{"HOTLINE_PUBLIC_URL", "required with HOTLINE_DATABASE_URL: survey links start with it, like https://desk.example.com"}
		}
		return nil
	}
	if cfg.Survey.Secret == "" {
		secret, err := dataDirSecret(cfg.DataDir)
		if err != nil {
			return &envError{"HOTLINE_DATA_DIR", err.Error()}
		}
		cfg.Survey.Secret = secret
	}
	if cfg.Survey.PublicURL == "" {
		cfg.Survey.PublicURL = "http://localhost" + portOf(cfg.HTTPAddr)
		log.Info("survey links point at this machine; set HOTLINE_PUBLIC_URL to reach customers' phones", slog.String("url", cfg.Survey.PublicURL))
	}
	return nil
}

// dataDirSecret reads the generated secret, or makes it (readable by the
// owner only).
func dataDirSecret(dir string) (string, error) {
	path := filepath.Join(dir, surveySecretFile)
	data, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(data))) >= minSurveySecret {
		return strings.TrimSpace(string(data)), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read survey secret: %w", err)
	}
	b := make([]byte, 32)
	rand.Read(b)
	secret := hex.EncodeToString(b)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("create data dir: %w", err)
	}
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write survey secret: %w", err)
	}
	return secret, nil
}

func portOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return addr[i:]
	}
	return ""
}
