#!/usr/bin/env bash
# A streaming hot standby of the test PostgreSQL server, for the read-replica test
# (common/tests/test_replicas.py; docs/operations.md, "Scaling out").
#
#   scripts/postgres-replica.sh start DIR PORT   copy the primary with pg_basebackup into DIR and
#                                                start it on 127.0.0.1:PORT as a hot standby
#   scripts/postgres-replica.sh stop DIR         stop it (DIR is left for the caller to remove)
#
# The primary is PRIMARY_HOST:PRIMARY_PORT (127.0.0.1:5432), user postgres, trust auth, as in
# scripts/ensure-postgres.sh. When the primary refuses replication connections and its pg_hba.conf
# is ours to change (we run as root or as its owner), one line lets 127.0.0.1 replicate as postgres.
# Exit 3 means this machine cannot (no server binaries, replication refused): the reason is on stderr.
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
cannot() { echo "$*" >&2; exit 3; }

bindir() {
  local dir
  if command -v pg_config >/dev/null && dir=$(pg_config --bindir) && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"; return
  fi
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
  done
  return 1
}
BIN=$(bindir) || cannot "No PostgreSQL server binaries (pg_ctl, pg_basebackup) on this machine."

primary() { psql -X -q -At -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -d postgres -c "$1"; }

# The server refuses to run as root: run it as the owner of the primary's files (postgres).
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

allow_replication() {
  local hba
  hba=$(primary "SHOW hba_file") || cannot "The primary at $PRIMARY_HOST:$PRIMARY_PORT does not answer."
  if grep -Eq '^host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba" 2>/dev/null; then
    return
  fi
  [ -w "$hba" ] || cannot "The primary refuses replication connections and $hba is not ours to change."
  printf '\n# Closeknit read-replica test (scripts/postgres-replica.sh)\nhost replication postgres 127.0.0.1/32 trust\n' >> "$hba"
  primary "SELECT pg_reload_conf()" >/dev/null
}

start() {
  local dir=$1 port=$2 setting
  [ -e "$dir/PG_VERSION" ] && cannot "$dir already holds a cluster."
  mkdir -p "$dir"
  chmod 700 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  if ! as_owner "$BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$dir" \
        -X stream -R --checkpoint=fast 2>/dev/null; then
    allow_replication
    rm -rf "${dir:?}"/*
    as_owner "$BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$dir" \
      -X stream -R --checkpoint=fast
  fi
  # Debian keeps the configuration outside the data directory: the standby gets its own. A hot
  # standby needs at least the primary's limits.
  {
    echo "port = $port"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$dir'"
    echo "hot_standby = on"
    echo "fsync = off"
    for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
        max_locks_per_transaction; do
      echo "$setting = $(primary "SHOW $setting")"
    done
  } | as_owner tee "$dir/postgresql.conf" >/dev/null
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_owner tee "$dir/pg_hba.conf" >/dev/null
  as_owner touch "$dir/pg_ident.conf"
  as_owner "$BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null
}

stop() {
  local dir=$1
  [ -e "$dir/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null
  return 0
}

case "${1:-}" in
  start) [ $# = 3 ] || { echo "usage: $0 start DIR PORT" >&2; exit 2; }; start "$2" "$3" ;;
  stop) [ $# = 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
