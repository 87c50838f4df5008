# Spotbridge: the server that `mvn package` provisions (target/server, already configured by server-config/*.cli)
# plus the application, on the WildFly runtime image (UBI, JDK 17). Nothing is configured in the image itself.
#   mvn package && docker build -t spotbridge .
# Production profile (PostgreSQL + external Artemis, docs/deploy.md):
#   mvn -Pproduction package -DskipTests && docker build --build-arg SERVER_DIR=target/server-production -t spotbridge .
# Pin the runtime by digest for production: --build-arg RUNTIME_IMAGE=quay.io/wildfly/wildfly-runtime@sha256:<digest>
ARG RUNTIME_IMAGE=quay.io/wildfly/wildfly-runtime:latest-jdk17
FROM ${RUNTIME_IMAGE}
ARG SERVER_DIR=target/server
COPY --chown=jboss:root ${SERVER_DIR} $JBOSS_HOME
COPY --chown=jboss:root target/ROOT.war $JBOSS_HOME/standalone/deployments/ROOT.war
RUN chmod -R ug+rwX $JBOSS_HOME
# readiness is served on the management port
ENV SERVER_ARGS="-bmanagement=0.0.0.0"
EXPOSE 8080 9990
