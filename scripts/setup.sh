#!/usr/bin/env bash
# Set up everything Vigie needs on Debian 12, then run it or its tests.
#
#   scripts/setup.sh run    install, migrate, load the Dijon demo, start web app + rq worker + cron
#   scripts/setup.sh test   install, then run the whole test suite (extra args go to pytest)
#
# Idempotent: a second run only checks what is there and starts in seconds.
# With VIGIE_DATABASE_URL / VIGIE_REDIS_URL set, those servers are used and no local
# PostgreSQL / Redis is installed or started.
set -euo pipefail

MODE="${1:-run}"; shift || true
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
STATE="$ROOT/instance"           # local, untracked state (secret key, stamps, logs)
PORT="${VIGIE_PORT:-5000}"
LOCAL_DB_PASSWORD="vigie"
mkdir -p "$STATE"

say() { printf '\033[1;34m[vigie]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[vigie] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do is_installed "$pkg" || missing+=("$pkg"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  say "installing system packages: ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- system packages -------------------------------------------------------------
install_system_packages() {
  local pkgs=(ca-certificates)
  python3 -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null \
    || die "Python 3.11 or newer is needed (Debian 12 ships 3.11)"
  python3 -c 'import ensurepip, venv' 2>/dev/null || pkgs+=(python3-venv)
  command -v npm >/dev/null || pkgs+=(nodejs npm)
  [ -z "${VIGIE_DATABASE_URL:-}" ] && pkgs+=(postgresql postgresql-client)
  [ -z "${VIGIE_REDIS_URL:-}" ] && pkgs+=(redis-server)
  pkgs+=(fonts-dejavu-core)  # the font of printed work orders (every French accent, embedded)
  [ "$MODE" = test ] && pkgs+=(chromium poppler-utils)
  [ "$MODE" = test ] && pkgs+=(python3-qgis)  # QGIS itself reads /ogc in tests/ogc/test_qgis.py
  apt_install "${pkgs[@]}"
  if [ -z "${VIGIE_DATABASE_URL:-}" ]; then
    # PostGIS for the registry, pgRouting for travel times on the imported street network
    apt_install "postgresql-$(pg_major)-postgis-3" "postgresql-$(pg_major)-pgrouting"
  fi
}

pg_major() { ls /usr/lib/postgresql | sort -n | tail -1; }

# --- PostgreSQL + PostGIS ----------------------------------------------------------
ensure_local_postgres() {
  local major cluster_port
  major="$(pg_major)"
  if ! pg_lsclusters -h | awk -v v="$major" '$1==v && $2=="main"' | grep -q .; then
    say "creating PostgreSQL $major cluster"
    as_root pg_createcluster "$major" main >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$major" '$1==v && $2=="main" {print $4}' | grep -q online; then
    say "starting PostgreSQL $major"
    as_root pg_ctlcluster --skip-systemctl-redirect "$major" main start
  fi
  cluster_port="$(pg_lsclusters -h | awk -v v="$major" '$1==v && $2=="main" {print $3}')"
  # The local role owns its databases and may create the postgis extension.
  as_postgres psql -p "$cluster_port" -qtAc "SELECT 1 FROM pg_roles WHERE rolname='vigie'" | grep -q 1 \
    || as_postgres psql -p "$cluster_port" -qc "CREATE ROLE vigie LOGIN SUPERUSER PASSWORD '$LOCAL_DB_PASSWORD'"
  as_postgres psql -p "$cluster_port" -qtAc "SELECT 1 FROM pg_database WHERE datname='vigie'" | grep -q 1 \
    || as_postgres createdb -p "$cluster_port" -O vigie vigie
  export VIGIE_DATABASE_URL="postgresql+psycopg://vigie:$LOCAL_DB_PASSWORD@127.0.0.1:$cluster_port/vigie"
}

# --- Redis -------------------------------------------------------------------------
ensure_local_redis() {
  if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir "$STATE" --logfile "$STATE/redis.log"
    for _ in $(seq 50); do redis-cli -p 6379 ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  fi
  export VIGIE_REDIS_URL="redis://127.0.0.1:6379/0"
}

# --- Python and front-end packages ------------------------------------------------
install_python_package() {
  local extras="" stamp installed
  [ "$MODE" = test ] && extras="[test]"
  [ -x "$VENV/bin/python" ] || { say "creating virtualenv"; python3 -m venv "$VENV"; }
  stamp="$(sha256sum < pyproject.toml | cut -c1-16)"
  installed="$(cat "$VENV/.vigie-installed" 2>/dev/null || true)"
  # An install with the test extras also serves `run`; `test` needs them.
  if [ "$installed" != "$stamp$extras" ] && [ "$installed" != "$stamp[test]" ]; then
    say "installing Python packages"
    "$VENV/bin/pip" install -q --disable-pip-version-check -e ".$extras"
    echo "$stamp$extras" > "$VENV/.vigie-installed"
  fi
  "$VENV/bin/pybabel" compile -f -d app/translations >/dev/null 2>&1 || die "translations do not compile"
}

install_frontend_packages() {
  if ! cmp -s package-lock.json node_modules/.vigie-lock 2>/dev/null; then
    say "installing front-end packages from npm"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.vigie-lock
  fi
  mkdir -p static/vendor/ol
  cp node_modules/ol/dist/ol.js node_modules/ol/ol.css node_modules/ol/LICENSE.md static/vendor/ol/
}

ensure_secret_key() {
  if [ -z "${VIGIE_SECRET_KEY:-}" ]; then
    [ -s "$STATE/secret_key" ] || (umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(48))' > "$STATE/secret_key")
    VIGIE_SECRET_KEY="$(cat "$STATE/secret_key")"
    export VIGIE_SECRET_KEY
  fi
}

# --- main --------------------------------------------------------------------------
case "$MODE" in run|test) ;; *) die "usage: scripts/setup.sh run|test [pytest args]";; esac

install_system_packages
[ -z "${VIGIE_DATABASE_URL:-}" ] && ensure_local_postgres
[ -z "${VIGIE_REDIS_URL:-}" ] && ensure_local_redis
install_python_package
install_frontend_packages
ensure_secret_key
export PATH="$VENV/bin:$PATH"

if [ "$MODE" = test ]; then
  say "running the test suite"
  exec "$VENV/bin/python" -m pytest "$@"
fi

export VIGIE_DEMO_MODE="${VIGIE_DEMO_MODE:-1}"
say "applying migrations"
alembic upgrade head
if [ "$VIGIE_DEMO_MODE" = 1 ]; then
  vigie load-demo
  vigie generate-inventory  # about 100,000 assets on the first run; skipped once there are assets
  vigie generate-interventions  # teams and two years of interventions; skipped once there are some
  vigie refresh-coverage --past-days 30 --past-days 365  # coverage maps and figures; then only what edits changed
fi

say "starting the rq worker and its nightly schedule (logs: instance/worker.log, instance/cron.log)"
vigie-worker >>"$STATE/worker.log" 2>&1 &
WORKER_PID=$!
vigie-cron >>"$STATE/cron.log" 2>&1 &  # enqueues the recurring jobs (maintenance plans at 02:30)
CRON_PID=$!
trap 'kill $WORKER_PID $CRON_PID 2>/dev/null || true' EXIT INT TERM

say "Vigie runs on http://127.0.0.1:$PORT  (demo logins above, password vigie-demo; Ctrl-C stops)"
gunicorn --bind "127.0.0.1:$PORT" --workers 2 --threads 4 --access-logfile - wsgi:app
