#!/usr/bin/env bash
# Makes sure the services the tests talk to are up: PostgreSQL on
# 127.0.0.1:5432 (trust auth, database "test") and Redis on 127.0.0.1:6379,
# and that headless Chromium (/usr/bin/chromium, with a Chinese font) is
# there for the survey page's browser test. Starts services when stopped,
# installs what is missing with apt-get. Idempotent, and quick when
# everything is already in place.
set -euo pipefail

log() { echo "services: $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  log "installing $*"
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # wait_for NAME CMD…
  local name=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  log "$name did not come up"; return 1
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432; }

ensure_postgres() {
  if command -v pg_isready >/dev/null && pg_ready; then :; else
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      apt_install postgresql
      # A fresh cluster asks for passwords over TCP; tests connect as
      # postgres with trust auth, as on the development machines.
      local hba; hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -1)
      as_root sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/; s/^(local\s+all\s+(postgres|all)\s+)\S+/\1trust/' "$hba"
    fi
    local ver; ver=$(ls /etc/postgresql | sort -V | tail -1)
    log "starting PostgreSQL $ver"
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || as_root pg_ctlcluster "$ver" main restart
    wait_for PostgreSQL pg_ready
  fi
  if ! psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1' >/dev/null 2>&1; then
    log "creating database test"
    psql -h 127.0.0.1 -U postgres -d postgres -c 'CREATE DATABASE test' >/dev/null
  fi
}

redis_ready() { redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG; }

ensure_redis() {
  if command -v redis-cli >/dev/null && redis_ready; then return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  wait_for Redis redis_ready
}

# The survey page test drives Debian's chromium; a CJK font makes its
# screenshots show Chinese rather than boxes.
ensure_chromium() {
  local want=()
  [ -x /usr/bin/chromium ] || want+=(chromium)
  if ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; then
    want+=(fonts-wqy-microhei)
  fi
  [ ${#want[@]} -eq 0 ] || apt_install "${want[@]}"
}

ensure_postgres
ensure_redis
ensure_chromium
