#!/usr/bin/env bash
# bench/http_checks.sh: HTTP checks per second and CPU per check against one local nginx,
# side by side in one run (bench/README.md explains every step and the last full run):
#   1. groundstation's HttpProbe (a new TCP connection per check), all checks submitted at
#      once (throughput), then paced at the schedule's rate (cost of a lone check); both on
#      the minimal HTTP client the daemon uses for plain http:// to an IP address, then again
#      with every check on libcurl (what the probe does for TLS, names, redirects);
#   2. monitoring-plugins' check_http spawned once per check (what Nagios does);
#   3. prometheus-blackbox-exporter's /probe (loaded by wrk; its CPU from /proc);
#   4. wrk itself with a new connection per request (the ceiling of this nginx on this box);
#   5. the schedule: `groundstation run` with 10,000 nodes x one HTTP check every 60 s,
#      CPU share of one core (whole process and per thread) and RSS over the steady state.
# Everything listens on 127.0.0.1; every load is bounded in count or time; every wait has a
# deadline. Knobs (environment): GS_CHECKS=50000 CHECK_HTTP_RUNS=2000 LOAD_SECONDS=10
# SCHEDULE_SECONDS=150 SCHEDULE_WARMUP=60 (SCHEDULE_SECONDS must exceed SCHEDULE_WARMUP; the
# measured window, SCHEDULE_SECONDS - SCHEDULE_WARMUP, starts once every RRD file exists and
# should span whole RRD_CACHE periods) RRD_CACHE=5m.
set -euo pipefail
cd "$(dirname "$0")/.."
GS_CHECKS=${GS_CHECKS:-50000}
CHECK_HTTP_RUNS=${CHECK_HTTP_RUNS:-2000}
SCHEDULE_SECONDS=${SCHEDULE_SECONDS:-150}
SCHEDULE_WARMUP=${SCHEDULE_WARMUP:-60}
LOAD_SECONDS=${LOAD_SECONDS:-10}
RRD_CACHE=${RRD_CACHE:-5m}   # rrd.cache_timeout of the schedule step (0s: write every value at once)
SCHEDULE_NODES=10000
SCHEDULE_RATE=$((SCHEDULE_NODES / 60))  # checks per second of step 5
if [ "$SCHEDULE_SECONDS" -le "$SCHEDULE_WARMUP" ]; then
  echo "SCHEDULE_SECONDS ($SCHEDULE_SECONDS) must exceed SCHEDULE_WARMUP ($SCHEDULE_WARMUP)" >&2
  exit 2
fi

bash scripts/install-deps.sh all >/dev/null
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target groundstation http_checks_bench >/dev/null

freeport() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# wait_http URL PID: polls URL until it answers, for at most 10 s, while PID lives.
wait_http() {
  for _ in $(seq 200); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "process $2 died before $1 answered" >&2; return 1; }
    sleep 0.05
  done
  echo "$1 did not answer within 10 s" >&2
  return 1
}
TCK=$(getconf CLK_TCK)
T=$(mktemp -d /tmp/gs-bench.XXXXXX); chmod 755 "$T"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT

echo "== machine: $(nproc) cores, kernel $(uname -r), load $(load)"
echo "   $(nginx -v 2>&1), $(curl --version | head -1 | cut -d' ' -f1-2) (libcurl $(curl-config --version 2>/dev/null | cut -d' ' -f2 || echo '?')),"
echo "   $(/usr/lib/nagios/plugins/check_http -V 2>&1 | head -1), $(prometheus-blackbox-exporter --version 2>&1 | head -1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
if awk '{exit !($1 > 1.0)}' /proc/loadavg; then
  echo "   WARNING: load average above 1 on $(nproc) cores: other work competes; re-run when idle"
fi

# nginx: one worker, so the client under test has the other core.
P=$(freeport); mkdir -p "$T/html"; echo ok > "$T/html/health"
cat > "$T/nginx.conf" <<NGX
user root; worker_processes 1; daemon off; pid $T/nginx.pid; error_log $T/error.log warn;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path $T/cb; proxy_temp_path $T/px; fastcgi_temp_path $T/fc;
  uwsgi_temp_path $T/uw; scgi_temp_path $T/sc;
  server { listen 127.0.0.1:$P backlog=4096; root $T/html; } }
NGX
nginx -p "$T" -c "$T/nginx.conf" -e "$T/error.log" & NGPID=$!; PIDS+=($NGPID)
URL="http://127.0.0.1:$P/health"
wait_http "$URL" $NGPID

echo "== 1. groundstation HttpProbe, $GS_CHECKS checks, 64 in flight (load $(load))"
GS_LINE=$(build-bench/bench/http_checks_bench "$URL" "$GS_CHECKS" 64)
echo "$GS_LINE"
gs_rate=$(sed -E 's/.*checks_per_sec=([0-9.]+).*/\1/' <<<"$GS_LINE")
gs_cpu=$(sed -E 's/.*cpu_ms_per_check=([0-9.]+).*/\1/' <<<"$GS_LINE")
paced_n=$((SCHEDULE_RATE * 10))
echo "== 1b. the same, paced at $SCHEDULE_RATE checks/s (step 5's rate), $paced_n checks"
PACED_LINE=$(build-bench/bench/http_checks_bench "$URL" "$paced_n" 64 "$SCHEDULE_RATE")
echo "$PACED_LINE"
echo "== 1c. the same two on libcurl (HttpClient::kCurl: what TLS, names and redirects use; load $(load))"
sleep 60   # let step 1's client TIME_WAIT sockets expire (they make connect() dearer)
CURL_LINE=$(build-bench/bench/http_checks_bench "$URL" "$GS_CHECKS" 64 0 curl)
echo "$CURL_LINE"
CURL_PACED_LINE=$(build-bench/bench/http_checks_bench "$URL" "$paced_n" 64 "$SCHEDULE_RATE" curl)
echo "$CURL_PACED_LINE"

echo "== 2. check_http spawned per check, $CHECK_HTTP_RUNS runs, 2 at a time (load $(load))"
start=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$T/ch.time" bash -c \
  "seq $CHECK_HTTP_RUNS | xargs -P2 -I{} /usr/lib/nagios/plugins/check_http -H 127.0.0.1 -p $P -u /health > $T/ch.out || true"
end=$(date +%s.%N)
read -r cu cs < "$T/ch.time"
ch_ok=$(grep -c '^HTTP OK' "$T/ch.out" || true)
ch_rate=$(echo "$CHECK_HTTP_RUNS / ($end - $start)" | bc -l)
ch_cpu=$(echo "($cu + $cs) * 1000 / $CHECK_HTTP_RUNS" | bc -l)
printf 'check_http checks=%d ok=%d checks_per_sec=%.0f cpu_ms_per_check=%.4f\n' \
  "$CHECK_HTTP_RUNS" "$ch_ok" "$ch_rate" "$ch_cpu"

echo "== 3. blackbox_exporter /probe under wrk (64 connections, ${LOAD_SECONDS}s, load $(load))"
PB=$(freeport)
printf 'modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n    http: {preferred_ip_protocol: ip4}\n' > "$T/bb.yml"
prometheus-blackbox-exporter --config.file="$T/bb.yml" --web.listen-address="127.0.0.1:$PB" \
  --log.level=error > "$T/bb.log" 2>&1 & BBPID=$!; PIDS+=($BBPID)
wait_http "http://127.0.0.1:$PB/-/healthy" $BBPID
BB_URL="http://127.0.0.1:$PB/probe?module=http_2xx&target=$URL"
# /probe answers 200 even when the probe fails: make sure this one succeeds.
curl -fsS "$BB_URL" | grep -q '^probe_success 1' || { echo "blackbox probe fails" >&2; exit 1; }
c0=$(cpu_ticks $BBPID)
wrk -t1 -c64 -d"${LOAD_SECONDS}s" "$BB_URL" > "$T/bb.wrk"
c1=$(cpu_ticks $BBPID)
bb_reqs=$(awk '/requests in/ {print $1}' "$T/bb.wrk")
bb_rate=$(awk '/Requests\/sec/ {print $2}' "$T/bb.wrk")
bb_cpu=$(echo "($c1 - $c0) * 1000 / $TCK / $bb_reqs" | bc -l)
printf 'blackbox_exporter probes=%d checks_per_sec=%.0f cpu_ms_per_check=%.4f %s\n' \
  "$bb_reqs" "$bb_rate" "$bb_cpu" "$(grep -E 'Non-2xx|Socket errors' "$T/bb.wrk" | tr -s ' ' || true)"
kill -TERM $BBPID

echo "== 4. wrk, new connection per request (64 connections, ${LOAD_SECONDS}s, load $(load))"
# Connection: close makes nginx close after each response, so wrk reconnects per request.
wrk -t1 -c64 -d"${LOAD_SECONDS}s" -H "Connection: close" "$URL" > "$T/ng.wrk"
wrk_rate=$(awk '/Requests\/sec/ {print $2}' "$T/ng.wrk")
printf 'wrk requests_per_sec=%.0f %s\n' "$wrk_rate" \
  "$(grep -E 'Non-2xx|Socket errors' "$T/ng.wrk" | tr -s ' ' || true)"

echo "== 5. schedule: $SCHEDULE_NODES nodes x 1 HTTP check / 60 s, ${SCHEDULE_SECONDS}s (load $(load))"
API=$(freeport)
{
  echo "data_dir: $T/var"; echo "http: {listen: \"127.0.0.1:$API\"}"; echo "rrd: {cache_timeout: $RRD_CACHE}"; echo "nodes:"
  for i in $(seq 1 $SCHEDULE_NODES); do echo "  - {name: n$i, address: 127.0.0.1, tags: {role: web}}"; done
  echo "checks:"
  echo "  - {name: http, kind: http, select: {role: web}, interval: 60s, timeout: 5s, url: \"http://{address}:$P/health\"}"
} > "$T/sched.yaml"
build-bench/collector/groundstation run -c "$T/sched.yaml" > "$T/gs.out" 2>&1 & GSPID=$!; PIDS+=($GSPID)
wait_http "http://127.0.0.1:$API/metrics" $GSPID
# Warm-up: one full interval, so every job has had its first (spread) run, and then until
# every RRD file exists (with rrd.cache_timeout the files are created at the first cache
# write, which must not fall into the measured window); the steady state is measured after.
sleep "$SCHEDULE_WARMUP"
creates_now() { curl -fsS "http://127.0.0.1:$API/metrics" | awk '/^groundstation_rrd_creates_total/ {print $2}'; }
want_files=$((SCHEDULE_NODES * 6))   # six perfdata labels per HTTP check
deadline=$(( $(date +%s) + 900 ))
until [ "$(creates_now)" -ge "$want_files" ] 2>/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "RRD files not all created after 15 min" >&2; exit 1; }
  sleep 5
done
sleep 10   # let the first cache write finish its updates
threads() { for t in /proc/$GSPID/task/*; do echo "$(basename "$t") $(tr ' ' _ < "$t/comm") $(awk '{print $14+$15}' "$t/stat")"; done | sort; }
runs_now() { curl -fsS "http://127.0.0.1:$API/metrics" | awk '/^groundstation_check_runs_total/ {print $2}'; }
threads > "$T/th0"; r0=$(runs_now); c0=$(cpu_ticks $GSPID); t0=$(date +%s.%N)
sleep $((SCHEDULE_SECONDS - SCHEDULE_WARMUP))
c1=$(cpu_ticks $GSPID); t1=$(date +%s.%N); r1=$(runs_now); threads > "$T/th1"
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$GSPID/status)
hwm_kb=$(awk '/VmHWM/ {print $2}' /proc/$GSPID/status)
sched_pct=$(echo "($c1 - $c0) * 100 / $TCK / ($t1 - $t0)" | bc -l)
sched_rate=$(echo "($r1 - $r0) / ($t1 - $t0)" | bc -l)
printf 'schedule jobs=%d checks_per_sec=%.1f cpu_percent_of_one_core=%.2f rss_mb=%.1f peak_rss_mb=%.1f\n' \
  "$SCHEDULE_NODES" "$sched_rate" "$sched_pct" "$(echo "$rss_kb/1024" | bc -l)" "$(echo "$hwm_kb/1024" | bc -l)"
echo "   per thread (% of one core; unnamed threads show the process name):"
join "$T/th0" "$T/th1" | awk -v dt="$(echo "$t1 - $t0" | bc -l)" -v tck="$TCK" \
  '{pct = ($5 - $3) * 100 / tck / dt; if (pct > 0.05) printf "     %-16s %5.2f%%\n", $2, pct}'
echo "   data_dir after the run: $(du -sh "$T/var" | cut -f1), $(find "$T/var" -name '*.rrd' | wc -l) RRD files"
curl -fsS "http://127.0.0.1:$API/metrics" |
  grep -E '^groundstation_(rrd_updates_total|rrd_creates_total|check_late_total|check_skipped_total)' |
  sed 's/^/   /' || true
kill -TERM $GSPID

echo "== ratios and targets (load $(load))"
curl_rate=$(sed -E 's/.*checks_per_sec=([0-9.]+).*/\1/' <<<"$CURL_LINE")
curl_cpu=$(sed -E 's/.*cpu_ms_per_check=([0-9.]+).*/\1/' <<<"$CURL_LINE")
printf 'minimal client vs libcurl:          %.2fx checks/s, %.2fx less CPU per check\n' \
  "$(echo "$gs_rate / $curl_rate" | bc -l)" "$(echo "$curl_cpu / $gs_cpu" | bc -l)"
printf 'groundstation vs check_http:        %.1fx checks/s, %.1fx less CPU per check\n' \
  "$(echo "$gs_rate / $ch_rate" | bc -l)" "$(echo "$ch_cpu / $gs_cpu" | bc -l)"
printf 'groundstation vs blackbox_exporter: %.1fx checks/s, %.1fx less CPU per check\n' \
  "$(echo "$gs_rate / $bb_rate" | bc -l)" "$(echo "$bb_cpu / $gs_cpu" | bc -l)"
printf 'groundstation vs wrk (same nginx):  %.2f of wrk'"'"'s new-connection request rate\n' \
  "$(echo "$gs_rate / $wrk_rate" | bc -l)"
verdict() { if [ "$(echo "$1" | bc -l)" = 1 ]; then echo met; else echo MISSED; fi; }
echo "target >= 20000 checks/s:              $(verdict "$gs_rate >= 20000")"
echo "target < 0.05 ms CPU per check:        $(verdict "$gs_cpu < 0.05")"
echo "target schedule < 5% of one core:      $(verdict "$sched_pct < 5")"
echo "target schedule < 150 MB RSS:          $(verdict "$hwm_kb < 150 * 1024")"
