#!/usr/bin/env bash
# bench/alerts.sh: the alert pipeline's speed, side by side with Alertmanager in one run
# (bench/README.md explains every step and has the last full run):
#   1. the durable outbox: notifications made durable per second by Dispatcher::EnqueueAll
#      (one SQLite transaction, synchronous=FULL, per batch) for batches of 1, 10 and 100, and
#      batches of 1 on tmpfs (what the disk flush costs);
#   2. delivery: notifications delivered per second through a WebhookNotifier to a local
#      nginx answering 200 (POST + outbox removal per notification, one lane);
#   3. latency from a HARD result (POST /api/v1/results to the real daemon, a passive check,
#      max_attempts 1, flipping CRITICAL/OK) to the webhook arriving at a receiver inside the
#      bench program, and the same from POST /api/v2/alerts to prometheus-alertmanager
#      (group_wait 0s, the lowest it accepts; each alert its own group) to the same receiver,
#      interleaved; p50/p99/max and the ratios; 3b. the daemon again with data_dir on tmpfs.
# Everything listens on 127.0.0.1 on free ports in a temp dir; every load is bounded in count,
# every wait has a deadline; what it starts it stops by PID.
# Knobs (environment): OUTBOX_N=3000 (per batch size) DELIVER_N=2000 LATENCY_K=500
# BUILD_DIR=build-bench (a Release build dir; relative to the repository root or absolute).
# Quick: OUTBOX_N=300 DELIVER_N=200 LATENCY_K=50 bench/alerts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUTBOX_N=${OUTBOX_N:-3000}
DELIVER_N=${DELIVER_N:-2000}
LATENCY_K=${LATENCY_K:-500}
BUILD_DIR=${BUILD_DIR:-build-bench}

bash scripts/install-deps.sh all >/dev/null
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target groundstation alerts_bench alert_engine_bench >/dev/null
B="$BUILD_DIR/bench/alerts_bench"
GS="$BUILD_DIR/collector/groundstation"

freeport() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
T=$(mktemp -d /tmp/gs-bench.XXXXXX); chmod 755 "$T"
SHM=$(mktemp -d /dev/shm/gs-bench.XXXXXX)   # tmpfs: writes and flushes cost no disk time
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$T" "$SHM"
}
trap cleanup EXIT
# until_ok SECONDS CMD...: runs CMD every 0.1 s until it succeeds, for at most SECONDS.
until_ok() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for: $*" >&2; return 1; }
    sleep 0.1
  done
}
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<" $2"; }  # field NAME LINE: NAME=value
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }

echo "== machine: $(nproc) cores, kernel $(uname -r), load $(load)"
echo "   $(nginx -v 2>&1), $(prometheus-alertmanager --version 2>&1 | head -1 | cut -d' ' -f1-3)"
echo "   $T on $(df -T "$T" | awk 'NR == 2 {print $2, $1}') (the outbox fsyncs here)"
if awk '{exit !($1 > 1.0)}' /proc/loadavg; then
  echo "   WARNING: load average above 1 on $(nproc) cores: other work competes; re-run when idle"
fi

echo "== 1. outbox: $OUTBOX_N notifications made durable, by batch size (load $(load))"
declare -A QUEUED
for batch in 1 10 100; do
  mkdir -p "$T/outbox-$batch"
  line=$("$B" outbox "$T/outbox-$batch" "$OUTBOX_N" "$batch")
  echo "$line"
  QUEUED[$batch]=$(field queued_per_sec "$line")
done
mkdir -p "$SHM/outbox-1"
echo "$("$B" outbox "$SHM/outbox-1" "$OUTBOX_N" 1) (tmpfs)"

echo "== 2. delivery: $DELIVER_N queued notifications to nginx answering 200 (load $(load))"
NP=$(freeport)
cat > "$T/nginx.conf" <<NGX
user root; worker_processes 1; daemon off; pid $T/nginx.pid; error_log $T/error.log warn;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $T/cb; proxy_temp_path $T/px; fastcgi_temp_path $T/fc;
  uwsgi_temp_path $T/uw; scgi_temp_path $T/sc;
  server { listen 127.0.0.1:$NP; location / { return 200 "ok\n"; } } }
NGX
nginx -p "$T" -c "$T/nginx.conf" -e "$T/error.log" & NGPID=$!; PIDS+=($NGPID)
until_ok 10 curl -fsS -X POST -d x "http://127.0.0.1:$NP/hook"
mkdir -p "$T/deliver"
DELIVER_LINE=$("$B" deliver "$T/deliver" "$DELIVER_N" "http://127.0.0.1:$NP/hook")
echo "$DELIVER_LINE"
kill -TERM $NGPID

# gs_start DATA_DIR: the daemon with a passive check (HARD at once) and a webhook to the bench's
# receiver on $RX; sets GSPID.
gs_start() {
  cat > "$T/gs.yaml" <<YAML
data_dir: $1
http: {listen: "127.0.0.1:$API", token_file: $T/api-token}
nodes:
  - {name: bench, address: 127.0.0.1}
checks:
  - {name: passive, kind: heartbeat, max_age: 24h, flapping: false}
notifiers:
  - {name: hook, kind: webhook, url: "http://127.0.0.1:$RX/gs", timeout: 5s}
routes:
  - {match: {}, notify: [hook]}
YAML
  "$GS" run -c "$T/gs.yaml" > "$T/gs.log" 2>&1 & GSPID=$!; PIDS+=($GSPID)
  until_ok 10 curl -fsS "http://127.0.0.1:$API/healthz"
}
# latency LABEL: K results to the daemon and K alerts to Alertmanager, interleaved.
latency() {
  "$B" latency "$RX" "$LATENCY_K" "http://127.0.0.1:$API" "$T/api-token" "http://127.0.0.1:$AM" |
    sed "s/^latency groundstation /latency groundstation$1 /" ||
    echo "   (some webhooks did not arrive within 10 s: see missing=)"
  curl -fsS "http://127.0.0.1:$API/metrics" |
    grep -E '^groundstation_(notifications_enqueued_total|notification_deliveries_total|notification_retries_total)' |
    sed 's/^/   /' || true
}

echo "== 3. latency: HARD result -> webhook, groundstation and Alertmanager, $LATENCY_K each (load $(load))"
API=$(freeport); RX=$(freeport); AM=$(freeport)
# group_wait 0s is the lowest Alertmanager accepts (group_interval and repeat_interval must be
# above zero); group_by the unique `seq` label makes each alert a new group, sent at once.
cat > "$T/am.yml" <<YAML
route: {receiver: rx, group_by: [seq], group_wait: 0s, group_interval: 5m, repeat_interval: 4h}
receivers:
  - name: rx
    webhook_configs: [{url: "http://127.0.0.1:$RX/am", send_resolved: false}]
YAML
prometheus-alertmanager --config.file="$T/am.yml" --storage.path="$T/am" \
  --web.listen-address="127.0.0.1:$AM" --cluster.listen-address= --log.level=warn \
  > "$T/am.log" 2>&1 & AMPID=$!; PIDS+=($AMPID)
until_ok 10 curl -fsS "http://127.0.0.1:$AM/-/ready"
gs_start "$T/var"
LAT=$(latency "")
echo "$LAT"
kill -TERM $GSPID; wait $GSPID 2>/dev/null || true

echo "== 3b. the same with data_dir on tmpfs: no disk flush in the path (load $(load))"
gs_start "$SHM/var"
LAT_SHM=$(latency "_tmpfs")
echo "$LAT_SHM"
kill -TERM $GSPID $AMPID
GS_LAT=$(grep 'latency groundstation ' <<<"$LAT"); AM_LAT=$(grep 'latency alertmanager' <<<"$LAT")
SHM_LAT=$(grep 'latency groundstation_tmpfs' <<<"$LAT_SHM")

echo "== ratios and targets (load $(load))"
echo "batching: batch 100 queues $(ratio "${QUEUED[100]}" "${QUEUED[1]}")x as many per second as batch 1"
echo "latency groundstation on tmpfs: p50 $(field p50_ms "$SHM_LAT") ms, p99 $(field p99_ms "$SHM_LAT") ms (on disk: $(field p50_ms "$GS_LAT"), $(field p99_ms "$GS_LAT"))"
echo "latency groundstation / alertmanager: p50 $(ratio "$(field p50_ms "$GS_LAT")" "$(field p50_ms "$AM_LAT")")x," \
  "p99 $(ratio "$(field p99_ms "$GS_LAT")" "$(field p99_ms "$AM_LAT")")x"
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo MISSED; fi; }
echo "target >= 2000 notifications/s durably queued (batch 1):   $(verdict "${QUEUED[1]} >= 2000")"
echo "target >= 2000 notifications/s durably queued (batch 100): $(verdict "${QUEUED[100]} >= 2000")"
echo "target p99 HARD result -> webhook < 50 ms:                  $(verdict "$(field p99_ms "$GS_LAT") < 50")"

echo "== 4. the alert engine alone at 10,000 checks: per result and per tick (load $(load))"
echo "-- one flush per result (OnResult):"
"$BUILD_DIR/bench/alert_engine_bench" 10000 200 1
echo "-- one flush per 100 queued results (OnResultDeferred + Flush, what the daemon does):"
"$BUILD_DIR/bench/alert_engine_bench" 10000 200 100
