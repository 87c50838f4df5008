#!/usr/bin/env bash
# The production profile's PostgreSQL database: creates the login role and the database if they are missing.
# Idempotent; the schema itself is made by Spotbridge's migrations when the first node starts.
#   src/ops/database.sh [database]        database defaults to $SPOTBRIDGE_DB_NAME or spotbridge
# Environment: PGHOST [127.0.0.1], PGPORT [5432], PGUSER [postgres] (an administrator);
#   SPOTBRIDGE_DB_USER [spotbridge] the role the nodes log in as; SPOTBRIDGE_DB_PASSWORD [none: trust/.pgpass]
set -euo pipefail
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=${1:-${SPOTBRIDGE_DB_NAME:-spotbridge}}
ROLE=${SPOTBRIDGE_DB_USER:-spotbridge}
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
  psql_admin -c "CREATE ROLE \"$ROLE\" LOGIN"
  echo "database: role $ROLE created"
fi
if [ -n "${SPOTBRIDGE_DB_PASSWORD:-}" ]; then
  psql_admin -v pw="$SPOTBRIDGE_DB_PASSWORD" -c "ALTER ROLE \"$ROLE\" PASSWORD :'pw'"
fi
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE \"$DB\" OWNER \"$ROLE\" ENCODING 'UTF8' TEMPLATE template0"
  echo "database: $DB created (owner $ROLE)"
fi
echo "database: jdbc:postgresql://$PGHOST:$PGPORT/$DB ready for $ROLE"
