#!/usr/bin/env bash
# Print a Redis URL the tests may use (CLOSEKNIT_TEST_REDIS_URL), starting a server if need be:
# 1. $CLOSEKNIT_TEST_REDIS_URL when set;
# 2. otherwise Redis on 127.0.0.1:6379, started here when nothing answers there (Debian's
#    redis-server, keeping nothing on disk, left running for the next run, as a service would be).
# Debian's redis-server is installed when missing either way: the cache outage test starts and stops
# one of its own (common/tests/test_cache_outage.py). Everything but the URL goes to stderr.
set -euo pipefail

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
if ! command -v redis-server >/dev/null; then
  echo "No redis-server on this machine: installing Debian's." >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server >&2
fi

if [ -n "${CLOSEKNIT_TEST_REDIS_URL:-}" ]; then
  echo "$CLOSEKNIT_TEST_REDIS_URL"
  exit 0
fi

answers() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if ! answers; then
  echo "No Redis answers on 127.0.0.1:6379: starting one." >&2
  redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes >&2
  for _ in $(seq 50); do answers && break; sleep 0.1; done
  answers || { echo "Redis did not start on 127.0.0.1:6379." >&2; exit 1; }
fi
echo "redis://127.0.0.1:6379/5"
