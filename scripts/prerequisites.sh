#!/usr/bin/env bash
# Installs the Debian packages the given needs call for, when they are missing:
#   postgresql  server binaries for the embedded PostgreSQL (initdb, pg_ctl, postgres)
#   chromium    the browser the browser tests drive
#   npm         Node.js and npm, with which the client's build restores its chart library
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
  if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v systemctl >/dev/null 2>&1; then
    $sudo systemctl disable --now postgresql >/dev/null 2>&1 || true
  fi
}
