#!/usr/bin/env bash
# Runs a command against a real Infisical backend (the server Hanzo KMS forks)
# on loopback, built from source, and stops everything it started afterwards.
#
#   HANZO_KMS_REAL_SERVER_SOURCE=<tarball | Infisical checkout | its backend/> \
#     .ci/real-kms.sh <command...>
#   .ci/real-kms.sh --install      build into the cache only
#
# The source is a tarball that unpacks to <dir>/backend (or backend/), an
# Infisical checkout, or its backend/ directory. It is installed once into the
# tool cache, $HANZOKMS_CLI_CACHE/real-kms-<key>/ (<key>: the tarball's
# sha256, or a sha256 over a directory's sources), with npm 10.8.2 in a
# scratch prefix (npm 11 refuses upstream's lockfile), the native addons
# compiled against Debian's Node headers (npm_config_nodedir=/usr; node-gyp
# never downloads headers), and the backend's own `npm run build`. A failed
# build leaves no cache behind. The source is used only to test this
# provider: nothing of it is committed, vendored or shipped.
#
# Each run starts, on 127.0.0.1 and free ports: PostgreSQL 15 in a scratch
# data directory (as the postgres user when run as root), Redis without
# persistence, the project's license stand-in (internal/cmd/realkms license:
# an enterprise plan, so that secret rotation is enabled) and the backend
# (node dist/main.mjs), allowed to reach loopback app connections and trusting
# a CA made for this run, with which the tests sign the local Auth0 tenant's
# certificate. It waits for GET /api/status, bootstraps the instance (an
# admin, an organisation, a machine identity with universal auth, a project),
# runs the command with the variables below, and stops every process by its
# PID on exit, whether the command passed, failed or was interrupted.
#
#   HANZO_KMS_ACC_SERVER=real                 the acceptance tests use this server
#   HANZO_KMS_REAL_URL                        http://127.0.0.1:<port>
#   HANZO_KMS_REAL_ORG_ID                     the organisation
#   HANZO_KMS_REAL_CLIENT_ID                  the identity's universal auth client id
#   HANZO_KMS_REAL_CLIENT_SECRET_FILE         a 0600 file holding its client secret
#   HANZO_KMS_REAL_PROJECT_ID                 a project the identity administers
#   HANZO_KMS_REAL_AUTH0_CA_CERT/_CA_KEY      the CA the backend trusts for Auth0
#   HANZO_KMS_REAL_VERSION                    the server's newest migration
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

CACHE="${HANZOKMS_CLI_CACHE:-$HOME/.cache/terraform-provider-hanzokms}"
NPM_VERSION=10.8.2
APT_PACKAGES=(redis-server make g++ python3 unixodbc-dev freetds-dev)
READY_TIMEOUT=${HANZO_KMS_REAL_READY_TIMEOUT:-240}
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}

# An interrupt exits through the EXIT traps below (a half build is removed,
# every process started is stopped).
trap 'exit 130' INT
trap 'exit 143' TERM
say() { echo "real-kms: $*"; }
die() { echo "real-kms: $*" >&2; exit 1; }
now() { date +%s; }

source=${HANZO_KMS_REAL_SERVER_SOURCE:-}
[ -n "$source" ] || die "set HANZO_KMS_REAL_SERVER_SOURCE to an Infisical checkout, its backend/ directory, or a tarball of it"
[ -e "$source" ] || die "HANZO_KMS_REAL_SERVER_SOURCE=$source does not exist"
source=$(cd "$(dirname "$source")" && pwd)/$(basename "$source")

# The directory holding the backend's package.json, below $1.
find_backend() {
  local d
  for d in "$1" "$1/backend" "$1"/*/backend; do
    if [ -f "$d/package.json" ] && [ -f "$d/package-lock.json" ] && [ -d "$d/src/db/migrations" ]; then
      echo "$d"; return 0
    fi
  done
  return 1
}

if [ -f "$source" ]; then
  key=$(sha256sum "$source" | cut -c1-64)
else
  src_backend=$(find_backend "$source") || die "$source holds no Infisical backend (package.json, package-lock.json, src/db/migrations)"
  # Every file the build reads, in a stable order: a changed source is a new key.
  # (find fails on a file the checkout lacks: what it does find still counts.)
  key=$(cd "$src_backend" && { find package.json package-lock.json tsconfig.json tsup.config.js src scripts -type f 2>/dev/null || true; } |
    LC_ALL=C sort | xargs -d '\n' sha256sum | sha256sum | cut -c1-64)
fi
install_dir="$CACHE/real-kms-$key"

install_apt_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    # Read whole, not piped into grep -q (a pipefail SIGPIPE race).
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# step <log> <command...>: one build step in a process group of its own,
# which an interrupted build stops (npm ignores SIGTERM while its children
# compile, and would write on into the removed build directory).
step_pid=
step() {
  local log=$1; shift
  setsid "$@" >"$log" 2>&1 &
  step_pid=$!
  local status=0
  wait "$step_pid" || status=$?
  step_pid=
  return "$status"
}
stop_step() {
  [ -n "$step_pid" ] || return 0
  kill -TERM -- "-$step_pid" 2>/dev/null || return 0
  for _ in $(seq 1 25); do kill -0 -- "-$step_pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL -- "-$step_pid" 2>/dev/null || true
}

build() {
  local started
  started=$(now)
  install_apt_packages
  mkdir -p "$CACHE"
  tmp=$(mktemp -d "$CACHE/real-kms-$key.building.XXXXXX")
  # A failed or interrupted build leaves nothing.
  trap 'stop_step; rm -rf "$tmp"' EXIT
  say "building the backend from $source into $install_dir (about 6 minutes on 2 cores)"
  if [ -f "$source" ]; then
    mkdir "$tmp/src"
    tar -xzf "$source" -C "$tmp/src"
    src_backend=$(find_backend "$tmp/src") || die "$source holds no Infisical backend"
    mv "$src_backend" "$tmp/backend"
    rm -rf "$tmp/src"
  else
    mkdir "$tmp/backend"
    (cd "$src_backend" && tar --exclude=./node_modules --exclude=./dist -cf - .) | tar -xf - -C "$tmp/backend"
  fi
  say "npm $NPM_VERSION into a scratch prefix"
  step "$tmp/npm-install.log" npm install --global --prefix "$tmp/npm" --cache "$tmp/npm-cache" --no-audit --no-fund \
    --loglevel=error "npm@$NPM_VERSION" || { tail -n 30 "$tmp/npm-install.log"; die "installing npm $NPM_VERSION failed"; }
  local npm="$tmp/npm/bin/npm"
  [ "$("$npm" --version)" = "$NPM_VERSION" ] || die "npm $NPM_VERSION did not install"
  say "npm ci (native addons built against /usr/include/node)"
  step "$tmp/npm-ci.log" env -C "$tmp/backend" npm_config_nodedir=/usr npm_config_cache="$tmp/npm-cache" \
    npm_config_update_notifier=false "$npm" ci --no-audit --no-fund --loglevel=error || {
    tail -n 60 "$tmp/npm-ci.log"; die "npm ci failed"; }
  say "npm run build"
  step "$tmp/build.log" env -C "$tmp/backend" "$npm" run build || { tail -n 60 "$tmp/build.log"; die "npm run build failed"; }
  [ -f "$tmp/backend/dist/main.mjs" ] || die "the build made no dist/main.mjs"
  rm -rf "$tmp/npm" "$tmp/npm-cache" "$tmp"/*.log
  mv "$tmp" "$install_dir"
  trap - EXIT
  say "installed in $(( $(now) - started )) s"
}

if [ -f "$install_dir/backend/dist/main.mjs" ]; then
  say "backend cached at $install_dir"
else
  build
fi
backend="$install_dir/backend"
if [ "${1:-}" = --install ]; then exit 0; fi
[ "$#" -gt 0 ] || die "usage: $0 <command...> | --install"

# The server's release: the newest migration of its database (the backend's
# package.json says 1.0.0 in every release).
newest_migration=$(cd "$backend/src/db/migrations" && ls -1 | sed -n 's/^\([0-9]\{14\}_.*\)\.ts$/\1/p' | LC_ALL=C sort | tail -n 1)
[ -n "$newest_migration" ] || die "no migration in $backend/src/db/migrations"

run=$(mktemp -d "${TMPDIR:-/tmp}/hanzokms-real-kms.XXXXXX")
chmod 0711 "$run"
pids=()
pg_data="$run/pg"
stop_all() {
  local status=$? pid sig i
  trap - EXIT INT TERM
  # Newest to oldest: the backend first, PostgreSQL (fast shutdown: SIGINT) last.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    sig=${pids[$i]%%:*} pid=${pids[$i]#*:}
    kill "-$sig" "$pid" 2>/dev/null || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ] && [ -f "$run/backend.log" ] && [ "${backend_log_shown:-}" != 1 ]; then
    # The backend logs one JSON line per event: the messages of its last
    # warnings and errors (only the message: an error object may carry a
    # request's headers).
    say "exit status $status; the backend's last warnings and errors (HANZO_KMS_REAL_KEEP_LOGS=<dir> keeps every log):"
    grep -E '"level":(40|50|60)' "$run/backend.log" | grep -o '"msg":"[^"]*"' | tail -n 15 | cut -c1-300 || true
  fi
  if [ -n "${HANZO_KMS_REAL_KEEP_LOGS:-}" ]; then
    mkdir -p "$HANZO_KMS_REAL_KEEP_LOGS" && cp "$run"/*.log "$run"/pg-log/*.log "$HANZO_KMS_REAL_KEEP_LOGS"/ 2>/dev/null || true
  fi
  rm -rf "$run"
  exit "$status"
}
trap stop_all EXIT

helper="$run/realkms"
go build -o "$helper" ./internal/cmd/realkms
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then as_postgres=(runuser -u postgres --); fi
PG_BIN=${HANZO_KMS_REAL_PG_BIN:-/usr/local/bin}
started=$(now)

# PostgreSQL's own files (data, socket, log) belong to the user it runs as.
mkdir -p "$pg_data" "$run/pg-socket" "$run/pg-log"
[ "$(id -u)" -ne 0 ] || chown postgres "$pg_data" "$run/pg-socket" "$run/pg-log"
"${as_postgres[@]}" "$PG_BIN/initdb" -D "$pg_data" --auth=trust --username=postgres --encoding=UTF8 >"$run/initdb.log" 2>&1 ||
  { cat "$run/initdb.log"; die "initdb failed"; }
pg_port=$("$helper" freeport)
"${as_postgres[@]}" "$PG_BIN/pg_ctl" -D "$pg_data" -l "$run/pg-log/postgres.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $run/pg-socket -c fsync=off" start >/dev/null ||
  { tail -n 30 "$run/pg-log/postgres.log"; die "PostgreSQL did not start"; }
pids+=("INT:$(head -n 1 "$pg_data/postmaster.pid")")

redis_port=$("$helper" freeport)
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize no >"$run/redis.log" 2>&1 &
pids+=("TERM:$!")

license_port=$("$helper" freeport)
license_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
LICENSE_KEY=$license_key "$helper" license -addr "127.0.0.1:$license_port" >"$run/license.log" 2>&1 &
pids+=("TERM:$!")

# VAR=value lines (paths and ids, no secret) into the environment.
export_lines() { local k v; while IFS='=' read -r k v; do [ -n "$k" ] && export "$k=$v"; done; }
export_lines < <("$helper" ca -dir "$run")
[ -f "${HANZO_KMS_REAL_AUTH0_CA_CERT:-}" ] || die "no CA was written"
kms_port=$("$helper" freeport)
kms_url="http://127.0.0.1:$kms_port"
(
  cd "$backend"
  exec env NODE_ENV=production HOST=127.0.0.1 PORT="$kms_port" SITE_URL="$kms_url" \
    DB_CONNECTION_URI="postgres://postgres@127.0.0.1:$pg_port/postgres" REDIS_URL="redis://127.0.0.1:$redis_port" \
    ENCRYPTION_KEY="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" AUTH_SECRET="$(head -c 32 /dev/urandom | base64)" \
    TELEMETRY_ENABLED=false OTEL_TELEMETRY_COLLECTION_ENABLED=false \
    LICENSE_SERVER_URL="http://127.0.0.1:$license_port" LICENSE_KEY="$license_key" \
    ALLOW_INTERNAL_IP_CONNECTIONS=true NODE_EXTRA_CA_CERTS="$HANZO_KMS_REAL_AUTH0_CA_CERT" \
    node dist/main.mjs
) >"$run/backend.log" 2>&1 &
backend_pid=$!
pids+=("TERM:$backend_pid")
say "Infisical backend $newest_migration (newest migration) starting on $kms_url"
if ! "$helper" wait -url "$kms_url" -pid "$backend_pid" -timeout "${READY_TIMEOUT}s"; then
  say "the backend's log ends:"; tail -n 60 "$run/backend.log"; backend_log_shown=1
  die "the backend did not become ready"
fi
grep -q 'Instance type: enterprise-self-hosted' "$run/backend.log" ||
  say "warning: the backend does not say it runs the enterprise plan (secret rotation may be refused)"
say "ready in $(( $(now) - started )) s (PostgreSQL, Redis, license stand-in, migrations)"

boot=$("$helper" bootstrap -url "$kms_url" -dir "$run") || die "bootstrapping the instance failed"
export_lines <<< "$boot"
export HANZO_KMS_ACC_SERVER=real HANZO_KMS_REAL_URL="$kms_url" HANZO_KMS_REAL_VERSION="$newest_migration"
say "server version: Infisical backend, newest migration $newest_migration; running: $*"

set +e
"$@"
status=$?
set -e
exit "$status"
