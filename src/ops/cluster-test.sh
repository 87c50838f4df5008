#!/usr/bin/env bash
# Scale-out check of the production profile on one machine: one PostgreSQL (database spotbridge_cluster, recreated),
# one external Artemis broker (a fresh instance under target/cluster), WildFly nodes 1 and 2 (port offset 100), and the
# sandboxes on a server of their own (src/ops/node.sh start sandbox, :8580), which the nodes reach by URL.
#   0. the production profile refuses to deploy without the outside services' URLs or with an empty or default database
#      or broker password, and names those settings;
#   1. throughput of one node, then of two (CHANGES new contacts each, spread over the nodes like a load balancer);
#   2. per-record order while node 2 is killed (-9) mid-load and restarted: RECORDS records x UPDATES changes, sent
#      in sequence per record, alternating nodes; every record ends at its last change, nothing applied out of order,
#      nothing written twice;
#   3. the back-sync (scheduled every minute for this test) runs exactly once per minute over both nodes (a run
#      cut by the kill counts when a later firing took its lapsed lock over);
#   4. node 2 killed while its back-sync run holds the run lock: the lock's lease lapses and node 1 takes the job
#      over within 150 s;
#   5. the client-side Spotler rate limit: node 1 alone, restarted with spotler.max-requests-per-second=RATE_LIMIT
#      (3: the drain's batches keep a faster limit out of reach), RATE_CHANGES (100) new contacts sent at four times
#      that rate: the run's request rate comes near the limit, no second has more than two seconds' worth of Spotler
#      requests, all Succeeded (waiting for the limit sends nothing to the dead-letter queue);
#   6. the Dataverse request budget is the cluster's: both nodes restarted with a budget of BUDGET (400) requests per
#      BUDGET_WINDOW (10) s, the Dataverse sandbox enforcing the same limit (429 over it); BUDGET_CHANGES (600) new
#      contacts over both nodes, whose write-backs need several windows: no request refused, no window over the
#      budget, grants taken by both nodes, all Succeeded.
# Exit status 0 only if 0 and 2 to 6 hold. Needs psql and the machine's PostgreSQL (PGHOST/PGPORT/PGUSER as for
# src/ops/database.sh); ports 8080/9990, 8180/10090, 8580/10490 and 61616 free. Not part of `mvn verify` (about 10 minutes with CHANGES=1000).
#   src/ops/cluster-test.sh            CHANGES=3000 RECORDS=200 UPDATES=10 SKIP_BUILD=1 (reuse the last build)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
for port in 8080 9990 8180 10090 8580 10490 61616; do
  if ss -ltnH "sport = :$port" | grep -q .; then echo "port $port is in use: stop what runs there first" >&2; exit 1; fi
done
# the sandbox server runs the default build's server (target/server, sandbox.war), which `mvn verify` has made
if [ -z "${SKIP_BUILD:-}" ]; then
  [ -x target/server/bin/standalone.sh ] || mvn -B -q -ntp package -DskipTests
  mvn -B -q -ntp -Pproduction package -DskipTests
fi

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432}
DB=spotbridge_cluster
PGUSER=${PGUSER:-postgres} psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
PGUSER=${PGUSER:-postgres} src/ops/database.sh "$DB"
export SPOTBRIDGE_DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB"
export SPOTBRIDGE_BROKER_HOME="$ROOT/target/cluster/artemis"
export SPOTBRIDGE_BACKSYNC_SCHEDULE="* * * * *"
# a run cut by the kill of node 2 holds the job for one lease: 30 s here, so a later firing takes it over in time
export SPOTBRIDGE_RUN_LOCK_SECONDS=30
# the sandbox is not a real Dataverse: lift Spotbridge's own Dataverse request budget to measure Spotbridge itself
export NODE_SERVER_OPTS="${NODE_SERVER_OPTS--Ddataverse.max-requests-per-5-minutes=1000000}"
# the production profile refuses empty and well-known passwords: these are this run's own
export SPOTBRIDGE_BROKER_PASSWORD="broker-$RANDOM$RANDOM$RANDOM" SPOTBRIDGE_DB_PASSWORD="db-$RANDOM$RANDOM$RANDOM"
rm -rf target/nodes target/cluster
src/ops/artemis.sh start

cleanup() {
  src/ops/node.sh stop 2 >/dev/null 2>&1 || true
  src/ops/node.sh stop 1 >/dev/null 2>&1 || true
  src/ops/node.sh stop sandbox >/dev/null 2>&1 || true
  src/ops/artemis.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
SANDBOX=http://127.0.0.1:8580
bench() { PGUSER=spotbridge PGDATABASE=$DB java -Dsandbox=$SANDBOX "$@" src/bench/Benchmark.java "${BENCH_MODE[@]}"; }
NODE1=http://127.0.0.1:8080; NODE2=http://127.0.0.1:8180

# 0. without the outside services' URLs, with the broker's old default password and no database password, a node of
# the production profile does not deploy, and says which settings are missing or weak
if out=$(env -u SPOTLER_API_URL -u SPOTLER_CONSUMER_KEY -u SPOTLER_CONSUMER_SECRET -u DATAVERSE_API_URL \
    -u DATAVERSE_TOKEN_URL -u DATAVERSE_CLIENT_ID -u DATAVERSE_CLIENT_SECRET -u DATAVERSE_SCOPE -u SPOTBRIDGE_DB_PASSWORD \
    SPOTBRIDGE_BROKER_PASSWORD=spotbridge src/ops/node.sh start 1 2>&1); then
  echo "node 1 deployed without SPOTLER_API_URL and DATAVERSE_API_URL" >&2; exit 1
fi
for setting in SPOTLER_API_URL SPOTLER_CONSUMER_KEY DATAVERSE_API_URL DATAVERSE_TOKEN_URL DATAVERSE_CLIENT_SECRET \
    SPOTBRIDGE_DB_PASSWORD SPOTBRIDGE_BROKER_PASSWORD; do
  grep -q "$setting" <<< "$out" || { echo "the refusal does not name $setting:" >&2; echo "$out" >&2; exit 1; }
done
echo "cluster: without the outside services' settings node 1 refused to deploy: $(grep -o 'Spotbridge cannot start: [^;]*' <<< "$out" | head -1); …"

# the sandboxes on their own server; the nodes reach them by URL, with the sandboxes' credentials, like real services
src/ops/node.sh start sandbox
export SPOTLER_API_URL=$SANDBOX/sandbox/spotler/integrationservice
export SPOTLER_CONSUMER_KEY=sandbox-consumer-key SPOTLER_CONSUMER_SECRET=sandbox-consumer-secret
export DATAVERSE_API_URL=$SANDBOX/sandbox/dataverse/api/data/v9.2
export DATAVERSE_TOKEN_URL=$SANDBOX/sandbox/dataverse/oauth2/v2.0/token
export DATAVERSE_CLIENT_ID=2f1c9a7e-6b3d-4c58-9e0a-5d7b8c1f4a26 DATAVERSE_CLIENT_SECRET=sandbox-client-secret
export DATAVERSE_SCOPE=https://sandbox.crm.dynamics.com/.default
export SPOTBRIDGE_WEBHOOK_KEY=sandbox-webhook-key SPOTBRIDGE_ADMIN_USER=admin SPOTBRIDGE_ADMIN_PASSWORD=admin

src/ops/node.sh start 1
BENCH_MODE=(cluster-load); bench -Dnodes=$NODE1 -Dchanges="${CHANGES:-3000}"
src/ops/node.sh start 2
BENCH_MODE=(cluster-load); bench -Dnodes=$NODE1,$NODE2 -Dchanges="${CHANGES:-3000}"
BENCH_MODE=(cluster-order); bench -Dnodes=$NODE1,$NODE2 -Drecords="${RECORDS:-200}" -Dupdates="${UPDATES:-10}" \
  -Dkill="src/ops/node.sh kill 2" -Drestart="src/ops/node.sh start 2"
# both nodes up for at least two more schedule minutes
sleep 125
BENCH_MODE=(cluster-backsync target/nodes/1/log/server.log target/nodes/2/log/server.log); bench
BENCH_MODE=(cluster-takeover target/nodes/1/log/server.log); bench -Dnodes=$NODE1,$NODE2 -Dkill="src/ops/node.sh kill 2" -Dwithin=150
src/ops/node.sh stop 2
src/ops/node.sh stop 1
NODE_SERVER_OPTS="$NODE_SERVER_OPTS -Dspotler.max-requests-per-second=${RATE_LIMIT:-3}" src/ops/node.sh start 1
BENCH_MODE=(rate-check); bench -Dnodes=$NODE1 -Dchanges="${RATE_CHANGES:-100}" -Dlimit="${RATE_LIMIT:-3}"
src/ops/node.sh stop 1
# 6. one Dataverse budget for both nodes; write-back batches well under it, so that one batch never needs a whole window
BUDGET_OPTS="-Ddataverse.max-requests-per-5-minutes=${BUDGET:-400} -Ddataverse.request-window-seconds=${BUDGET_WINDOW:-10} -Dspotbridge.writeback.batch-size=50"
NODE_SERVER_OPTS="$BUDGET_OPTS" src/ops/node.sh start 1
NODE_SERVER_OPTS="$BUDGET_OPTS" src/ops/node.sh start 2
BENCH_MODE=(cluster-budget); bench -Dnodes=$NODE1,$NODE2 -Dchanges="${BUDGET_CHANGES:-600}" -Dlimit="${BUDGET:-400}" \
  -Dwindow="${BUDGET_WINDOW:-10}"
echo "cluster test passed; logs: target/nodes/*/log/server.log, broker: $SPOTBRIDGE_BROKER_HOME/log"
