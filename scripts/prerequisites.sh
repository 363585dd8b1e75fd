#!/usr/bin/env bash
# Installs the Debian packages the given needs call for, when they are missing:
#   postgresql  server binaries for the embedded PostgreSQL (initdb, pg_ctl, postgres)
#   chromium    the browser the browser tests drive
#   npm         Node.js and npm, with which the client's build restores its chart library
#   syslog-ng   syslog-ng with its http() module, which a test runs with ship/syslog-ng/aid.conf
#   collectd    collectd with write_http (and the libraries its plugin loads), run with ship/collectd/aid.conf
#   apache2     Apache httpd and curl: a test serves real requests and ships the access log Apache writes
#   goaccess    GoAccess, whose per-address counts of that log the dashboard's must equal
#   and shellcheck, ShellCheck: the static check of every shell script the repository ships
# Sourced by ./dashboard and ./test.sh; installs as root or through sudo, else says what to run.
ensure_prerequisites() {
  local missing=()
  for need in "$@"; do
    case "$need" in
      postgresql)
        if [ -z "${ConnectionStrings__Dashboard:-}" ] && ! command -v pg_ctl >/dev/null 2>&1 \
           && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
          missing+=(postgresql)
        fi ;;
      chromium)
        [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
      npm)
        command -v npm >/dev/null 2>&1 || missing+=(nodejs npm) ;;
      syslog-ng)
        if [ ! -x /usr/sbin/syslog-ng ] || ! ls /usr/lib/syslog-ng/*/libhttp.so >/dev/null 2>&1; then
          # Debian's syslog-ng-core conflicts with any other system logger: it would remove rsyslog.
          # On such a machine the logger is not replaced behind the operator's back; the syslog-ng test fails
          # saying what to install (a fresh Debian 12 has no rsyslog).
          if dpkg-query -W -f='${Status}' rsyslog 2>/dev/null | grep -q "ok installed"; then
            echo "rsyslog is installed: not replacing it with syslog-ng, so the syslog-ng shipper test will fail;" \
                 "install syslog-ng-core syslog-ng-mod-http yourself to run it" >&2
          else
            missing+=(syslog-ng-core syslog-ng-mod-http)
          fi
        fi ;;
      collectd)
        # collectd-core only recommends what write_http.so links against.
        if [ ! -x /usr/sbin/collectd ] || ! ldconfig -p | grep -q libyajl.so.2 || ! ldconfig -p | grep -q libcurl.so.4; then
          missing+=(collectd-core libyajl2 libcurl4)
        fi ;;
      apache2)
        if [ ! -x /usr/sbin/apache2 ] || [ ! -f /usr/lib/apache2/modules/mod_mpm_event.so ]; then
          missing+=(apache2)
        fi
        command -v curl >/dev/null 2>&1 || missing+=(curl) ;;
      goaccess)
        [ -x /usr/bin/goaccess ] || missing+=(goaccess) ;;
      shellcheck)
        [ -x /usr/bin/shellcheck ] || missing+=(shellcheck) ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo="sudo"
    else
      echo "Missing Debian packages: ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "Installing ${missing[*]} (Debian packages)..." >&2
  # Debian's packages start their services on install: a PostgreSQL cluster on port 5432 (the dashboard runs
  # its own), Apache on port 80, syslog-ng, collectd (the tests run them in the foreground themselves).
  # A policy-rc.d answering 101 ("action forbidden") keeps them all from starting; a machine that has one
  # already (container images do) keeps its own.
  local policy=/usr/sbin/policy-rc.d added_policy="" status=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# Written by scripts/prerequisites.sh for the length of an apt-get install.\nexit 101\n' \
      | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    added_policy=yes
  fi
  { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; } || status=$?
  if [ -n "$added_policy" ]; then
    $sudo rm -f "$policy"
  fi
  [ "$status" -eq 0 ] || return "$status"
  # Nor should they start at the next boot.
  if command -v systemctl >/dev/null 2>&1; then
    for pair in postgresql:postgresql syslog-ng-core:syslog-ng collectd-core:collectd apache2:apache2; do
      if [[ " ${missing[*]} " == *" ${pair%%:*} "* ]]; then
        $sudo systemctl disable --now "${pair#*:}" >/dev/null 2>&1 || true
      fi
    done
  fi
}
