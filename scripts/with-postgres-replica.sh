#!/usr/bin/env bash
# Like scripts/with-postgres.sh, with a streaming replica: start a throwaway PostgreSQL
# primary from the machine's server binaries, clone it with `pg_basebackup -R` into a hot
# standby on a second private port, export
#
#   DATABASE_URL        the primary
#   PGTEST_REPLICA_URL  the standby (read-only, streaming from the primary)
#
# run the command, then stop both clusters and delete them whatever happened. The
# replica URL is exported under its own name, not DATABASE_REPLICA_URLS, so the rest of
# the test suite keeps its single database; tests/test_db_router.py wires the replica in.
#
#   scripts/with-postgres-replica.sh .venv/bin/python -m pytest tests/test_db_router.py
#
# No PostgreSQL binaries: a loud warning and exit 0 — except under CI=true (exit 1).
set -euo pipefail

pgbin="${PGBIN:-}"
if [ -z "$pgbin" ]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ] || [ ! -x "$pgbin/pg_basebackup" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FATAL: no PostgreSQL server binaries (initdb, pg_basebackup) found; the PostgreSQL leg is required under CI." >&2
    exit 1
  fi
  echo "" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!! WARNING: no PostgreSQL server binaries found: the replica test leg is SKIPPED !!" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  exit 0
fi

dir=$(mktemp -d /tmp/catalogue-pgrep.XXXXXX)
chmod 755 "$dir"
as_pg=()
if [ "$(id -u)" = "0" ]; then
  chown postgres: "$dir"
  as_pg=(runuser -u postgres --)
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="${PGTEST_PORT:-$(free_port)}"
replica_port="${PGTEST_REPLICA_PORT:-$(free_port)}"
while [ "$replica_port" = "$port" ]; do replica_port=$(free_port); done

cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/replica" -m immediate stop >/dev/null 2>&1 || true
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# wal_level=replica and WAL senders for the standby; fsync off: the data is throwaway.
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/primary.log" -w -t 60 \
  -o "-k $dir -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100 -c wal_level=replica -c max_wal_senders=5 -c wal_keep_size=256MB" \
  start >/dev/null || { cat "$dir/primary.log" >&2; exit 1; }

# -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica.
"${as_pg[@]}" "$pgbin/pg_basebackup" -D "$dir/replica" -R -X stream -c fast -h "$dir" -p "$port" -U postgres \
  >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/replica" -l "$dir/replica.log" -w -t 60 \
  -o "-k $dir -p $replica_port -c listen_addresses='' -c fsync=off -c max_connections=100 -c hot_standby=on -c hot_standby_feedback=on -c max_standby_streaming_delay=-1" \
  start >/dev/null || { cat "$dir/replica.log" >&2; exit 1; }

# Wait until the standby is streaming (it answers and is in recovery).
for _ in $(seq 1 60); do
  if "${as_pg[@]}" "$pgbin/psql" -h "$dir" -p "$replica_port" -U postgres -d postgres -Atc "SELECT pg_is_in_recovery()" 2>/dev/null | grep -q t; then
    break
  fi
  sleep 0.5
done

export DATABASE_URL="postgres://postgres@/catalogue?host=${dir}&port=${port}"
export PGTEST_REPLICA_URL="postgres://postgres@/catalogue?host=${dir}&port=${replica_port}"
export PGTEST_SOCKET_DIR="$dir" PGTEST_PORT_IN_USE="$port" PGTEST_REPLICA_PORT_IN_USE="$replica_port" PGBIN="$pgbin"
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') primary on port $port, streaming replica on port $replica_port (socket $dir)" >&2
set +e
"$@"
status=$?
set -e
exit $status
