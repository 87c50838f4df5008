# Spotbridge: the production profile's server (target/server-production: PostgreSQL + an external Artemis broker,
# configured by server-config/production/*.cli and the shared scripts) plus the product, ROOT.war, on the WildFly
# runtime image (UBI, JDK 17). Never the sandboxes (sandbox.war) nor the default run's server, whose configuration
# points Spotbridge at them. Nothing is configured in the image itself; every setting comes from the environment
# (docs/deploy.md): without SPOTLER_API_URL, DATAVERSE_API_URL and their credentials, or with an empty or well-known
# database or broker password, Spotbridge does not deploy. Built from a clean checkout (docs/deploy.md, Container image):
#   mvn -Pproduction package -DskipTests
#   docker build --build-arg RUNTIME_IMAGE=quay.io/wildfly/wildfly-runtime@sha256:<digest> -t spotbridge .
# The base is pinned by digest, so a rebuild gets the same runtime until someone changes the argument on purpose; a
# base given by tag is refused unless ALLOW_UNPINNED_BASE=true (trying things out).
ARG RUNTIME_IMAGE=quay.io/wildfly/wildfly-runtime:latest-jdk17
FROM ${RUNTIME_IMAGE}
ARG RUNTIME_IMAGE
ARG ALLOW_UNPINNED_BASE=false
RUN case "${RUNTIME_IMAGE}" in \
      *@sha256:*) ;; \
      *) if [ "${ALLOW_UNPINNED_BASE}" != "true" ]; then \
           echo "pin the base image by digest: --build-arg RUNTIME_IMAGE=<image>@sha256:<digest> (docs/deploy.md)" >&2; \
           exit 1; \
         fi ;; \
    esac
COPY --chown=jboss:root target/server-production $JBOSS_HOME
COPY --chown=jboss:root target/ROOT.war $JBOSS_HOME/standalone/deployments/ROOT.war
RUN chmod -R ug+rwX $JBOSS_HOME
# the image's user, never root (uid 185 is jboss in the WildFly images)
USER 185
# HTTP on every interface; the management interface (health, Prometheus metrics without authentication, the CLI) on
# the container's loopback only. To scrape metrics from outside, run with -e SERVER_ARGS=-bmanagement=0.0.0.0 and
# publish 9990 on a private network only.
ENV SERVER_ARGS="-b=0.0.0.0 -bmanagement=127.0.0.1"
EXPOSE 8080
# ready = deployed, database and broker reachable (MicroProfile Health on the management interface); plain bash, no
# curl needed in the image
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/9990 && printf "GET /health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'
