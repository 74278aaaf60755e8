#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server: temporary data directory, free local port.
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
# Exports CATALOGUE_TEST_POSTGRES_URL (a superuser URL) for the command, then stops the server.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL is not installed (Debian package 'postgresql')." >&2
  exit 1
fi

data=$(mktemp -d /tmp/catalogue-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
# PostgreSQL refuses to run as root: run it as the 'postgres' user the package created.
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$data"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$data/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT

"${as_pg[@]}" "$bin/initdb" -D "$data/db" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k $data -c fsync=off -c full_page_writes=off -c max_connections=200" start >/dev/null
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2

export CATALOGUE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
"$@"
