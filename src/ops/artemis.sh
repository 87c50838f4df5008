#!/usr/bin/env bash
# The external Artemis broker of the production profile, from the org.apache.activemq:apache-artemis distribution on
# Maven Central. Idempotent: `start` downloads the distribution once, creates the broker instance once (its journal
# survives restarts), puts server-config/artemis/broker.xml in it, and starts it unless it already runs.
#   src/ops/artemis.sh start | stop | status | destroy      (destroy: stop and delete the instance with its messages)
# Environment (defaults in brackets):
#   SPOTBRIDGE_BROKER_HOME   where the instance lives [target/artemis-instance]
#   SPOTBRIDGE_BROKER_HOST / _PORT   acceptor [127.0.0.1 / 61616]
#   SPOTBRIDGE_BROKER_USER / _PASSWORD   the one login, also the WildFly nodes' [spotbridge / none: the password is
#                                        required to create the instance, and Spotbridge refuses well-known ones]
#   ARTEMIS_VERSION [2.40.0]   ARTEMIS_JAVA_MEMORY heap of the broker [-Xms128m -Xmx512m]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VERSION=${ARTEMIS_VERSION:-2.40.0}
DIST_DIR="$ROOT/target/artemis-dist"
HOME_DIR=${SPOTBRIDGE_BROKER_HOME:-$ROOT/target/artemis-instance}
HOST=${SPOTBRIDGE_BROKER_HOST:-127.0.0.1}
PORT=${SPOTBRIDGE_BROKER_PORT:-61616}
USER_NAME=${SPOTBRIDGE_BROKER_USER:-spotbridge}
PASSWORD=${SPOTBRIDGE_BROKER_PASSWORD:-}

running() { [ -f "$HOME_DIR/data/artemis.pid" ] && kill -0 "$(cat "$HOME_DIR/data/artemis.pid")" 2>/dev/null; }
listening() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

distribution() {
  local bin="$DIST_DIR/apache-artemis-$VERSION/bin/artemis"
  if [ ! -x "$bin" ]; then
    mvn -B -q -ntp -f "$ROOT/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack \
      -Dartifact="org.apache.activemq:apache-artemis:$VERSION:tar.gz:bin" -DoutputDirectory="$DIST_DIR" \
      -Dmdep.overWriteReleases=false >&2
  fi
  echo "$bin"
}

instance() {
  if [ ! -f "$HOME_DIR/bin/artemis" ]; then
    if [ -z "$PASSWORD" ]; then
      echo "set SPOTBRIDGE_BROKER_PASSWORD: the broker's login, which the WildFly nodes use too" >&2; exit 1
    fi
    "$(distribution)" create "$HOME_DIR" --silent --force --user "$USER_NAME" --password "$PASSWORD" \
      --require-login --no-web --no-autotune --no-amqp-acceptor --no-mqtt-acceptor --no-stomp-acceptor \
      --no-hornetq-acceptor --host "$HOST" --default-port "$PORT" >/dev/null
  fi
  cp "$ROOT/server-config/artemis/broker.xml" "$HOME_DIR/etc/broker.xml"
  # the acceptor's host and port and the heap, from this script's environment: one marked block, rewritten each time
  sed -i -e '/^# spotbridge-begin$/,/^# spotbridge-end$/d' -e '$a\' "$HOME_DIR/etc/artemis.profile"
  printf '# spotbridge-begin\nJAVA_ARGS="$JAVA_ARGS %s -Dspotbridge.broker.host=%s -Dspotbridge.broker.port=%s"\n# spotbridge-end\n' \
    "${ARTEMIS_JAVA_MEMORY:--Xms128m -Xmx512m}" "$HOST" "$PORT" >> "$HOME_DIR/etc/artemis.profile"
}

case "${1:-status}" in
  start)
    if running; then echo "artemis: already running (pid $(cat "$HOME_DIR/data/artemis.pid")) on $HOST:$PORT"; exit 0; fi
    if listening; then echo "artemis: $HOST:$PORT is taken by another process" >&2; exit 1; fi
    instance
    mkdir -p "$HOME_DIR/log"
    nohup "$HOME_DIR/bin/artemis" run > "$HOME_DIR/log/console.log" 2>&1 &
    echo $! > "$HOME_DIR/data/artemis.pid"
    for _ in $(seq 1 60); do
      if listening; then echo "artemis: running on $HOST:$PORT (instance $HOME_DIR)"; exit 0; fi
      running || break
      sleep 1
    done
    echo "artemis: did not start; see $HOME_DIR/log/console.log" >&2; tail -20 "$HOME_DIR/log/console.log" >&2; exit 1
    ;;
  stop)
    if ! running; then echo "artemis: not running"; exit 0; fi
    pid=$(cat "$HOME_DIR/data/artemis.pid")
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || { rm -f "$HOME_DIR/data/artemis.pid"; echo "artemis: stopped"; exit 0; }; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true; rm -f "$HOME_DIR/data/artemis.pid"; echo "artemis: killed after 30 s"
    ;;
  status)
    if running; then echo "artemis: running (pid $(cat "$HOME_DIR/data/artemis.pid")) on $HOST:$PORT"; else echo "artemis: not running"; exit 3; fi
    ;;
  destroy)
    "$0" stop; rm -rf "$HOME_DIR"; echo "artemis: instance $HOME_DIR deleted"
    ;;
  *) echo "usage: $0 start|stop|status|destroy" >&2; exit 2 ;;
esac
