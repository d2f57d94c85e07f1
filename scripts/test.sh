#!/usr/bin/env bash
# Every test, against real Postgres and Redis (started when they do not answer): type check,
# unit tests, then integration tests with the real API, worker, Bull and platform simulators.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_pnpm
ensure_services
install_and_build
echo "› type checking"
pnpm typecheck
echo "› checking openapi.json and the typed client are up to date"
node scripts/api-contract.mjs --check
echo "› testing"
pnpm test "$@"
