package dev.spotbridge.admin;

import dev.spotbridge.ingest.WebhookKeys;
import dev.spotbridge.schema.Migrations;
import dev.spotbridge.sync.SyncQueue;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when webhooks can be taken: the schema is migrated, a webhook key is configured, and the
 * sync queue answers on the broker. Served at http://127.0.0.1:9990/health/ready with WildFly's own
 * checks.
 */
@Readiness
@ApplicationScoped
public class QueueReadiness implements HealthCheck {

    @Inject Migrations migrations;

    @Inject WebhookKeys keys;

    @Resource(lookup = "java:/ConnectionFactory")
    ConnectionFactory connectionFactory;

    @Resource(lookup = "java:jboss/datasources/SpotbridgeDS")
    javax.sql.DataSource dataSource;

    @Resource(lookup = SyncQueue.QUEUE)
    Queue queue;

    @Override
    public HealthCheckResponse call() {
        var response =
                HealthCheckResponse.named("spotbridge-webhook-intake")
                        .withData("schemaMigrated", migrations.done())
                        .withData("webhookKeyConfigured", keys.configured());
        boolean broker;
        try (JMSContext context = connectionFactory.createContext();
                QueueBrowser browser = context.createBrowser(queue)) {
            browser.getEnumeration();
            broker = true;
        } catch (Exception e) {
            broker = false;
            response.withData("brokerError", e.getClass().getSimpleName());
        }
        response.withData("queueReachable", broker);
        boolean database;
        try (java.sql.Connection connection = dataSource.getConnection()) {
            database = connection.isValid(2);
        } catch (java.sql.SQLException e) {
            database = false;
            response.withData("databaseError", e.getClass().getSimpleName());
        }
        response.withData("databaseReachable", database);
        return response.status(broker && database && migrations.done() && keys.configured())
                .build();
    }
}
