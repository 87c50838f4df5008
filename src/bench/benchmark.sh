#!/usr/bin/env bash
# The benchmark command: builds, starts the service on its embedded default (sandboxes, embedded Artemis, file
# database) in a scratch copy of the server's base directory, runs src/bench/Benchmark.java against it, prints the
# report and the server's peak RSS, and stops the server. Not part of `mvn verify`. Usage, from the repository root:
#   src/bench/benchmark.sh            (-Dthreads=32 -Dingest=10000 -Drate=200 -Dseconds=30 -Dwarmup=5000
#                                      -DwarmupRounds=12 -DwarmupJit=0.15 -Doutage=30 -Dlatency=50 via BENCH_OPTS;
#                                      the server's heap and GC via SERVER_HEAP, default -Xms256m -Xmx384m -XX:+UseParallelGC)
set -euo pipefail
cd "$(dirname "$0")/../.."
if ss -ltnH '( sport = :8080 or sport = :9990 )' | grep -q .; then
  echo "ports 8080/9990 are in use: stop the running server first" >&2; exit 1
fi
mvn -B -q -ntp package -DskipTests
BASE_DIR=$(mktemp -d)/standalone
cp -r target/server/standalone "$BASE_DIR"
rm -rf "$BASE_DIR/data" "$BASE_DIR/log" "$BASE_DIR/tmp"
cp target/ROOT.war target/sandbox.war "$BASE_DIR/deployments/"
# The scheduled back-sync and reconciliation are off: the benchmark runs the back-sync itself, and a timer firing
# mid-run would add its calls to the figures.
# SERVER_OPTS: more server settings. Spotbridge's own budget of Dataverse requests (6000 per 5 minutes, as Dataverse
# allows an application user) stays in force: what the drain and the write-back spend of it is a figure of the report.
# SERVER_OPTS=-Ddataverse.max-requests-per-5-minutes=1000000 lifts it.
# glibc's malloc keeps an arena per thread that allocates (up to 8 per core): with WildFly's hundreds of threads that
# is 100-200 MiB of RSS the JVM never asked for. Two arenas cost nothing measurable here (docs/deploy.md, Memory).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# shellcheck disable=SC2086
JAVA_OPTS="${SERVER_HEAP:--Xms256m -Xmx384m -XX:+UseParallelGC} -Dspotbridge.backsync.schedule=off -Dspotbridge.reconcile.schedule=off ${SERVER_OPTS:-}" target/server/bin/standalone.sh -Djboss.server.base.dir="$BASE_DIR" \
  --read-only-server-config=standalone.xml -b 127.0.0.1 -bmanagement 127.0.0.1 > "$BASE_DIR/console.log" 2>&1 &
# The scratch copy (journal, H2 file: several GB after a full run) is deleted when the server has stopped; its
# server.log is kept as target/benchmark-server.log. BENCH_KEEP=1 keeps the whole copy.
cleanup() {
  target/server/bin/jboss-cli.sh --connect --controller=127.0.0.1:9990 --command=shutdown >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do
    pgrep -f "jboss.server.base.dir=$BASE_DIR" >/dev/null || break
    sleep 1
  done
  cp "$BASE_DIR/log/server.log" target/benchmark-server.log 2>/dev/null || true
  if [ -z "${BENCH_KEEP:-}" ]; then
    rm -rf "$(dirname "$BASE_DIR")"
  else
    echo "scratch copy of the server kept: $BASE_DIR ($(du -sh "$BASE_DIR" | cut -f1))"
  fi
}
trap cleanup EXIT
# shellcheck disable=SC2086
status=0
echo "server heap: ${SERVER_HEAP:--Xms256m -Xmx384m -XX:+UseParallelGC}"
java ${BENCH_OPTS:-} src/bench/Benchmark.java || status=$?
PID=""
for p in $(pgrep -f "jboss.server.base.dir=$BASE_DIR" || true); do
  [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ] && PID=$p
done
if [ -n "$PID" ] && [ -r "/proc/$PID/status" ]; then
  awk '/VmHWM/ {printf "peak RSS of the server: %.0f MiB (VmHWM)\n", $2/1024}' "/proc/$PID/status"
  # with -XX:NativeMemoryTracking=summary in SERVER_HEAP: where the JVM's own memory went
  if command -v jcmd >/dev/null && jcmd "$PID" VM.native_memory summary scale=MB > "$BASE_DIR/../nmt.txt" 2>/dev/null \
      && grep -q "Total:" "$BASE_DIR/../nmt.txt"; then
    echo "the server's native memory by JVM part (committed):"
    grep -E "^(Total|-)" "$BASE_DIR/../nmt.txt" | sed -E 's/reserved=[0-9]+MB, //; s/^/  /'
  fi
fi
echo "server log: target/benchmark-server.log (after the server has stopped)"
exit "$status"
