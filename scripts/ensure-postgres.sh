#!/usr/bin/env bash
# A local PostgreSQL for the store's tests, from Debian's packages; safe to run again and again.
#
#   eval "$(scripts/ensure-postgres.sh)"    # exports PROPWATCH_TEST_POSTGRES_URL
#
# Installs postgresql when missing (needs root, as in CI; no stdin needed), starts the newest
# cluster (creating one if there is none), and makes a role that may create databases (the tests
# create one database per test and drop it). Prints only the export line on stdout.
set -euo pipefail

ROLE=${PROPWATCH_PG_ROLE:-propwatch}
PASSWORD=${PROPWATCH_PG_PASSWORD:-propwatch}
DATABASE=${PROPWATCH_PG_DATABASE:-propwatch_test}

log() { echo "ensure-postgres: $*" >&2; }
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed; run this script as root (or apt-get install postgresql)"
    exit 1
  fi
  log "installing postgresql from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2 </dev/null
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
cluster=$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v {print $2; exit}')
if [ -z "$cluster" ]; then
  log "creating cluster $version/main"
  pg_createcluster "$version" main >&2
  cluster=main
fi
port=$(pg_lsclusters --no-header | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $3}')
if ! pg_lsclusters --no-header | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $4}' | grep -q online; then
  log "starting cluster $version/$cluster on port $port"
  if [ "$(id -u)" -eq 0 ]; then
    pg_ctlcluster "$version" "$cluster" start >&2
  else
    pg_ctlcluster "$version" "$cluster" start >&2 || {
      log "cannot start PostgreSQL as $(id -un); run this script as root"
      exit 1
    }
  fi
fi

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$port" || { log "PostgreSQL did not come up on port $port"; exit 1; }

sql() { as_postgres psql -q -v ON_ERROR_STOP=1 -p "$port" -d postgres -tAc "$1"; }
if [ "$(sql "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != "1" ]; then
  log "creating role $ROLE"
  sql "CREATE ROLE \"$ROLE\" LOGIN CREATEDB PASSWORD '$PASSWORD'"
fi
if [ "$(sql "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != "1" ]; then
  log "creating database $DATABASE"
  sql "CREATE DATABASE \"$DATABASE\" OWNER \"$ROLE\""
fi

echo "export PROPWATCH_TEST_POSTGRES_URL=postgresql://$ROLE:$PASSWORD@127.0.0.1:$port/$DATABASE"
