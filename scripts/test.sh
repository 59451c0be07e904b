#!/usr/bin/env bash
# The project's test command (README): starts PostgreSQL and Redis when
# needed, then vets and runs every test with the race detector, and checks
# the deployment files and the monitoring rules.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
unformatted="$(gofmt -l .)"
if [ -n "$unformatted" ]; then
  printf '%s\n' "$unformatted" >&2
  echo "gofmt: the files above need formatting" >&2
  exit 1
fi
go vet ./...
go test -race -count=1 ./...
bash scripts/check-deploy.sh
bash scripts/check-monitoring.sh
