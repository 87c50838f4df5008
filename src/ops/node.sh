#!/usr/bin/env bash
# One WildFly node of the production profile (PostgreSQL + external Artemis), for trying scale-out on one machine, or
# the sandboxes' own server that such nodes reach by URL.
# Node n listens on 8080+100(n-1) (HTTP) and 9990+100(n-1) (management); its base directory target/nodes/n keeps its
# data (transaction log) across restarts; configuration and ROOT.war are refreshed from the build at each start.
# The sandbox server (n = sandbox) is the default build's server (target/server) with sandbox.war alone, on 8580/10490,
# base directory target/nodes/sandbox: the Spotler and Dataverse emulators at http://127.0.0.1:8580/sandbox/…
# Idempotent: start of a running node says so; a node whose deployment fails is stopped, and what failed is printed.
# Build first: mvn -Pproduction package -DskipTests (nodes), mvn package -DskipTests (the sandbox server).
#   src/ops/node.sh start <n> | stop <n> | kill <n> (kill -9, for fault tests) | status <n>
# The node's environment is passed on (SPOTBRIDGE_DB_*, SPOTBRIDGE_BROKER_*, SPOTLER_*, DATAVERSE_* ... see
# docs/deploy.md); SPOTBRIDGE_NODE_ID defaults to spotbridge-<n>. A node without SPOTLER_API_URL, DATAVERSE_API_URL and
# their credentials does not deploy (it says which are missing); to run nodes against the sandbox server, point them
# at it (src/ops/cluster-test.sh shows how).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ACTION=${1:-status}; N=${2:-1}
if [ "$N" = sandbox ]; then
  OFFSET=500; SERVER="$ROOT/target/server"; WARS=("$ROOT/target/sandbox.war"); BUILD="mvn package -DskipTests"
else
  [[ "$N" =~ ^[1-9]$ ]] || { echo "node must be 1..9 or sandbox" >&2; exit 2; }
  OFFSET=$(( (N - 1) * 100 )); SERVER="$ROOT/target/server-production"; WARS=("$ROOT/target/ROOT.war")
  BUILD="mvn -Pproduction package -DskipTests"
fi
HTTP=$((8080 + OFFSET)); MGMT=$((9990 + OFFSET)); BASE="$ROOT/target/nodes/$N"
pid() {
  local p
  for p in $(pgrep -f "jboss.server.base.dir=$BASE( |$)" || true); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ] && { echo "$p"; return 0; }
  done
  return 1
}
# (bounded: the readiness check of a server whose deployment failed does not answer)
up() { curl -fs -m 5 -o /dev/null "http://127.0.0.1:$MGMT/health/ready"; }
# WFLYSRV0026: the server started "with errors" (a deployment failed); WFLYCTL0013 lines say what failed. The log
# goes on across restarts (the cluster test reads all of it), so only lines after this start count.
starts() { local c; c=$(grep -c 'WFLYSRV0026' "$BASE/log/server.log" 2>/dev/null) || true; echo "${c:-0}"; }
failed() { [ "$(starts)" -gt "$STARTS" ]; }
case "$ACTION" in
  start)
    if p=$(pid); then echo "node $N: already running (pid $p) on :$HTTP"; exit 0; fi
    [ -x "$SERVER/bin/standalone.sh" ] || { echo "no $SERVER: run $BUILD" >&2; exit 1; }
    for war in "${WARS[@]}"; do [ -f "$war" ] || { echo "no $war: run $BUILD" >&2; exit 1; }; done
    mkdir -p "$BASE/deployments" "$BASE/log"
    rm -rf "$BASE/configuration"; cp -r "$SERVER/standalone/configuration" "$BASE/configuration"
    rm -f "$BASE"/deployments/*; cp "${WARS[@]}" "$BASE/deployments/"; STARTS=$(starts)
    MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} \
    SPOTBRIDGE_NODE_ID=${SPOTBRIDGE_NODE_ID:-spotbridge-$N} SPOTBRIDGE_BASE_URL=${SPOTBRIDGE_BASE_URL:-http://127.0.0.1:$HTTP} \
      JAVA_OPTS="${NODE_JAVA_OPTS:--Xms256m -Xmx384m -XX:+UseParallelGC} ${NODE_SERVER_OPTS:-}" \
      nohup "$SERVER/bin/standalone.sh" -Djboss.server.base.dir="$BASE" -Djboss.socket.binding.port-offset=$OFFSET \
      -b 127.0.0.1 -bmanagement 127.0.0.1 > "$BASE/log/console.log" 2>&1 &
    for _ in $(seq 1 120); do
      if up; then echo "node $N: ready on http://127.0.0.1:$HTTP (management :$MGMT, pid $(pid))"; exit 0; fi
      if failed; then
        echo "node $N: a deployment failed; stopping it. From $BASE/log/server.log:" >&2
        grep -o 'WFLYCTL0013[^}]*' "$BASE/log/server.log" | head -5 >&2 || true
        grep -o 'Spotbridge cannot start: [^"\\]*' "$BASE/log/server.log" | sort -u >&2 || true
        "$0" kill "$N" >/dev/null  # a node whose deployment failed has nothing to finish
        exit 1
      fi
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
  *) echo "usage: $0 start|stop|kill|status <n|sandbox>" >&2; exit 2 ;;
esac
