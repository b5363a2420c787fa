#!/usr/bin/env bash
# bench/probes.sh: checks per second and CPU per check of groundstation's MySQL, NRPE and exec
# probes, side by side in one run with the plugins Nagios would spawn once per check
# (bench/README.md has the last full run):
#   1. MySQL: our in-process probe (connect, version, status, uptime; CONCURRENCY threads)
#      vs check_mysql spawned per check (same server, same credentials file, same concurrency);
#   2. NRPE: our in-process client (TLS with anonymous DH, packet v4) vs check_nrpe spawned per
#      check, both asking the same nrpe 4.1 for the same command (check_dummy 0);
#   3. exec: our exec probe spawning check_dummy vs `xargs -P` spawning it (the floor of
#      fork+exec on this box).
# Everything runs on 127.0.0.1, every load is bounded in count, every wait has a deadline.
# Knobs (environment): GS_RUNS=2000 PLUGIN_RUNS=500 CONCURRENCY=8.
set -euo pipefail
cd "$(dirname "$0")/.."
GS_RUNS=${GS_RUNS:-2000}
PLUGIN_RUNS=${PLUGIN_RUNS:-500}
CONCURRENCY=${CONCURRENCY:-8}
PLUGINS=/usr/lib/nagios/plugins

bash scripts/install-deps.sh all >/dev/null
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target probes_bench >/dev/null
B=build-bench/bench/probes_bench

freeport() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
T=$(mktemp -d /tmp/gs-bench.XXXXXX); chmod 755 "$T"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
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
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

echo "== $(nproc) cores, $(uname -r), runs: ours $GS_RUNS, plugins $PLUGIN_RUNS, concurrency $CONCURRENCY"

# --- MariaDB (PEERS.md recipe), a monitor user in an option file -------------------------
MP=$(freeport)
mariadb-install-db --no-defaults --datadir="$T/db" --user=root --skip-test-db \
  --skip-name-resolve >"$T/db-install.log" 2>&1
mariadbd --no-defaults --datadir="$T/db" --user=root --socket="$T/db.sock" --port="$MP" \
  --bind-address=127.0.0.1 --skip-name-resolve --innodb-buffer-pool-size=16M \
  --max-connections=500 --log-error="$T/db.err" &
PIDS+=($!)
until_ok 30 mariadb-admin --no-defaults -uroot --socket="$T/db.sock" ping
mariadb --no-defaults -uroot --socket="$T/db.sock" -e "
  CREATE USER 'monitor'@'%' IDENTIFIED BY 'monpw';
  GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR ON *.* TO 'monitor'@'%';"
printf '[client]\nuser=monitor\npassword=monpw\n' >"$T/my.cnf"

# --- nrpe 4.1 (default TLS with anonymous DH) ---------------------------------------------
NP=$(freeport)
cat >"$T/nrpe.cfg" <<CFG
server_address=127.0.0.1
server_port=$NP
pid_file=$T/nrpe.pid
log_file=$T/nrpe.log
disable_syslog=1
nrpe_user=nagios
nrpe_group=nagios
allowed_hosts=127.0.0.1
command_timeout=10
max_commands=1000
command[ok]=$PLUGINS/check_dummy 0 fine
CFG
nrpe -c "$T/nrpe.cfg" -f &
PIDS+=($!)
until_ok 10 "$PLUGINS/check_nrpe" -H 127.0.0.1 -p "$NP"

GS_MYSQL=$($B mysql "$GS_RUNS" "$CONCURRENCY" 127.0.0.1 "$MP" "$T/my.cnf")
CK_MYSQL=$($B exec "$PLUGIN_RUNS" "$CONCURRENCY" -- "$PLUGINS/check_mysql" -H 127.0.0.1 \
  -P "$MP" -f "$T/my.cnf")
GS_NRPE=$($B nrpe "$GS_RUNS" "$CONCURRENCY" 127.0.0.1 "$NP" ok)
CK_NRPE=$($B exec "$PLUGIN_RUNS" "$CONCURRENCY" -- "$PLUGINS/check_nrpe" -H 127.0.0.1 \
  -p "$NP" -c ok)
GS_EXEC=$($B exec "$GS_RUNS" "$CONCURRENCY" -- "$PLUGINS/check_dummy" 0 fine)
XARGS_START=$(date +%s.%N)
XARGS_CPU=$( { /usr/bin/time -f '%U %S' sh -c "seq $GS_RUNS | xargs -P $CONCURRENCY -I{} \
  $PLUGINS/check_dummy 0 fine >/dev/null"; } 2>&1 | tail -1)
XARGS_SECONDS=$(awk -v s="$XARGS_START" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')

echo "gs_mysql     $GS_MYSQL"
echo "check_mysql  $CK_MYSQL"
echo "gs_nrpe      $GS_NRPE"
echo "check_nrpe   $CK_NRPE"
echo "gs_exec      $GS_EXEC"
awk -v n="$GS_RUNS" -v s="$XARGS_SECONDS" -v cpu="$XARGS_CPU" 'BEGIN {
  split(cpu, c, " "); printf "xargs_exec   checks=%d seconds=%.3f checks_per_sec=%.1f cpu_ms_per_check=%.4f\n",
  n, s, n / s, (c[1] + c[2]) * 1000 / n }'
echo "ratios (ours / spawned plugin): checks/s, CPU per check (spawned / ours)"
echo "  mysql: $(ratio "$(field checks_per_sec "$GS_MYSQL")" "$(field checks_per_sec "$CK_MYSQL")")x checks/s, $(ratio "$(field cpu_ms_per_check "$CK_MYSQL")" "$(field cpu_ms_per_check "$GS_MYSQL")")x less CPU per check"
echo "  nrpe:  $(ratio "$(field checks_per_sec "$GS_NRPE")" "$(field checks_per_sec "$CK_NRPE")")x checks/s, $(ratio "$(field cpu_ms_per_check "$CK_NRPE")" "$(field cpu_ms_per_check "$GS_NRPE")")x less CPU per check"
