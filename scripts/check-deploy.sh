#!/usr/bin/env bash
# Checks the deployment files as far as a machine without a container engine
# allows, and says what it checked:
#
#   Dockerfile   runs the build stage's steps (COPY, ARG, ENV, RUN) as a script
#                in a staging directory that holds only what the Dockerfile copies,
#                checks the binary is static and answers `version`, then starts it
#                as the image would (ENTRYPOINT + CMD, the image's ENV, as USER,
#                with the environment compose.yaml gives a replica): /healthz and
#                /readyz answer, the HEALTHCHECK command passes, SIGTERM stops it.
#   systemd      `systemd-analyze verify` of deploy/systemd/hotline.service with
#                ExecStart pointed at that binary (any warning about the unit is a
#                failure: systemd 252 only warns about an unknown directive), and
#                `systemd-analyze security --offline` for its exposure score.
#   compose      loads compose.yaml with compose-go, the library `docker compose`
#                uses: YAML, interpolation, the Compose specification's JSON schema
#                (shipped in that Go module) and its consistency checks; then this
#                project's own rules (replicas, healthchecks, bind sources, Caddy).
#   Caddyfile    `caddy validate` with Debian's caddy, unpacked into a cache.
#
# Idempotent: tools are installed only when missing (apt-get) and cached under
# ${XDG_CACHE_HOME:-~/.cache}/hotline-check-deploy. Runs from any directory.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

COMPOSE_GO=github.com/compose-spec/compose-go/v2@v2.13.0
cache=${XDG_CACHE_HOME:-$HOME/.cache}/hotline-check-deploy
tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

started=$SECONDS
step_started=$SECONDS
say() { echo "check-deploy: $*"; }
ok() { echo "  ok    $*"; }
warns=0
warn() { echo "  WARN  $*"; warns=$((warns + 1)); }
fail() { echo "  FAIL  $*" >&2; exit 1; }
step() { step_started=$SECONDS; say "$*"; }
done_step() { echo "  ($((SECONDS - step_started)) s)"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() { # apt_install PACKAGE…: only called when something is missing
  say "installing $* with apt-get"
  if [ -z "$apt_updated" ]; then as_root apt-get update -q >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "$@" >/dev/null
}
need() { # need COMMAND PACKAGE
  command -v "$1" >/dev/null || apt_install "$2"
}
need systemd-analyze systemd
need file file
need curl curl
need setpriv util-linux
need dpkg-deb dpkg
command -v go >/dev/null || fail "go is not on PATH"

# ---------------------------------------------------------------------------
# Dockerfile: the build stage, run as a script.

# instructions FILE: the Dockerfile's instructions, one a line, continuations joined.
instructions() {
  sed -e 's/\r$//' "$1" | awk '
    /^[[:space:]]*#/ && cont == "" { next }
    { line = cont $0 }
    /\\[[:space:]]*$/ { sub(/\\[[:space:]]*$/, "", line); cont = line " "; next }
    { cont = ""; if (line ~ /[^[:space:]]/) print line }'
}
# json_args '["a", "b"]' prints a, b one a line (the exec form Hotline's Dockerfile uses).
json_args() {
  local s=$1
  [[ $s =~ ^\[.*\]$ ]] || fail "expected the exec form [\"…\"], got: $s"
  s=${s#[}; s=${s%]}
  sed -e 's/^[[:space:]]*"//; s/"[[:space:]]*$//; s/"[[:space:]]*,[[:space:]]*"/\n/g' <<<"$s"
}

step "Dockerfile: build stage run as a script (no container engine here)"
root=$tmp/root                  # stands for the build container's file system
mkdir -p "$root"
chmod 0755 "$tmp" "$root"
version_arg=check-deploy-$$     # as if built with --build-arg VERSION=…
stage=0 workdir=/ build_stage= final_from= user= entrypoint= cmd= healthcheck= volume= expose=
declare -A image_env=() build_args=()
declare -a final_copies=()
build_env=(PATH="$PATH" HOME="$HOME" GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)"
  GOPROXY="$(go env GOPROXY)" GOFLAGS= GOTOOLCHAIN=local)
host_path() { # the staging path of a path in the build container
  local p=$1
  [[ $p == /* ]] || p=${workdir%/}/$p
  echo "$root$p"
}
while IFS= read -r line; do
  read -r instr rest <<<"$line"
  instr=${instr^^}
  if [ "$instr" = FROM ]; then
    stage=$((stage + 1))
    if [ $stage = 1 ]; then
      read -r base _ name <<<"$rest"
      build_stage=$name
      [[ $base == golang:1.26* ]] || fail "build stage FROM $base: expected golang:1.26 (go.mod's toolchain)"
      ok "build stage $build_stage FROM $base"
    else
      final_from=$rest
    fi
    continue
  fi
  if [ $stage = 1 ]; then
    case $instr in
      WORKDIR) workdir=$rest; mkdir -p "$(host_path "$rest")" ;;
      ARG)
        name=${rest%%=*} default=
        [[ $rest == *=* ]] && default=${rest#*=} && default=${default#\"} && default=${default%\"}
        [ "$name" = VERSION ] && default=$version_arg
        build_args[$name]=$default ;;
      ENV) build_env+=("$rest") ;;
      COPY)
        [[ $rest != --* ]] || fail "COPY $rest: flags in the build stage are not handled here; extend this script"
        read -r -a words <<<"$rest"
        dest=$(host_path "${words[-1]}")
        for src in "${words[@]:0:${#words[@]}-1}"; do
          [ -e "$repo/$src" ] || fail "COPY $src: no such file in the repository"
          if [ -d "$repo/$src" ]; then mkdir -p "$dest" && cp -a "$repo/$src/." "$dest/"
          else mkdir -p "$dest" && cp -a "$repo/$src" "$dest/"; fi
        done ;;
      RUN)
        cmdline=${rest//\/out/$root/out}
        args=()
        for k in "${!build_args[@]}"; do args+=("$k=${build_args[$k]}"); done
        echo "  run   $rest"
        (cd "$(host_path "$workdir")" && env -i "${build_env[@]}" "${args[@]}" sh -c "$cmdline") ||
          fail "RUN $rest"
        ;;
      *) fail "build stage: $instr is not handled by this script; extend it" ;;
    esac
  else
    case $instr in
      COPY) final_copies+=("$rest") ;;
      USER) user=$rest ;;
      ENV)
        for kv in $rest; do image_env[${kv%%=*}]=${kv#*=}; done ;;
      VOLUME) volume=$rest ;;
      EXPOSE) expose=$rest ;;
      HEALTHCHECK) healthcheck=$rest ;;
      ENTRYPOINT) entrypoint=$rest ;;
      CMD) cmd=$rest ;;
      STOPSIGNAL) [ "$rest" = SIGTERM ] || fail "STOPSIGNAL $rest: serve stops gracefully on SIGTERM" ;;
      *) fail "final stage: $instr is not checked by this script; extend it" ;;
    esac
  fi
done < <(instructions Dockerfile)
[ -n "$final_from" ] || fail "no final stage"
bin=$root/out/hotline
[ -x "$bin" ] || fail "the build stage made no /out/hotline"
ok "built /out/hotline from only the files the Dockerfile copies ($(du -h "$bin" | cut -f1))"

# The binary: static, built as the Dockerfile says, answers version.
desc=$(file -b "$bin")
[[ $desc == *ELF* && $desc == *"statically linked"* ]] || fail "not a static executable: $desc"
if readelf -l "$bin" 2>/dev/null | grep -q INTERP; then fail "the binary asks for a dynamic loader (PT_INTERP)"; fi
ok "static ELF without a dynamic loader: ${desc%%,*}"
buildinfo=$(go version -m "$bin")
for want in "CGO_ENABLED=0" "-trimpath=true"; do
  grep -qF -- "$want" <<<"$buildinfo" || fail "go version -m lacks $want"
done
# Go does not record -ldflags with -trimpath: -s -w shows as stripped, -X in `version`.
[[ $desc == *", stripped"* ]] || fail "not stripped (-ldflags -s -w): $desc"
ok "go version -m: CGO_ENABLED=0, -trimpath=true; stripped (-s -w)"
out=$("$bin" version) || fail "hotline version failed"
[ "$out" = "hotline $version_arg" ] || fail "hotline version said \"$out\", want \"hotline $version_arg\" (ARG VERSION)"
ok "\`hotline version\` answers \"$out\" (ARG VERSION reaches main.version)"

# The final stage.
case $final_from in
  gcr.io/distroless/static*:nonroot | scratch) ok "final stage FROM $final_from" ;;
  *) fail "final stage FROM $final_from: expected distroless static nonroot or scratch" ;;
esac
uid=${user%%:*}
[[ -n $uid && $uid != 0 && $uid != root ]] || fail "USER \"$user\": the image must not run as root"
[[ $uid =~ ^[0-9]+$ ]] || fail "USER $user: use a numeric uid (distroless has no useradd; Kubernetes' runAsNonRoot needs a number)"
ok "USER $user"
printf '%s\n' "${final_copies[@]}" | grep -qE "^--from=$build_stage /out/hotline /hotline$" ||
  fail "the final stage does not COPY --from=$build_stage /out/hotline /hotline"
data_dir=${image_env[HOTLINE_DATA_DIR]:-}
[ "$data_dir" = /data ] || fail "ENV HOTLINE_DATA_DIR=/data missing"
[ "$volume" = /data ] || fail "VOLUME /data missing"
printf '%s\n' "${final_copies[@]}" | grep -qE "^--from=$build_stage --chown=$user /out/data /data$" ||
  fail "/data must be copied --chown=$user so a new volume is writable by the non-root user"
ok "ENV HOTLINE_DATA_DIR=/data, VOLUME /data owned by $user"
port=${image_env[HOTLINE_HTTP_ADDR]:-:8080}
[ "$expose" = "${port##*:}" ] || fail "EXPOSE $expose but HOTLINE_HTTP_ADDR is $port"
ok "EXPOSE $expose"
mapfile -t entry < <(json_args "$entrypoint")
mapfile -t cmd_args < <(json_args "$cmd")
[ "${entry[*]}" = /hotline ] || fail "ENTRYPOINT $entrypoint: want [\"/hotline\"]"
[ "${cmd_args[*]}" = serve ] || fail "CMD $cmd: want [\"serve\"]"
ok "ENTRYPOINT $entrypoint CMD $cmd"
[[ $healthcheck =~ CMD[[:space:]]+(\[.*\])$ ]] || fail "HEALTHCHECK must use the exec form CMD [\"/hotline\", …] (no shell in the image)"
mapfile -t probe < <(json_args "${BASH_REMATCH[1]}")
[ "${probe[0]}" = /hotline ] || fail "HEALTHCHECK runs ${probe[0]}: the image has only /hotline"
[ "${probe[1]:-}" != version ] || fail "HEALTHCHECK \`hotline version\` checks nothing"
probe_cmd=${probe[1]:-}
[ -n "$probe_cmd" ] || fail "HEALTHCHECK runs /hotline without a subcommand"
if "$bin" --help | grep -qE "^  $probe_cmd "; then
  probe_known=1
  ok "HEALTHCHECK ${BASH_REMATCH[1]}: \`hotline $probe_cmd\` exists"
else
  probe_known=
  warn "HEALTHCHECK ${BASH_REMATCH[1]}: this hotline has no \`$probe_cmd\` subcommand yet; the container would stay unhealthy"
fi
done_step

# ---------------------------------------------------------------------------
step "systemd: deploy/systemd/hotline.service"
unit=deploy/systemd/hotline.service
grep -qx 'ExecStart=/usr/local/bin/hotline serve' "$unit" || fail "$unit: ExecStart is not /usr/local/bin/hotline serve"
mkdir -p "$tmp/systemd"
sed "s#^ExecStart=/usr/local/bin/hotline #ExecStart=$bin #" "$unit" >"$tmp/systemd/hotline.service"
if ! verify=$(cd "$tmp/systemd" && systemd-analyze verify --man=no ./hotline.service 2>&1); then
  echo "$verify" >&2; fail "systemd-analyze verify"
fi
if grep -F hotline.service <<<"$verify" >&2; then fail "systemd-analyze verify warns about the unit (above)"; fi
[ -z "$verify" ] || echo "$verify" | sed 's/^/  note  (not about hotline.service) /'
ok "systemd-analyze verify: no error or warning (ExecStart → the binary just built)"
id hotline >/dev/null 2>&1 ||
  echo "  note  no user hotline on this machine; verify does not check User=, the install steps create it"
if sec=$(cd "$tmp/systemd" && systemd-analyze security --offline=true --threshold=20 ./hotline.service 2>&1); then
  ok "systemd-analyze security: $(grep -o 'Overall exposure level.*' <<<"$sec" | sed 's/\x1b\[[0-9;]*m//g')"
else
  echo "$sec" | tail -5 >&2; fail "systemd-analyze security: exposure above 2.0"
fi
for d in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
  CapabilityBoundingSet= AmbientCapabilities= UMask=0077 User=hotline StateDirectory=hotline \
  EnvironmentFile=/etc/hotline/hotline.env Environment=HOTLINE_DATA_DIR=/var/lib/hotline \
  Restart=on-failure KillSignal=SIGTERM TimeoutStopSec=30; do
  grep -qx "$d" "$unit" || fail "$unit lacks $d"
done
ok "User, StateDirectory=/var/lib/hotline = HOTLINE_DATA_DIR, EnvironmentFile, Restart, SIGTERM/30 s, hardening set"
done_step

# ---------------------------------------------------------------------------
step "compose.yaml: compose-go ($COMPOSE_GO), the loader of docker compose"
checker_src=$(cat <<'GO'
// composecheck loads a Compose file as docker compose does (compose-go:
// YAML, interpolation, the Compose specification JSON schema, consistency)
// and prints what Hotline's checks need.
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	// usage: composecheck FILE ENVOUT [KEY=VALUE…]: the variables are the only
	// environment interpolated (no .env, no process environment).
	opts, err := cli.NewProjectOptions([]string{os.Args[1]}, cli.WithWorkingDirectory("."), cli.WithEnv(os.Args[3:]))
	if err == nil {
		project, lerr := opts.LoadProject(context.Background())
		if lerr != nil {
			fmt.Fprintln(os.Stderr, lerr)
			os.Exit(1)
		}
		var env []string
		for _, name := range project.ServiceNames() {
			s := project.Services[name]
			fmt.Printf("service %s image=%s build=%v\n", name, s.Image, s.Build != nil)
			for dep, d := range s.DependsOn {
				fmt.Printf("depends %s %s %s\n", name, dep, d.Condition)
			}
			if s.HealthCheck != nil && !s.HealthCheck.Disable {
				fmt.Printf("healthcheck %s %s\n", name, strings.Join(s.HealthCheck.Test, " "))
			}
			for _, v := range s.Volumes {
				fmt.Printf("volume %s %s %s %s ro=%v\n", name, v.Type, v.Source, v.Target, v.ReadOnly)
			}
			for _, port := range s.Ports {
				fmt.Printf("port %s %s:%d/%s\n", name, port.Published, port.Target, port.Protocol)
			}
			keys := make([]string, 0, len(s.Environment))
			for k := range s.Environment {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var kv []string
			for _, k := range keys {
				v := ""
				if s.Environment[k] != nil {
					v = *s.Environment[k]
				}
				kv = append(kv, k+"="+v)
			}
			fmt.Printf("envhash %s %s\n", name, strings.Join(kv, "\x1f"))
			if name == "hotline-1" {
				env = kv
			}
		}
		err = os.WriteFile(os.Args[2], []byte(strings.Join(env, "\n")+"\n"), 0o600)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
GO
)
checker_dir=$cache/composecheck-$(sha256sum <<<"$COMPOSE_GO$checker_src" | cut -c1-12)
if [ ! -x "$checker_dir/composecheck" ]; then
  say "building the compose checker once into $checker_dir"
  rm -rf "$checker_dir" && mkdir -p "$checker_dir"
  printf '%s\n' "$checker_src" >"$checker_dir/main.go"
  printf 'module composecheck\n\ngo 1.26\n' >"$checker_dir/go.mod"
  (cd "$checker_dir" && GOFLAGS= go get "$COMPOSE_GO" && GOFLAGS= go mod tidy && GOFLAGS= go build -o composecheck .) \
    >"$tmp/checker-build.log" 2>&1 ||
    { cat "$tmp/checker-build.log" >&2; rm -rf "$checker_dir"; fail "could not build the compose checker"; }
fi
checker=$checker_dir/composecheck
domain=desk.example.com
model=$("$checker" compose.yaml "$tmp/compose.env" HOTLINE_DOMAIN=$domain) || fail "compose.yaml does not load (above)"
ok "YAML, interpolation (HOTLINE_DOMAIN=$domain, nothing else set), Compose schema and consistency"
if err=$("$checker" compose.yaml /dev/null 2>&1); then fail "compose.yaml loads without HOTLINE_DOMAIN; it must be required"; fi
grep -q HOTLINE_DOMAIN <<<"$err" || fail "without HOTLINE_DOMAIN the error does not name it: $err"
ok "without HOTLINE_DOMAIN it stops: $(tail -1 <<<"$err")"
has() { grep -qx -- "$1" <<<"$model" || fail "compose.yaml: expected \"$1\""; }
for s in postgres redis hotline-1 hotline-2 caddy; do grep -q "^service $s " <<<"$model" || fail "no service $s"; done
grep -q '^service postgres image=postgres:17 ' <<<"$model" || fail "postgres is not postgres:17"
grep -q '^service redis image=redis:7 ' <<<"$model" || fail "redis is not redis:7"
grep -q '^service caddy image=caddy:2 ' <<<"$model" || fail "caddy is not caddy:2"
grep -q '^healthcheck postgres CMD pg_isready' <<<"$model" || fail "postgres has no pg_isready healthcheck"
grep -q '^healthcheck redis CMD redis-cli ping' <<<"$model" || fail "redis has no redis-cli ping healthcheck"
ok "postgres:17 (pg_isready), redis:7 (redis-cli ping), caddy:2"
replicas=$(grep -o '^service hotline-[0-9]*' <<<"$model" | cut -d' ' -f2)
for r in $replicas; do
  grep -q "^service $r image=.* build=true" <<<"$model" || fail "$r is not built from the Dockerfile"
  has "depends $r postgres service_healthy"
  has "depends $r redis service_healthy"
  grep -q "^volume $r bind $repo/.* /etc/hotline/policy.yaml ro=true" <<<"$model" || fail "$r: no read-only policy file"
  grep -qF "$r:8080" deploy/caddy/Caddyfile || fail "deploy/caddy/Caddyfile does not send to $r:8080"
done
[ "$(grep -c '^envhash hotline-' <<<"$model")" -ge 2 ] || fail "fewer than two Hotline replicas"
[ "$(grep '^envhash hotline-' <<<"$model" | cut -d' ' -f3- | sort -u | wc -l)" = 1 ] ||
  fail "the Hotline replicas' environments differ"
ok "replicas $(echo $replicas): built here, same environment, wait for healthy postgres and redis, in the Caddyfile"
while read -r _ svc type src target _; do
  [ "$type" = bind ] || continue
  [ -f "$src" ] || fail "$svc mounts $src, which does not exist (docker would make it a directory)"
  echo "  ok    bind mount ${src#$repo/} → $svc:$target exists"
done < <(grep '^volume ' <<<"$model")
env_of() { grep "^$1=" "$tmp/compose.env" | cut -d= -f2-; }
[ "$(env_of HOTLINE_DATABASE_URL)" = 'postgres://hotline:hotline@postgres:5432/hotline?sslmode=disable' ] ||
  fail "HOTLINE_DATABASE_URL is $(env_of HOTLINE_DATABASE_URL)"
[ "$(env_of HOTLINE_REDIS_URL)" = redis://redis:6379/0 ] || fail "HOTLINE_REDIS_URL is $(env_of HOTLINE_REDIS_URL)"
[ "$(env_of HOTLINE_PUBLIC_URL)" = "https://$domain" ] || fail "HOTLINE_PUBLIC_URL is $(env_of HOTLINE_PUBLIC_URL)"
for v in HOTLINE_TELEGRAM_WEBHOOK_URL HOTLINE_TELEGRAM_WEBHOOK_SECRET HOTLINE_WECHAT_TOKEN; do
  grep -q "^$v=" "$tmp/compose.env" || fail "the replicas do not get $v"
done
ok "replica environment: PostgreSQL, Redis, public URL, WeChat and Telegram (webhook) variables"
grep -q '^port caddy 443:443/tcp' <<<"$model" && grep -q '^port caddy 80:80/tcp' <<<"$model" ||
  fail "caddy does not publish 80 and 443 (WeChat calls back only on those)"
if grep -q '^port \(hotline\|postgres\|redis\)' <<<"$model"; then fail "only caddy should publish ports"; fi
ok "only caddy publishes ports: 80 and 443"
done_step

# ---------------------------------------------------------------------------
step "Caddyfile: caddy validate (Debian's caddy; the image is caddy:2)"
caddy=$(command -v caddy || true)
if [ -z "$caddy" ]; then
  caddy=$cache/caddy/usr/bin/caddy
  if [ ! -x "$caddy" ]; then
    # Unpacked rather than installed: the package would start a caddy service on port 80.
    say "fetching Debian's caddy package into $cache/caddy"
    (cd "$tmp" && { apt-get download caddy >/dev/null 2>&1 ||
      { as_root apt-get update -q >/dev/null && apt-get download caddy >/dev/null; }; }) ||
      fail "apt-get download caddy"
    rm -rf "$cache/caddy" && dpkg-deb -x "$tmp"/caddy_*.deb "$cache/caddy"
  fi
fi
if ! out=$(HOTLINE_DOMAIN=$domain "$caddy" validate --adapter caddyfile --config deploy/caddy/Caddyfile 2>&1); then
  echo "$out" >&2; fail "caddy validate"
fi
if grep -i '"level":"warn"' <<<"$out" >&2; then fail "caddy warns about the Caddyfile (above)"; fi
ok "caddy validate ($("$caddy" version | cut -d' ' -f1)): valid, no warning; health checks on /readyz"
grep -q 'health_uri /readyz' deploy/caddy/Caddyfile || fail "Caddy does not check /readyz"
done_step

# ---------------------------------------------------------------------------
step "the image's command with a replica's environment (embedded stores; no PostgreSQL or Redis here)"
data=$root/out/data                 # what the final stage copies to /data
[ -d "$data" ] || fail "the build stage made no /out/data"
[ "$(id -u)" = 0 ] && chown "$user" "$data"
run_as=()
if [ "$(id -u)" = 0 ]; then run_as=(setpriv --reuid="${user%%:*}" --regid="${user##*:}" --clear-groups --); fi
# The container's environment: compose's for hotline-1 over the image's ENV, except
# the stores (embedded here) and the policy file's path (the repository's copy).
policy=$(grep "^volume hotline-1 bind .* /etc/hotline/policy.yaml" <<<"$model" | cut -d' ' -f4)
run_env=(PATH=/usr/bin:/bin HOME=/nonexistent)
for k in "${!image_env[@]}"; do run_env+=("$k=${image_env[$k]}"); done
while IFS= read -r kv; do
  case $kv in HOTLINE_DATABASE_URL=* | HOTLINE_REDIS_URL=* | HOTLINE_CONFIG=*) ;; ?*) run_env+=("$kv") ;; esac
done <"$tmp/compose.env"
run_env+=(HOTLINE_DATA_DIR="$data" HOTLINE_CONFIG="$policy" HOTLINE_HTTP_ADDR=127.0.0.1:0)
log=$tmp/serve.log
env -i "${run_env[@]}" "${run_as[@]}" "$bin" "${cmd_args[@]}" >"$log" 2>&1 &
server_pid=$!
addr=
for _ in $(seq 1 150); do
  addr=$(grep -o '"msg":"serving".*' "$log" 2>/dev/null | grep -o '"addr":"[^"]*"' | cut -d'"' -f4 || true)
  [ -n "$addr" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; fail "serve exited at start"; }
  sleep 0.2
done
[ -n "$addr" ] || { cat "$log" >&2; fail "serve did not start within 30 s"; }
ok "\`hotline ${cmd_args[*]}\` as uid ${user%%:*}, policy ${policy#$repo/}, data in the image's /data: serving on $addr"
[ -f "$data/hotline.db" ] || fail "no embedded database in HOTLINE_DATA_DIR"
for path in /healthz /readyz; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://$addr$path")
  [ "$code" = 200 ] || fail "GET $path answered $code"
done
ok "GET /healthz 200, GET /readyz 200"
probe_run() { env -i "${run_env[@]}" HOTLINE_HTTP_ADDR="$addr" "${run_as[@]}" "$bin" "${probe[@]:1}"; }
if [ -n "$probe_known" ]; then
  probe_run >/dev/null 2>&1 || fail "HEALTHCHECK \`hotline ${probe[*]:1}\` fails on a healthy server"
  ok "HEALTHCHECK \`hotline ${probe[*]:1}\` exits 0 while serving"
fi
stop_started=$SECONDS
kill -TERM "$server_pid"
code=0
for _ in $(seq 1 300); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server_pid" 2>/dev/null; then fail "serve still running 30 s after SIGTERM (TimeoutStopSec=30)"; fi
wait "$server_pid" || code=$?
server_pid=
[ "$code" = 0 ] || { tail -5 "$log" >&2; fail "serve exited $code after SIGTERM"; }
ok "SIGTERM: serve stopped cleanly in $((SECONDS - stop_started)) s (exit 0)"
if [ -n "$probe_known" ]; then
  if probe_run >/dev/null 2>&1; then fail "HEALTHCHECK \`hotline ${probe[*]:1}\` passes with no server"; fi
  ok "HEALTHCHECK \`hotline ${probe[*]:1}\` exits non-zero once stopped"
fi
done_step

say "passed in $((SECONDS - started)) s with $warns warning(s); not run: the image itself, docker compose up (no container engine)"
