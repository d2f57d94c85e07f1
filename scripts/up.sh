#!/usr/bin/env bash
# The whole service from a fresh clone: install, build, migrate, then API + worker (and, with no
# real platform credentials, the local platform simulator). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_pnpm
ensure_services
install_and_build
echo "› migrating the database"
pnpm db:migrate
pnpm db:seed
echo "› starting API + worker on http://127.0.0.1:${PORT:-3000} (docs: /docs); try \`pnpm simulate\` in another terminal"
exec pnpm start
