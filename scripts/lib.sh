# Shared by scripts/up.sh and scripts/test.sh.

ensure_pnpm() {
  if ! command -v pnpm >/dev/null 2>&1; then
    echo "› installing pnpm 10"
    npm install -g pnpm@10 >/dev/null 2>&1 || corepack enable pnpm
  fi
}

install_and_build() {
  echo "› installing dependencies"
  pnpm install --frozen-lockfile
  echo "› building"
  pnpm build
}

# Postgres and Redis from the environment (DATABASE_URL / REDIS_URL); when they do not answer,
# start them: with docker compose where a Docker engine runs, else the machine's own servers.
ensure_services() {
  if node scripts/services.mjs; then return 0; fi
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    echo "› starting postgres and redis with docker compose"
    docker compose up -d postgres redis
  else
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      echo "› starting the local PostgreSQL"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    fi
    if command -v redis-server >/dev/null 2>&1 && ! node -e "require('net').connect(6379,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))" 2>/dev/null; then
      echo "› starting the local Redis"
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    fi
  fi
  node scripts/services.mjs --wait 60 || {
    echo "Postgres and Redis are needed: set DATABASE_URL and REDIS_URL, or install Docker (docker compose up -d postgres redis)." >&2
    return 1
  }
}
