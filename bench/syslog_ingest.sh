#!/usr/bin/env bash
# bench/syslog_ingest.sh: syslog ingest rate, loss and receiver CPU per message of groundstation,
# rsyslog and syslog-ng, side by side in one run on this box (issue 6; bench/README.md,
# "Syslog ingest", explains the numbers and holds the last run). loggen (syslog-ng-core) sends
# ~200-byte messages to each receiver in turn; every receiver writes every message to disk:
#   tcp-3164-x1/-x4  RFC 3164, LF-framed TCP, 1 / 4 connections, as fast as the receiver takes
#   tcp-5424-x1/-x4  RFC 5424, RFC 6587 octet-counted TCP, 1 / 4 connections
#   udp-3164         RFC 3164 datagrams, UDP_RATE msgs/s asked of UDP_CONNECTIONS sender threads
#   udp-5424         RFC 5424 datagrams (no octet count), the same load
# For each receiver and case: msgs/s sent (loggen's own figure), msgs written (lines in the
# receiver's output once it stopped growing), loss, receiver CPU (utime+stime of its process
# from /proc/PID/stat, before the send to after the drain) per message written, and the UDP
# receive buffer it got (`ss -m` rb, i.e. twice the SO_RCVBUF value). Then the ratios
# groundstation / rsyslog.
# Everything listens on 127.0.0.1 on free ports in a temp dir; every loggen run is bounded by
# -I RUN_SECONDS (and -n RUN_COUNT if set) and by `timeout`; every wait has a deadline; every
# peer is stopped by PID and the temp dir removed on exit.
# Knobs (environment): RUN_SECONDS=5 RUN_COUNT= (messages per run, unset: no count limit)
# MSG_SIZE=200 UDP_RATE=300000 UDP_CONNECTIONS=2 (the UDP load: about where rsyslog starts
# losing on this box; loggen sends 10-30 % more than -r asks, one thread tops out near 300,000/s)
# TCP_RATE=10000000 (loggen -r per connection for the TCP cases, i.e. unthrottled: loggen's
# default is 1,000/s) CEILING=1 (0: skip the loggen->socat->/dev/null run that measures the
# sender's own ceiling per TCP case, and the udp_receive_bench run that measures the kernel's
# floor per UDP case) DRAIN_SECONDS=60 CASES="tcp-3164-x1 ... udp-5424" RECEIVERS="groundstation
# rsyslog syslog-ng" GS_BUILD=/work/main/build (a Release build; the binary is
# $GS_BUILD/collector/groundstation or $GS_BUILD/groundstation) GS_RSYSLOG_ROOT (an unpacked
# rsyslog; default: scripts/fetch-rsyslog.sh into the temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_SECONDS=${RUN_SECONDS:-5}
RUN_COUNT=${RUN_COUNT:-}
MSG_SIZE=${MSG_SIZE:-200}
UDP_RATE=${UDP_RATE:-300000}
UDP_CONNECTIONS=${UDP_CONNECTIONS:-2}
TCP_RATE=${TCP_RATE:-10000000}
CEILING=${CEILING:-1}
DRAIN_SECONDS=${DRAIN_SECONDS:-60}
CASES=${CASES:-"tcp-3164-x1 tcp-3164-x4 tcp-5424-x1 tcp-5424-x4 udp-3164 udp-5424"}
RECEIVERS=${RECEIVERS:-"groundstation rsyslog syslog-ng"}
GS_BUILD=${GS_BUILD:-/work/main/build}
UDP_BUFFER=$((32 * 1024 * 1024))  # asked of every receiver

bash scripts/install-deps.sh all >/dev/null

freeport() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
# tcp_up PORT PID: true once PORT accepts a connection, for at most 10 s, while PID lives.
tcp_up() {
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "process $2 died before port $1 was up" >&2; return 1; }
    sleep 0.05
  done
  echo "port $1 not up within 10 s" >&2
  return 1
}
# udp_rcvbuf PORT: the receive buffer of the UDP socket on PORT, in bytes (ss's rb).
udp_rcvbuf() { ss -H -u -a -n -m "sport = :$1" 2>/dev/null | sed -nE 's/.*skmem:\(.*,rb([0-9]+),.*/\1/p' | head -1; }
mib() { if [ -n "$1" ]; then echo "$(($1 / 1048576)) MiB"; else echo "?"; fi; }
TCK=$(getconf CLK_TCK)
T=$(mktemp -d /tmp/gs-syslog-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== machine: $(nproc) cores, kernel $(uname -r), load $(load)"
echo "   net.core.rmem_max=$(sysctl -n net.core.rmem_max) (caps SO_RCVBUF; root may force more with SO_RCVBUFFORCE)"
if awk '{exit !($1 > 1.0)}' /proc/loadavg; then
  echo "   WARNING: load average above 1 on $(nproc) cores: other work competes; re-run when idle"
fi

# ---- the receivers, each filling in (indexed by its name): its PID, its listening port per
# kind of traffic (rsyslog and groundstation use one port for all four), and where it writes
# (OUT_KIND file: one file; dir: every file under a directory).
declare -A PID TCP3164 TCP5424 UDP3164 UDP5424 OUT_KIND OUT

# rsyslog: the config of Rsyslog::Receiver() in tests/support/syslog_peers.cc (keep in sync).
start_rsyslog() {
  local root=${GS_RSYSLOG_ROOT:-} d=$T/rsyslog p
  [ -n "$root" ] || root=$(bash scripts/fetch-rsyslog.sh "$T/rsyslog-root")
  local mods
  mods=$(dirname "$(find "$root/usr/lib" -name imtcp.so | head -1)")
  mkdir -p "$d/state"; p=$(freeport)
  cat > "$d/rsyslog.conf" <<EOF
global(workDirectory="$d/state" maxMessageSize="64k" processInternalMessages="on")
module(load="imtcp")
module(load="imudp")
ruleset(name="gs_inputs") {
  action(type="omfile" file="$d/received.log" template="RSYSLOG_FileFormat" asyncWriting="on" ioBufferSize="256k" flushOnTXEnd="off" flushInterval="1")
}
input(type="imtcp" address="127.0.0.1" port="$p" ruleset="gs_inputs")
input(type="imudp" address="127.0.0.1" port="$p" rcvbufSize="$UDP_BUFFER" ruleset="gs_inputs")
action(type="omfile" file="$d/rsyslogd.log")
EOF
  "$root/usr/sbin/rsyslogd" -N1 -f "$d/rsyslog.conf" -M "$mods" > "$d/check.log" 2>&1 ||
    { cat "$d/check.log" >&2; exit 1; }
  "$root/usr/sbin/rsyslogd" -n -f "$d/rsyslog.conf" -i "$d/rsyslogd.pid" -M "$mods" \
    > "$d/rsyslogd.out" 2>&1 & PID[rsyslog]=$!; PIDS+=("${PID[rsyslog]}")
  tcp_up "$p" "${PID[rsyslog]}" || { cat "$d/rsyslogd.out" >&2; exit 1; }
  TCP3164[rsyslog]=$p; TCP5424[rsyslog]=$p; UDP3164[rsyslog]=$p; UDP5424[rsyslog]=$p
  OUT_KIND[rsyslog]=file; OUT[rsyslog]=$d/received.log; : > "${OUT[rsyslog]}"
  echo "   rsyslog: $("$root/usr/sbin/rsyslogd" -v | awk 'NR == 1 {print $1, $2}'), pid ${PID[rsyslog]}, tcp+udp $p"
}

# syslog-ng: the config of SyslogNg in tests/support/syslog_peers.cc (keep in sync): network()
# for LF-framed 3164, syslog() for octet-counted 5424 (network() would take the octet count
# for the program name), flow control so a lagging file writer slows TCP senders instead of
# dropping, log-fetch-limit(1000) (default 10; 1.5x the TCP rate here).
start_syslog_ng() {
  local d=$T/syslog-ng p1 p2 p3 p4 version
  mkdir -p "$d"; p1=$(freeport); p2=$(freeport); p3=$(freeport); p4=$(freeport)
  version=$(syslog-ng --version | sed -n 's/^Config version: //p')
  cat > "$d/syslog-ng.conf" <<EOF
@version: $version
options { stats-freq(0); keep-hostname(yes); chain-hostnames(no); use-dns(no);
  dns-cache(no); log-msg-size(65536); };
source s_net {
  network(ip("127.0.0.1") port($p1) transport("tcp") max-connections(16) log-iw-size(160000) log-fetch-limit(1000));
  syslog(ip("127.0.0.1") port($p2) transport("tcp") max-connections(16) log-iw-size(160000) log-fetch-limit(1000));
  network(ip("127.0.0.1") port($p3) transport("udp") log-iw-size(100000) log-fetch-limit(1000) so-rcvbuf($UDP_BUFFER));
  syslog(ip("127.0.0.1") port($p4) transport("udp") log-iw-size(100000) log-fetch-limit(1000) so-rcvbuf($UDP_BUFFER));
};
destination d_file { file("$d/received.log" template("\${ISODATE} \${HOST} \${MSGHDR}\${MESSAGE}\n") log-fifo-size(600000) flush-lines(1000)); };
log { source(s_net); destination(d_file); flags(flow-control); };
EOF
  syslog-ng -s -f "$d/syslog-ng.conf" || exit 1
  syslog-ng -F -f "$d/syslog-ng.conf" -R "$d/syslog-ng.persist" -p "$d/syslog-ng.pid" \
    -c "$d/syslog-ng.ctl" --no-caps > "$d/syslog-ng.log" 2>&1 & PID[syslog-ng]=$!
  PIDS+=("${PID[syslog-ng]}")
  tcp_up "$p1" "${PID[syslog-ng]}" && tcp_up "$p2" "${PID[syslog-ng]}" ||
    { cat "$d/syslog-ng.log" >&2; exit 1; }
  TCP3164[syslog-ng]=$p1; TCP5424[syslog-ng]=$p2; UDP3164[syslog-ng]=$p3; UDP5424[syslog-ng]=$p4
  OUT_KIND[syslog-ng]=file; OUT[syslog-ng]=$d/received.log; : > "${OUT[syslog-ng]}"
  echo "   syslog-ng: $(syslog-ng --version | head -1), pid ${PID[syslog-ng]}, tcp $p1 (3164) $p2 (5424), udp $p3 (3164) $p4 (5424)"
}

# groundstation, against the config contract of issue 6. Sets GS_STARTED=1, or prints why it is
# skipped when this build has no binary or no syslog support.
GS_STARTED=0
start_groundstation() {
  local d=$T/groundstation p http bin=""
  for b in "$GS_BUILD/collector/groundstation" "$GS_BUILD/groundstation"; do
    [ -x "$b" ] && { bin=$b; break; }
  done
  if [ -z "$bin" ]; then
    echo "groundstation: skipped (no binary in $GS_BUILD; build Release there or set GS_BUILD)"
    return 0
  fi
  mkdir -p "$d"; p=$(freeport); http=$(freeport)
  cat > "$d/gs.yaml" <<EOF
data_dir: $d/data
http: {listen: "127.0.0.1:$http"}
syslog:
  listen: ["udp://127.0.0.1:$p", "tcp://127.0.0.1:$p"]
  udp_receive_buffer: 32MiB
  max_message_size: 64KiB
$(grep -v '^#' bench/syslog_rules.yaml)
nodes: []
checks: []
EOF
  local rc=0
  "$bin" config check -c "$d/gs.yaml" > "$d/check.log" 2>&1 || rc=$?
  if [ "$rc" -eq 2 ] && grep -q 'syslog' "$d/check.log"; then
    echo "groundstation: skipped (no syslog support in this build)"
    return 0
  elif [ "$rc" -ne 0 ]; then
    echo "groundstation: config check failed ($rc):" >&2; cat "$d/check.log" >&2; exit 1
  fi
  "$bin" run -c "$d/gs.yaml" > "$d/gs.log" 2>&1 & PID[groundstation]=$!
  PIDS+=("${PID[groundstation]}")
  tcp_up "$http" "${PID[groundstation]}" && tcp_up "$p" "${PID[groundstation]}" ||
    { tail -20 "$d/gs.log" >&2; exit 1; }
  TCP3164[groundstation]=$p; TCP5424[groundstation]=$p; UDP3164[groundstation]=$p
  UDP5424[groundstation]=$p; OUT_KIND[groundstation]=dir; OUT[groundstation]=$d/data/logs
  GS_METRICS=http://127.0.0.1:$http/metrics; GS_PORT=$p; GS_STARTED=1
  echo "   groundstation: $("$bin" --version 2>&1 | head -1), pid ${PID[groundstation]}, tcp+udp $p, http $http"
}

# What a receiver has written: bytes (cheap, for polling) and lines (once, at the end).
out_bytes() {
  if [ "${OUT_KIND[$1]}" = dir ]; then
    [ -d "${OUT[$1]}" ] && find "${OUT[$1]}" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}' || echo 0
  else stat -c %s "${OUT[$1]}" 2>/dev/null || echo 0; fi
}
out_lines() {
  if [ "${OUT_KIND[$1]}" = dir ]; then
    [ -d "${OUT[$1]}" ] && find "${OUT[$1]}" -type f -exec cat {} + | wc -l || echo 0
  else wc -l < "${OUT[$1]}"; fi
}
# Empties the output between cases (the writers keep their files open; a writer without
# O_APPEND leaves a sparse file, whose holes hold no newline, so line counts stay right).
out_reset() {
  if [ "${OUT_KIND[$1]}" = dir ]; then
    [ -d "${OUT[$1]}" ] && find "${OUT[$1]}" -type f -exec truncate -s 0 {} + || true
  else truncate -s 0 "${OUT[$1]}"; fi
}
# wait_drained RX: polls the output size every 0.2 s until it has not grown for 3 s (longer
# than every receiver's flush interval), for at most DRAIN_SECONDS; prints the seconds from
# now to the last growth.
wait_drained() {
  local start last size prev=-1 still=0 deadline
  start=$(now); last=$start; deadline=$(( $(date +%s) + DRAIN_SECONDS ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    size=$(out_bytes "$1")
    if [ "$size" != "$prev" ]; then prev=$size; last=$(now); still=0; else still=$((still + 1)); fi
    [ "$still" -ge 15 ] && break
    sleep 0.2
  done
  echo "$last - $start" | bc -l
}
# gs_metric NAME [TEXT]: the sum of the series of counter NAME whose line contains TEXT.
gs_metric() {
  { curl -fsS "$GS_METRICS" 2>/dev/null || true; } | awk -v n="$1" -v f="${2:-}" '
    index($0, n) == 1 && substr($0, length(n) + 1, 1) ~ /[{ ]/ && (f == "" || index($0, f)) {s += $NF}
    END {printf "%.0f\n", s}'
}

# case_args CASE: sets ARGS (loggen's options) and KIND (which listener: tcp3164, tcp5424,
# udp3164 or udp5424) for CASE.
case_args() {
  # loggen's -r is per connection.
  local udp_load=(--active-connections="$UDP_CONNECTIONS" -r $((UDP_RATE / UDP_CONNECTIONS)))
  case $1 in
    tcp-3164-x1) ARGS=(-i -S --active-connections=1 -r "$TCP_RATE"); KIND=tcp3164 ;;
    tcp-3164-x4) ARGS=(-i -S --active-connections=4 -r "$TCP_RATE"); KIND=tcp3164 ;;
    tcp-5424-x1) ARGS=(-i -S -P --active-connections=1 -r "$TCP_RATE"); KIND=tcp5424 ;;
    tcp-5424-x4) ARGS=(-i -S -P --active-connections=4 -r "$TCP_RATE"); KIND=tcp5424 ;;
    udp-3164) ARGS=(-i -D "${udp_load[@]}"); KIND=udp3164 ;;
    udp-5424) ARGS=(-i -D -P -F "${udp_load[@]}"); KIND=udp5424 ;;
    *) echo "unknown case $1" >&2; exit 2 ;;
  esac
  ARGS+=(-s "$MSG_SIZE" -I "$RUN_SECONDS")
  [ -z "$RUN_COUNT" ] || ARGS+=(-n "$RUN_COUNT")
}
# send PORT: one bounded loggen run with ARGS to 127.0.0.1:PORT; prints loggen's summary line
# ("average rate = R msg/sec, count=N, time=S, ...") or nothing.
send() {
  timeout -k 5 $((RUN_SECONDS + 60)) loggen -Q "${ARGS[@]}" 127.0.0.1 "$1" > "$T/loggen.out" 2>&1 || true
  grep 'average rate' "$T/loggen.out" | tail -1 || true
}

# ceiling CASE: loggen's own ceiling for a TCP case, the same run against socat writing to
# /dev/null (appends "CASE loggen->null RATE" to $T/ceiling).
ceiling() {
  local p pid out
  case_args "$1"
  p=$(freeport)
  socat -u "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr,fork,backlog=64" OPEN:/dev/null,wronly &
  pid=$!; PIDS+=("$pid")
  tcp_up "$p" "$pid" || exit 1
  out=$(send "$p")
  kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  [ -n "$out" ] || return 0
  echo "$1 $(sed -E 's/.*average rate = ([0-9.]+).*/\1/' <<<"$out")" >> "$T/ceiling"
  printf '   %-12s %-13s sent %9.0f/s (no receiver work: the sender'"'"'s ceiling)\n' "$1" "loggen->null" \
    "$(sed -E 's/.*average rate = ([0-9.]+).*/\1/' <<<"$out")"
}

# udp_floor CASE: the kernel's share of a UDP case, the same loggen run against
# udp_receive_bench (receives as groundstation does, then discards: no parsing, no rules, no
# archive); appends "CASE CPU_US_PER_DATAGRAM" to $T/floor. Skipped without the binary.
udp_floor() {
  local bin=$GS_BUILD/bench/udp_receive_bench p pid out line
  [ -x "$bin" ] || { echo "   $1: kernel floor skipped (no $bin)"; return 0; }
  case_args "$1"
  p=$(freeport)
  "$bin" "$p" 2 $((RUN_SECONDS + 90)) > "$T/floor.out" 2>&1 & pid=$!; PIDS+=("$pid")
  for _ in $(seq 100); do [ -n "$(udp_rcvbuf "$p")" ] && break; sleep 0.05; done
  out=$(send "$p")
  wait "$pid" 2>/dev/null || true
  line=$(grep '^udp_receive ' "$T/floor.out" || true)
  [ -n "$out" ] && [ -n "$line" ] || return 0
  local got cpu rcvbuf
  got=$(sed -E 's/.*datagrams=([0-9]+).*/\1/' <<<"$line")
  cpu=$(sed -E 's/.*cpu_us_per_datagram=([0-9.]+).*/\1/' <<<"$line")
  rcvbuf=$(sed -E 's/.*rcvbuf=([0-9]+).*/\1/' <<<"$line")
  echo "$1 $cpu $rcvbuf" >> "$T/floor"
  printf '   %-12s %-13s sent %9.0f/s  received %9d  cpu %.2f us/msg (recvmmsg only: the kernel floor)\n' \
    "$1" "udp-floor" "$(sed -E 's/.*average rate = ([0-9.]+).*/\1/' <<<"$out")" "$got" "$cpu"
}

# run_case RX CASE: one loggen run, the drain, one result line in $T/results.
run_case() {
  local rx=$1 c=$2 port pid out
  case_args "$c"
  case $KIND in
    tcp3164) port=${TCP3164[$rx]} ;;
    tcp5424) port=${TCP5424[$rx]} ;;
    udp3164) port=${UDP3164[$rx]} ;;
    udp5424) port=${UDP5424[$rx]} ;;
  esac
  pid=${PID[$rx]}
  kill -0 "$pid" 2>/dev/null || { echo "$rx (pid $pid) is not running" >&2; exit 1; }
  out_reset "$rx"
  local rcvbuf="-" r0=0 w0=0
  [[ $c == udp-* ]] && rcvbuf=$(udp_rcvbuf "$port") && [ -z "$rcvbuf" ] && rcvbuf="-"
  if [ "$rx" = groundstation ]; then
    r0=$(gs_metric groundstation_syslog_messages_received_total "${c%%-*}://127.0.0.1:$GS_PORT")
    w0=$(gs_metric groundstation_syslog_archive_written_total)
  fi
  local c0 c1 drain sent rate written
  c0=$(cpu_ticks "$pid")
  out=$(send "$port")
  drain=$(wait_drained "$rx")
  c1=$(cpu_ticks "$pid")
  rate=$(sed -E 's/.*average rate = ([0-9.]+).*/\1/' <<<"$out")
  sent=$(sed -E 's/.*count=([0-9]+).*/\1/' <<<"$out")
  if [ -z "$out" ] || [ -z "$sent" ] || [ "$sent" -eq 0 ]; then
    echo "   $rx $c: loggen sent nothing: $(tail -3 "$T/loggen.out" | tr '\n' ' ')" >&2
    echo "$c $rx 0 0 0 0 100 - $rcvbuf 0" >> "$T/results"; return
  fi
  written=$(out_lines "$rx")
  local secs loss cpu wrate
  secs=$(sed -E 's/.*time=([0-9.]+).*/\1/' <<<"$out")
  loss=$(echo "($sent - $written) * 100 / $sent" | bc -l)
  wrate=$(echo "$written / $secs" | bc -l)
  if [ "$written" -gt 0 ]; then cpu=$(echo "($c1 - $c0) * 1000000 / $TCK / $written" | bc -l); else cpu=-; fi
  echo "$c $rx $rate $sent $written $wrate $loss $cpu $rcvbuf $drain" >> "$T/results"
  printf '   %-12s %-13s sent %9.0f/s %9d  written %9d (%8.0f/s)  loss %6.2f%%  cpu %s us/msg  drain %.1fs\n' \
    "$c" "$rx" "$rate" "$sent" "$written" "$wrate" "$loss" "$( [ "$cpu" = - ] && echo - || printf '%.2f' "$cpu")" "$drain"
  if [ "$rx" = groundstation ]; then
    echo "      metrics: received +$(( $(gs_metric groundstation_syslog_messages_received_total "${c%%-*}://127.0.0.1:$GS_PORT") - r0 )), archive written +$(( $(gs_metric groundstation_syslog_archive_written_total) - w0 ))"
  fi
}

echo "== receivers (UDP receive buffer asked: $(mib $UDP_BUFFER))"
ACTIVE=()
for rx in $RECEIVERS; do
  case $rx in
    groundstation) start_groundstation; [ "$GS_STARTED" = 1 ] && ACTIVE+=(groundstation) ;;
    rsyslog) start_rsyslog; ACTIVE+=(rsyslog) ;;
    syslog-ng) start_syslog_ng; ACTIVE+=(syslog-ng) ;;
    *) echo "unknown receiver $rx" >&2; exit 2 ;;
  esac
done
for rx in "${ACTIVE[@]}"; do
  for port in "${UDP3164[$rx]}" "${UDP5424[$rx]}"; do
    [ -n "$(udp_rcvbuf "$port")" ] || { echo "$rx has no UDP socket on port $port" >&2; exit 1; }
  done
  b=$(udp_rcvbuf "${UDP3164[$rx]}")
  echo "   $rx UDP receive buffer: $(mib "$b") (ss rb=$b)"
done

: > "$T/results"; : > "$T/ceiling"; : > "$T/floor"
echo "== runs: ${RUN_SECONDS}s each${RUN_COUNT:+, at most $RUN_COUNT messages}, $MSG_SIZE-byte messages, UDP: -r $UDP_RATE msgs/s over $UDP_CONNECTIONS sender threads"
for c in $CASES; do
  echo "-- $c (load $(load))"
  if [ "$CEILING" = 1 ] && [[ $c == tcp-* ]]; then ceiling "$c"; fi
  if [ "$CEILING" = 1 ] && [[ $c == udp-* ]]; then udp_floor "$c"; fi
  for rx in "${ACTIVE[@]}"; do run_case "$rx" "$c"; done
done

echo "== results (load $(load))"
printf '%-12s %-13s %11s %11s %11s %7s %11s %10s\n' case receiver sent/s written written/s loss% "cpu us/msg" "udp rcvbuf"
while read -r c rx rate sent written wrate loss cpu rcvbuf drain; do
  printf '%-12s %-13s %11.0f %11d %11.0f %7.2f %11s %10s\n' "$c" "$rx" "$rate" "$written" "$wrate" \
    "$loss" "$( [ "$cpu" = - ] && echo - || printf '%.2f' "$cpu")" \
    "$( [ "$rcvbuf" = - ] && echo - || mib "$rcvbuf")"
done < "$T/results"
while read -r c rate; do
  printf '%-12s %-13s %11.0f %11s %11s %7s %11s %10s\n' "$c" "loggen->null" "$rate" - - - - -
done < "$T/ceiling"
while read -r c cpu rcvbuf; do
  printf '%-12s %-13s %11s %11s %11s %7s %11.2f %10s\n' "$c" "udp-floor" - - - - "$cpu" "$(mib "$rcvbuf")"
done < "$T/floor"

echo "== groundstation / rsyslog"
if [[ " ${ACTIVE[*]} " != *" groundstation "* ]]; then
  echo "n/a: groundstation did not run"
else
  verdict() { if [ "$(echo "$1" | bc -l)" = 1 ]; then echo met; else echo MISSED; fi; }
  for c in $CASES; do
    g=$(awk -v c="$c" '$1 == c && $2 == "groundstation"' "$T/results")
    r=$(awk -v c="$c" '$1 == c && $2 == "rsyslog"' "$T/results")
    [ -n "$g" ] && [ -n "$r" ] || continue
    read -r _ _ grate _ _ gw gloss gcpu _ _ <<<"$g"
    top=$(awk -v c="$c" '$1 == c {print $2}' "$T/ceiling")
    read -r _ _ _ _ _ rw rloss rcpu _ _ <<<"$r"
    [ "$gcpu" != - ] && [ "$rcpu" != - ] || continue
    printf '%-12s written/s %.2fx, cpu per msg %.2fx (%.2f vs %.2f us), loss %.2f%% vs %.2f%%\n' \
      "$c" "$(echo "$gw / $rw" | bc -l)" "$(echo "$gcpu / $rcpu" | bc -l)" "$gcpu" "$rcpu" "$gloss" "$rloss"
    printf '             target <= 1.0 us/msg: %s' "$(verdict "$gcpu <= 1.0")"
    if [[ $c == tcp-* ]]; then
      # Or, where the sender saturates first: within 10 % of loggen's ceiling, nothing lost.
      printf ', >= 2x rsyslog written/s (or >= 0.9 of the sender ceiling %s/s, no loss): %s\n' \
        "${top:-?}" "$(verdict "$gw >= 2 * $rw || ($gloss == 0 && $grate >= 0.9 * ${top:-1000000000})")"
    else
      printf ', UDP loss < 1%% (rsyslog: %.2f%%): %s\n' "$rloss" "$(verdict "$gloss < 1")"
      floor=$(awk -v c="$c" '$1 == c {print $2}' "$T/floor")
      [ -z "$floor" ] || printf '             kernel floor (receive and discard): %.2f us/msg, so %.2f us/msg above it\n' \
        "$floor" "$(echo "$gcpu - $floor" | bc -l)"
    fi
  done
fi
