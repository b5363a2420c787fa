#!/usr/bin/env bash
# Installs every Debian 12 package groundstation needs to build, run, test and benchmark.
# Idempotent: runs `apt-get update` once (only when something is missing), then installs
# only what is missing. Both README commands call it; nobody needs to run it by hand.
set -euo pipefail

BUILD=(cmake ninja-build g++ pkg-config git
  libcurl4-openssl-dev libssl-dev zlib1g-dev libhyperscan-dev librrd-dev rrdtool rrdcached fonts-dejavu-core libpcre2-dev
  libboost-program-options-dev libboost-dev libsqlite3-dev libyaml-cpp-dev
  nlohmann-json3-dev libmariadb-dev libexpected-dev libgtest-dev libgmock-dev googletest
  libbenchmark-dev clang-format libpugixml-dev libc-ares-dev)
RUN=(curl ca-certificates sqlite3)
# Syslog peers: syslog-ng-core (loggen, and syslog-ng as a bench receiver), bsdutils (logger),
# openssl (test certificates), and the shared libraries of rsyslogd. rsyslog itself conflicts
# with syslog-ng-core, so scripts/fetch-rsyslog.sh unpacks it privately instead. iproute2: `ss -m`
# (UDP receive buffers).
# Probe peers: mariadb-server (primary + replica), nagios-nrpe-server + check_nrpe, and the
# libraries monitoring-plugins-standard needs without its recommends (check_curl, check_mysql).
TEST=(nginx-light monitoring-plugins-basic monitoring-plugins-standard socat procps prometheus
  mariadb-server mariadb-client nagios-nrpe-server nagios-nrpe-plugin liburiparser1 libmariadb3
  prometheus-alertmanager python3-aiosmtpd tzdata
  clang libclang-rt-14-dev
  syslog-ng-core bsdutils openssl libestr0 libfastjson4 liblognorm5 iproute2
  dnsmasq dnsutils chromium)
BENCH=(prometheus-blackbox-exporter wrk time bc)

want=("${BUILD[@]}" "${RUN[@]}")
case "${1:-all}" in
  run) ;;
  test) want+=("${TEST[@]}") ;;
  all) want+=("${TEST[@]}" "${BENCH[@]}") ;;
  *) echo "usage: $0 [run|test|all]" >&2; exit 2 ;;
esac

# Package postinst scripts must not start system daemons (nginx on :80, blackbox on :9115).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
