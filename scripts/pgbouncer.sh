#!/usr/bin/env bash
# A PgBouncer in transaction mode in front of the test PostgreSQL server, for the pooling test
# (common/tests/test_pgbouncer.py; docs/operations.md, "Scaling out").
#
#   scripts/pgbouncer.sh start DIR PORT   write DIR/pgbouncer.ini and start PgBouncer on
#                                         127.0.0.1:PORT, pooling every database of the server
#   scripts/pgbouncer.sh stop DIR         stop it (DIR is left for the caller to remove)
#
# The server is SERVER_HOST:SERVER_PORT (127.0.0.1:5432), as SERVER_USER (postgres) with
# SERVER_PASSWORD (none: trust auth), as in scripts/ensure-postgres.sh; clients connect to PgBouncer
# as that user without a password. POOL_SIZE server connections per database and user (default 1:
# every client shares one server connection, so anything a client leaves on a connection, another
# sees). PgBouncer 1.21 and later can keep prepared statements apart per client; that is turned
# off, so every version behaves as the 1.18 Debian 12 ships (the test shows what Django relies on).
# Exit 3 means this machine cannot (no pgbouncer): the reason is on stderr. `make test` installs
# Debian's pgbouncer.
set -euo pipefail

SERVER_HOST=${SERVER_HOST:-127.0.0.1}
SERVER_PORT=${SERVER_PORT:-5432}
SERVER_USER=${SERVER_USER:-postgres}
SERVER_PASSWORD=${SERVER_PASSWORD:-}
POOL_SIZE=${POOL_SIZE:-1}
cannot() { echo "$*" >&2; exit 3; }

BIN=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
[ -x "$BIN" ] || cannot "No pgbouncer on this machine (Debian's package pgbouncer)."

# PgBouncer refuses to run as root: run it as postgres, who must be able to write DIR.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local dir=$1 port=$2
  [ -e "$dir/pgbouncer.pid" ] && cannot "$dir already holds a running PgBouncer."
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  # Trust, as the test server does; the admin console (database pgbouncer) answers SHOW STATS.
  cat > "$dir/pgbouncer.ini" <<EOF
[databases]
* = host=$SERVER_HOST port=$SERVER_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
admin_users = $SERVER_USER
pool_mode = transaction
default_pool_size = $POOL_SIZE
max_client_conn = 100
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
  local version
  version=$("$BIN" --version | head -1 | awk '{print $2}')
  if [ "$(printf '%s\n1.21.0\n' "$version" | sort -V | head -1)" = 1.21.0 ]; then
    echo "max_prepared_statements = 0" >> "$dir/pgbouncer.ini"
  fi
  printf '"%s" "%s"\n' "$SERVER_USER" "$SERVER_PASSWORD" > "$dir/users.txt"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir/pgbouncer.ini" "$dir/users.txt"
  as_owner "$BIN" -d "$dir/pgbouncer.ini"
  # Daemonised: wait until it answers.
  for _ in $(seq 100); do
    psql -X -q -At -h 127.0.0.1 -p "$port" -U "$SERVER_USER" -d pgbouncer -c "SHOW VERSION" >/dev/null 2>&1 && return
    sleep 0.1
  done
  cat "$dir/pgbouncer.log" >&2
  echo "PgBouncer did not answer on 127.0.0.1:$port." >&2
  exit 1
}

stop() {
  local dir=$1 pid
  [ -e "$dir/pgbouncer.pid" ] || return 0
  pid=$(cat "$dir/pgbouncer.pid")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

case "${1:-}" in
  start) [ $# = 3 ] || { echo "usage: $0 start DIR PORT" >&2; exit 2; }; start "$2" "$3" ;;
  stop) [ $# = 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
