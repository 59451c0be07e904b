package main

import (
	"context"
	"fmt"
	"net"

	"github.com/hotline-desk/hotline/adapters/web"
)

// runHealth is the probe of a container's health check (which has no curl
// in a distroless image): it asks a running serve's /healthz.
func runHealth(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "health", "health [--url URL]\n\nAsks a running hotline serve whether it is up (GET /healthz on\nHOTLINE_HTTP_ADDR, or --url) and exits 0 when it answers 200, else 1.\nFor container health checks; a load balancer should use /readyz.")
	url := fs.String("url", "", "the URL to ask (default: /healthz on HOTLINE_HTTP_ADDR, on 127.0.0.1 when no host is given)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *url == "" {
		cfg, err := LoadConfig(env.getenv)
		if err != nil {
			return err
		}
		host, port, err := net.SplitHostPort(cfg.HTTPAddr)
		if err != nil {
			return &envError{"HOTLINE_HTTP_ADDR", err.Error()}
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		*url = "http://" + net.JoinHostPort(host, port) + "/healthz"
	}
	if err := web.Probe(ctx, *url); err != nil {
		return fmt.Errorf("%s: %w", *url, err)
	}
	fmt.Fprintln(env.stdout, "ok")
	return nil
}
