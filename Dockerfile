# Spotbridge: the production profile's server (target/server-production: PostgreSQL + an external Artemis broker,
# configured by server-config/production/*.cli and the shared scripts) plus the product, ROOT.war, on the WildFly
# runtime image (UBI, JDK 17). Never the sandboxes (sandbox.war) nor the default run's server, whose configuration
# points Spotbridge at them. Nothing is configured in the image itself; every setting comes from the environment
# (docs/deploy.md), and without SPOTLER_API_URL, DATAVERSE_API_URL and their credentials Spotbridge does not deploy.
#   mvn -Pproduction package -DskipTests && docker build -t spotbridge .
# Pin the runtime by digest for production: --build-arg RUNTIME_IMAGE=quay.io/wildfly/wildfly-runtime@sha256:<digest>
ARG RUNTIME_IMAGE=quay.io/wildfly/wildfly-runtime:latest-jdk17
FROM ${RUNTIME_IMAGE}
COPY --chown=jboss:root target/server-production $JBOSS_HOME
COPY --chown=jboss:root target/ROOT.war $JBOSS_HOME/standalone/deployments/ROOT.war
RUN chmod -R ug+rwX $JBOSS_HOME
# readiness is served on the management port
ENV SERVER_ARGS="-bmanagement=0.0.0.0"
EXPOSE 8080 9990
