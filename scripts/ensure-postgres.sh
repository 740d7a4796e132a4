#!/usr/bin/env bash
# Print a DATABASE_URL for a PostgreSQL server the tests may use, starting one if need be:
# 1. $TEST_DATABASE_URL when set;
# 2. the server on 127.0.0.1:5432 when one answers (trust auth, user postgres);
# 3. otherwise install PostgreSQL from Debian's packages, start it, and use it.
# Everything but the URL goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

answers() {
  "$PY" - "$1" <<'PY' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1].replace("/closeknit", "/postgres"), connect_timeout=3).close()
PY
}

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "$TEST_DATABASE_URL"
  exit 0
fi

url="postgres://postgres@127.0.0.1:5432/closeknit"
if answers "$url"; then
  echo "$url"
  exit 0
fi

url="postgres://postgres:closeknit@127.0.0.1:5432/closeknit"
if answers "$url"; then
  echo "$url"
  exit 0
fi

echo "No PostgreSQL answers on 127.0.0.1:5432: installing and starting one." >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
fi
version="$(ls /etc/postgresql | sort -V | tail -n 1)"
$sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
for _ in $(seq 1 30); do
  if $sudo runuser -u postgres -- psql -qAtc "ALTER USER postgres PASSWORD 'closeknit'" >/dev/null 2>&1; then
    break
  fi
  sleep 1
done
if answers "$url"; then
  echo "$url"
  exit 0
fi
echo "Could not start PostgreSQL; set TEST_DATABASE_URL to a server the tests may use." >&2
exit 1
