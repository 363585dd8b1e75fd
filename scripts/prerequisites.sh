#!/usr/bin/env bash
# Installs the Debian packages the given needs call for, when they are missing:
#   postgresql  server binaries for the embedded PostgreSQL (initdb, pg_ctl, postgres)
#   chromium    the browser the browser tests drive
#   npm         Node.js and npm, with which the client's build restores its chart library
#   syslog-ng   syslog-ng with its http() module, which a test runs with ship/syslog-ng/aid.conf
#   collectd    collectd with write_http (and the libraries its plugin loads), run with ship/collectd/aid.conf
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
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  # Debian's postgresql package starts a system cluster on port 5432; the dashboard runs its own.
  # The tests run syslog-ng and collectd in the foreground themselves: no services either.
  if command -v systemctl >/dev/null 2>&1; then
    for pair in postgresql:postgresql syslog-ng-core:syslog-ng collectd-core:collectd; do
      if [[ " ${missing[*]} " == *" ${pair%%:*} "* ]]; then
        $sudo systemctl disable --now "${pair#*:}" >/dev/null 2>&1 || true
      fi
    done
  fi
}
