# Hotline in a container: one static binary on distroless, running as non-root.
#
#   docker build -t hotline --build-arg VERSION="$(git describe --always --dirty)" .
#   docker run -p 8080:8080 -v hotline-data:/data hotline      # trial: embedded stores in /data
#
# Production sets HOTLINE_DATABASE_URL and HOTLINE_REDIS_URL (see compose.yaml and
# docs/DEPLOY.md). scripts/check-deploy.sh runs this file's build steps without a
# container engine; keep its copy of the source list and the go build line in step.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, in their own layer: it is rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download
# Only the Go source: the top-level packages (not ./data, a local ./hotline or .env).
COPY adapters ./adapters
COPY bot ./bot
COPY cmd ./cmd
COPY conversation ./conversation
COPY store ./store
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/hotline ./cmd/hotline
# The embedded stores' directory, owned by the nonroot user so a new volume is writable.
RUN mkdir -p /out/data

# distroless/static: CA certificates (WeChat and Telegram are HTTPS), tzdata
# (Asia/Shanghai), /etc/passwd with nonroot (65532); no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hotline /hotline
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV HOTLINE_DATA_DIR=/data \
    HOTLINE_HTTP_ADDR=:8080
VOLUME /data
EXPOSE 8080
# Liveness only (GET /healthz on this container's HOTLINE_HTTP_ADDR, exit 0 or 1). The image has no
# shell, curl or wget, so the probe is hotline's own `health` subcommand. Load balancers use /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/hotline", "health"]
# serve stops gracefully on SIGTERM (docker stop's signal) within 20 s; give it 30: docker stop -t 30.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/hotline"]
CMD ["serve"]
