#!/usr/bin/env bash
# Checks Hotline's monitoring files:
#   deploy/prometheus/hotline.rules.yml       promtool check rules, and every alert
#                                             has for:, a severity and English
#                                             summary/description annotations
#   deploy/prometheus/hotline.rules.test.yml  promtool test rules, plus the December
#                                             calendar case (below)
#   deploy/grafana/hotline.json               valid JSON, a ${DS_PROMETHEUS} input,
#                                             and every expr uses only metrics
#                                             Hotline exposes
# Installs promtool (Debian package prometheus) when it is missing, without
# starting the Prometheus service. Usage: bash scripts/check-monitoring.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RULES=deploy/prometheus/hotline.rules.yml
TESTS=deploy/prometheus/hotline.rules.test.yml
DASHBOARD=deploy/grafana/hotline.json

# The series Hotline's GET /metrics exposes (a scrape of `hotline serve`):
# adapters/web/web.go, adapters/web/jobs.go, and the Go and process collectors
# of cmd/hotline/app.go; `up` is Prometheus's own. Add a name here when the
# code registers a new metric.
KNOWN_METRICS=(
	up
	hotline_http_requests_total
	hotline_http_request_duration_seconds_bucket
	hotline_http_request_duration_seconds_sum
	hotline_http_request_duration_seconds_count
	hotline_jobs_due
	hotline_jobs_done_total
	hotline_jobs_lateness_seconds_bucket
	hotline_jobs_lateness_seconds_sum
	hotline_jobs_lateness_seconds_count
	hotline_jobs_failed_attempts_total
	hotline_escalations_total
	hotline_calendar_official_through
	hotline_wechat_sends_total
	hotline_telegram_sends_total
	hotline_telegram_outbox_pending
	hotline_survey_satisfaction
	hotline_survey_answered
	hotline_survey_satisfaction_target
	promhttp_metric_handler_errors_total
	go_gc_duration_seconds go_gc_duration_seconds_sum go_gc_duration_seconds_count
	go_gc_gogc_percent go_gc_gomemlimit_bytes go_goroutines go_info go_threads
	go_sched_gomaxprocs_threads
	go_memstats_alloc_bytes go_memstats_alloc_bytes_total go_memstats_buck_hash_sys_bytes
	go_memstats_frees_total go_memstats_gc_sys_bytes go_memstats_heap_alloc_bytes
	go_memstats_heap_idle_bytes go_memstats_heap_inuse_bytes go_memstats_heap_objects
	go_memstats_heap_released_bytes go_memstats_heap_sys_bytes go_memstats_last_gc_time_seconds
	go_memstats_mallocs_total go_memstats_mcache_inuse_bytes go_memstats_mcache_sys_bytes
	go_memstats_mspan_inuse_bytes go_memstats_mspan_sys_bytes go_memstats_next_gc_bytes
	go_memstats_other_sys_bytes go_memstats_stack_inuse_bytes go_memstats_stack_sys_bytes
	go_memstats_sys_bytes
	process_cpu_seconds_total process_max_fds process_open_fds
	process_network_receive_bytes_total process_network_transmit_bytes_total
	process_resident_memory_bytes process_start_time_seconds
	process_virtual_memory_bytes process_virtual_memory_max_bytes
)

tmp=$(mktemp -d)
added_policy=""  # the command that removes the policy-rc.d put in place for the install
cleanup() {
	rm -rf "$tmp"
	if [[ -n $added_policy ]]; then $added_policy; fi
}
trap cleanup EXIT

# install_promtool installs the Debian package that ships promtool. Its
# postinst would start the Prometheus service: a policy-rc.d that denies it
# is put in place for the install when the machine has none, and a
# prometheus process that appears anyway is stopped (by its pid).
prometheus_pids() {
	if command -v pgrep >/dev/null 2>&1; then pgrep -x prometheus || true; fi
}

install_promtool() {
	command -v promtool >/dev/null 2>&1 && return 0
	local sudo=""
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null 2>&1 || { echo "promtool is missing and installing it needs root" >&2; return 1; }
		sudo="sudo"
	fi
	echo "installing promtool (Debian package prometheus)"
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
		$sudo chmod 755 /usr/sbin/policy-rc.d
		added_policy="$sudo rm -f /usr/sbin/policy-rc.d"
	fi
	local before
	before=" $(prometheus_pids | tr '\n' ' ') "
	$sudo apt-get update -q >/dev/null
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >/dev/null
	local pid
	for pid in $(prometheus_pids); do
		if [[ $before != *" $pid "* ]]; then
			echo "stopping the prometheus process the install started (pid $pid)"
			$sudo kill "$pid" || true
		fi
	done
	command -v promtool >/dev/null 2>&1 || { echo "the prometheus package installed no promtool" >&2; return 1; }
}

install_promtool

promtool check rules "$RULES"
promtool test rules "$TESTS"

# promtool's clock starts on 1 January 1970; stepping a minute at a time to
# December takes long, so the December case of the calendar alert runs here
# with a daily evaluation interval.
cat >"$tmp/december.test.yml" <<EOF
rule_files:
  - $PWD/$RULES
evaluation_interval: 1d
tests:
  - name: calendar in November and December 1970
    interval: 1d
    input_series:
      - series: 'hotline_calendar_official_through{job="hotline", instance="a:8080"}'
        values: '1970x340'
      - series: 'hotline_calendar_official_through{job="hotline", instance="b:8080"}'
        values: '1971x340'
    alert_rule_test:
      - eval_time: 333d  # 30 November: next year may still come
        alertname: HotlineCalendarNextYearProvisional
      - eval_time: 335d  # 2 December: a lacks 1971, b has it
        alertname: HotlineCalendarNextYearProvisional
        exp_alerts:
          - exp_labels: {severity: warning, job: hotline, instance: "a:8080"}
            exp_annotations:
              summary: "Next year's holiday schedule is missing"
              description: >-
                a:8080 has official holiday data through 1970 only. Once the State Council
                publishes next year's schedule, add it (\`hotline calendar import FILE\`, or
                the policy file's holidays) so that promises made now for January count the
                make-up working days.
      - eval_time: 335d
        alertname: HotlineCalendarThisYearProvisional
EOF
promtool test rules "$tmp/december.test.yml"

python3 - "$RULES" "$DASHBOARD" "${KNOWN_METRICS[@]}" <<'EOF'
import json, re, sys

rules_path, dash_path, known = sys.argv[1], sys.argv[2], set(sys.argv[3:])
errors = []

KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan", "start", "end"}

def metric_names(expr):
    """The metric names an expression selects (a PromQL subset: enough for these files)."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)          # strings
    e = re.sub(r"\{[^}]*\}", " ", e)                       # label matchers
    e = re.sub(r"\[[^\]]*\]", " ", e)                      # ranges and subqueries
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    names = set()
    for m in re.finditer(r"(?<![\w$:.])([A-Za-z_:][\w:]*)", e):
        rest = e[m.end():]
        if re.match(r"\s*\(", rest) or m.group(1).lower() in KEYWORDS:
            continue  # a function or aggregation, or a keyword
        names.add(m.group(1))
    return names

def check_expr(where, expr):
    if not expr.strip():
        errors.append(f"{where}: empty expr")
        return
    for name in sorted(metric_names(expr) - known):
        errors.append(f"{where}: {name} is not a metric Hotline exposes")

# --- the rules file: exprs, and what each alert carries
lines = open(rules_path, encoding="utf-8").read().splitlines()
alerts = []  # (name, text of its block)
for i, line in enumerate(lines):
    m = re.match(r"^(\s*)expr:\s*(.*)$", line)
    if m:
        indent, rest = len(m.group(1)), m.group(2).strip()
        if rest[:1] in ("|", ">"):
            body = []
            for nxt in lines[i + 1:]:
                if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= indent:
                    break
                body.append(nxt)
            expr = "\n".join(body)
        else:
            expr = rest.strip("'\"")
        check_expr(f"{rules_path}:{i + 1}", expr)
    m = re.match(r"^\s*- alert:\s*(\S+)", line)
    if m:
        alerts.append([m.group(1), ""])
    elif re.match(r"^\s*- (record|name):", line):
        alerts.append([None, ""])
    if alerts:
        alerts[-1][1] += line + "\n"
for name, block in alerts:
    if name is None:
        continue
    for need, pattern in (("for:", r"\n\s+for:\s*\S"), ("a severity label", r"\n\s+severity:\s*(critical|warning|info)\b"),
                          ("a summary", r"\n\s+summary:\s*\S"), ("a description", r"\n\s+description:\s*\S")):
        if not re.search(pattern, block):
            errors.append(f"{rules_path}: alert {name} lacks {need}")
if not any(n for n, _ in alerts):
    errors.append(f"{rules_path}: no alerts found")

# --- the dashboard
try:
    dash = json.load(open(dash_path, encoding="utf-8"))
except ValueError as err:
    sys.exit(f"{dash_path}: invalid JSON: {err}")
if not any(i.get("name") == "DS_PROMETHEUS" and i.get("pluginId") == "prometheus" for i in dash.get("__inputs", [])):
    errors.append(f"{dash_path}: no DS_PROMETHEUS datasource input")
if not isinstance(dash.get("schemaVersion"), int):
    errors.append(f"{dash_path}: no schemaVersion")

def panels(ps):
    for p in ps:
        yield p
        yield from panels(p.get("panels", []))

ids, exprs = set(), 0
for p in panels(dash.get("panels", [])):
    where = f'{dash_path}: panel {p.get("id")} "{p.get("title")}"'
    if p.get("id") in ids:
        errors.append(f"{where}: duplicate id")
    ids.add(p.get("id"))
    if p.get("type") == "row":
        continue
    if not p.get("targets"):
        errors.append(f"{where}: no targets")
    for t in p.get("targets", []):
        ds = t.get("datasource") or p.get("datasource") or {}
        if ds.get("uid") != "${DS_PROMETHEUS}":
            errors.append(f"{where}: datasource is not ${{DS_PROMETHEUS}}")
        check_expr(f'{where} target {t.get("refId")}', t.get("expr", ""))
        exprs += 1
for v in dash.get("templating", {}).get("list", []):
    q = v.get("query")
    q = q.get("query", "") if isinstance(q, dict) else (q or "")
    m = re.match(r"^\s*label_values\((.*),\s*\w+\)\s*$", q)
    if m:
        check_expr(f'{dash_path}: variable {v.get("name")}', m.group(1))

if errors:
    sys.exit("\n".join(errors))
print(f"{dash_path}: valid, {exprs} panel queries use only metrics Hotline exposes")
print(f"{rules_path}: {sum(1 for n, _ in alerts if n)} alerts, each with for:, severity, summary and description")
EOF
echo "monitoring: OK"
