#!/usr/bin/env bash
# Runs every test: parsers, the server on a real PostgreSQL (a throwaway cluster, or the one
# DASHBOARD_TEST_POSTGRES names), the command line, the embedded launcher, the published app in
# Debian's Chromium, the shippers, and ShellCheck over the shell scripts (installed when missing).
# Extra arguments go to dotnet test (e.g. --filter FullyQualifiedName~Ingest).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$root/scripts/prerequisites.sh"
ensure_prerequisites postgresql npm chromium syslog-ng collectd apache2 goaccess shellcheck
cd "$root"
dotnet test Dashboard.sln -c Release --nologo --logger "trx" --logger "console;verbosity=minimal" --results-directory TestResults "$@"
