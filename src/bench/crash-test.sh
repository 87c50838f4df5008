#!/usr/bin/env bash
# Crash test: starts the service on its embedded default (as src/bench/benchmark.sh does), sends 10 000 changes
# (CHANGES=…) with 32 client threads, kills the server with kill -9 while they arrive (once KILL_AT of them have been
# acknowledged, default 4000), restarts it on the same data, and checks that every change it acknowledged (202) reached the Spotler
# sandbox with its values, exactly once. Exit status 0 only if nothing is missing, wrong or duplicated.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ss -ltnH '( sport = :8080 or sport = :9990 )' | grep -q .; then
  echo "ports 8080/9990 are in use: stop the running server first" >&2; exit 1
fi
mvn -B -q -ntp package -DskipTests
WORK=$(mktemp -d)
BASE_DIR=$WORK/standalone
cp -r target/server/standalone "$BASE_DIR"
rm -rf "$BASE_DIR/data" "$BASE_DIR/log" "$BASE_DIR/tmp"
cp target/ROOT.war target/sandbox.war "$BASE_DIR/deployments/"
start() {
  # shellcheck disable=SC2086
  JAVA_OPTS="${SERVER_HEAP:--Xms256m -Xmx384m -XX:+UseParallelGC} ${SERVER_OPTS--Ddataverse.max-requests-per-5-minutes=1000000}" \
    target/server/bin/standalone.sh -Djboss.server.base.dir="$BASE_DIR" --read-only-server-config=standalone.xml \
    -b 127.0.0.1 -bmanagement 127.0.0.1 >> "$WORK/console.log" 2>&1 &
}
server_pid() {
  for p in $(pgrep -f "jboss.server.base.dir=$BASE_DIR" || true); do
    if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ]; then echo "$p"; fi
  done
}
cleanup() {
  target/server/bin/jboss-cli.sh --connect --controller=127.0.0.1:9990 --command=shutdown >/dev/null 2>&1 || true
}
trap cleanup EXIT
start
java -Dchanges="${CHANGES:-10000}" src/bench/Benchmark.java crash-send "$WORK/acked.txt" &
SENDER=$!
# let the load run, then kill the server without warning while it still arrives (by acknowledged count, not by time:
# the intake's speed varies by a factor of several between a cold and a warm server)
acked() { if [ -f "$WORK/acked.txt" ]; then wc -l < "$WORK/acked.txt"; else echo 0; fi; }
until [ "$(acked)" -ge "${KILL_AT:-4000}" ]; do
  kill -0 "$SENDER" 2>/dev/null || { echo "the load ended before ${KILL_AT:-4000} changes were acknowledged" >&2; exit 1; }
  sleep 0.1
done
PID=$(server_pid)
[ -n "$PID" ] || { echo "no server process found" >&2; exit 1; }
echo "kill -9 $PID after $(wc -l < "$WORK/acked.txt") acknowledged changes"
kill -9 "$PID"
wait "$SENDER" || true
start
java src/bench/Benchmark.java crash-verify "$WORK/acked.txt"
echo "server log: $BASE_DIR/log/server.log"
