#!/usr/bin/env bash
# One WildFly node of the production profile (PostgreSQL + external Artemis), for trying scale-out on one machine.
# Node n listens on 8080+100(n-1) (HTTP) and 9990+100(n-1) (management); its base directory target/nodes/n keeps its
# data (transaction log) across restarts; configuration and ROOT.war are refreshed from the build at each start.
# Idempotent: start of a running node says so.  Build first: mvn -Pproduction package -DskipTests
#   src/ops/node.sh start <n> | stop <n> | kill <n> (kill -9, for fault tests) | status <n>
# The node's environment is passed on (SPOTBRIDGE_DB_*, SPOTBRIDGE_BROKER_*, SPOTLER_*, DATAVERSE_* ... see
# docs/deploy.md); SPOTBRIDGE_NODE_ID defaults to spotbridge-<n>, and with no real Spotler/Dataverse URL the node's
# own sandboxes serve (their state is in the shared database, so every node sees the same sandbox).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ACTION=${1:-status}; N=${2:-1}
[[ "$N" =~ ^[1-9]$ ]] || { echo "node number must be 1..9" >&2; exit 2; }
OFFSET=$(( (N - 1) * 100 )); HTTP=$((8080 + OFFSET)); MGMT=$((9990 + OFFSET))
SERVER="$ROOT/target/server-production"; BASE="$ROOT/target/nodes/$N"
pid() {
  local p
  for p in $(pgrep -f "jboss.server.base.dir=$BASE( |$)" || true); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ] && { echo "$p"; return 0; }
  done
  return 1
}
up() { curl -fs -o /dev/null "http://127.0.0.1:$MGMT/health/ready"; }
case "$ACTION" in
  start)
    if p=$(pid); then echo "node $N: already running (pid $p) on :$HTTP"; exit 0; fi
    [ -x "$SERVER/bin/standalone.sh" ] || { echo "no $SERVER: run mvn -Pproduction package -DskipTests" >&2; exit 1; }
    mkdir -p "$BASE/deployments" "$BASE/log"
    rm -rf "$BASE/configuration"; cp -r "$SERVER/standalone/configuration" "$BASE/configuration"
    cp "$ROOT/target/ROOT.war" "$BASE/deployments/ROOT.war"; rm -f "$BASE"/deployments/ROOT.war.*
    SPOTBRIDGE_NODE_ID=${SPOTBRIDGE_NODE_ID:-spotbridge-$N} SPOTBRIDGE_BASE_URL=${SPOTBRIDGE_BASE_URL:-http://127.0.0.1:$HTTP} \
      JAVA_OPTS="${NODE_JAVA_OPTS:--Xms256m -Xmx384m -XX:+UseParallelGC} ${NODE_SERVER_OPTS:-}" \
      nohup "$SERVER/bin/standalone.sh" -Djboss.server.base.dir="$BASE" -Djboss.socket.binding.port-offset=$OFFSET \
      -b 127.0.0.1 -bmanagement 127.0.0.1 > "$BASE/log/console.log" 2>&1 &
    for _ in $(seq 1 120); do
      if up; then echo "node $N: ready on http://127.0.0.1:$HTTP (management :$MGMT, pid $(pid))"; exit 0; fi
      sleep 1
    done
    echo "node $N: not ready after 120 s; see $BASE/log/server.log" >&2; exit 1
    ;;
  stop)
    p=$(pid) || { echo "node $N: not running"; exit 0; }
    kill "$p"
    for _ in $(seq 1 60); do kill -0 "$p" 2>/dev/null || { echo "node $N: stopped"; exit 0; }; sleep 1; done
    kill -9 "$p" 2>/dev/null || true; echo "node $N: killed after 60 s"
    ;;
  kill)
    p=$(pid) || { echo "node $N: not running"; exit 0; }
    kill -9 "$p"; echo "node $N: killed (-9)"
    ;;
  status)
    if p=$(pid); then echo "node $N: running (pid $p) on :$HTTP, ready: $(up && echo yes || echo no)"; else echo "node $N: not running"; exit 3; fi
    ;;
  *) echo "usage: $0 start|stop|kill|status <n>" >&2; exit 2 ;;
esac
