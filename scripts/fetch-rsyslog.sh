#!/usr/bin/env bash
# scripts/fetch-rsyslog.sh DIR: unpacks Debian's rsyslog (with its gtls and ossl network stream
# drivers) into DIR, for the integration tests and bench/syslog_ingest.sh, and prints DIR.
# rsyslog is never installed: Debian's rsyslog package conflicts with syslog-ng-core (both are
# "the system logger"), so it is fetched with `apt-get download` and unpacked with `dpkg-deb -x`.
# Its shared-library dependencies (libestr0 libfastjson4 liblognorm5) do not conflict and are
# installed by scripts/install-deps.sh. Run it as:
#   DIR/usr/sbin/rsyslogd -M DIR/usr/lib/x86_64-linux-gnu/rsyslog ...
# Idempotent: does nothing when DIR/usr/sbin/rsyslogd already exists.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
if [ ! -x "$DIR/usr/sbin/rsyslogd" ]; then
  tmp=$(mktemp -d /tmp/fetch-rsyslog.XXXXXX)
  trap 'rm -rf "$tmp"' EXIT
  # apt-get download writes into the current directory. As root it warns that the download is
  # "performed unsandboxed" because _apt cannot write to a 0700 temp dir: harmless.
  (cd "$tmp" && apt-get download -q rsyslog rsyslog-openssl rsyslog-gnutls >/dev/null 2>&1) ||
    (cd "$tmp" && apt-get update -qq && apt-get download -q rsyslog rsyslog-openssl rsyslog-gnutls >/dev/null)
  # Unpack into a staging dir and copy rsyslogd into DIR last, so an interrupted run never
  # leaves a DIR that looks finished to the check above.
  mkdir -p "$tmp/root"
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
  if [ ! -x "$tmp/root/usr/sbin/rsyslogd" ]; then
    echo "fetch-rsyslog: no usr/sbin/rsyslogd in the downloaded packages" >&2
    exit 1
  fi
  mv "$tmp/root/usr/sbin/rsyslogd" "$tmp/rsyslogd"
  cp -a "$tmp/root/." "$DIR/"
  cp -a "$tmp/rsyslogd" "$DIR/usr/sbin/rsyslogd"
fi
echo "$DIR"
