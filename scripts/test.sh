#!/usr/bin/env bash
# The project's test command (README): starts PostgreSQL and Redis when
# needed, then vets and runs every test with the race detector.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
test -z "$(gofmt -l . | tee /dev/stderr)" || { echo "gofmt: the files above need formatting" >&2; exit 1; }
go vet ./...
go test -race -count=1 ./...
