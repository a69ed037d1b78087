#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster started from the machine's server
# binaries (never a running service): initdb as the `postgres` user into a private
# directory, listen only on a private Unix socket and port, export DATABASE_URL, run the
# command, then stop the cluster and delete it whatever happened.
#
#   scripts/with-postgres.sh .venv/bin/python -m pytest
#
# No PostgreSQL binaries: a loud warning and exit 0 — except under CI=true, where a
# skipped PostgreSQL leg is a failure.
set -euo pipefail

pgbin="${PGBIN:-}"
if [ -z "$pgbin" ]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FATAL: no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin); the PostgreSQL leg is required under CI." >&2
    exit 1
  fi
  echo "" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!! WARNING: no PostgreSQL server binaries found: the PostgreSQL test leg is SKIPPED !!" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  exit 0
fi

dir=$(mktemp -d /tmp/catalogue-pg.XXXXXX)
chmod 755 "$dir"
as_pg=()
if [ "$(id -u)" = "0" ]; then
  chown postgres: "$dir"
  as_pg=(runuser -u postgres --)
fi
port="${PGTEST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"

cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-k $dir -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

export DATABASE_URL="postgres://postgres@/catalogue?host=${dir}&port=${port}"
export PGTEST_SOCKET_DIR="$dir" PGTEST_PORT_IN_USE="$port" PGBIN="$pgbin"
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') running on socket $dir port $port" >&2
set +e
"$@"
status=$?
set -e
exit $status
