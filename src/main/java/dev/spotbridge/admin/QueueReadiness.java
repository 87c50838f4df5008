package dev.spotbridge.admin;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.ingest.WebhookKeys;
import dev.spotbridge.metrics.SyncMetrics;
import dev.spotbridge.queue.Queues;
import dev.spotbridge.schema.Migrations;
import dev.spotbridge.spotler.SpotlerGateway;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when webhooks can be taken: the schema is migrated, a webhook key is configured, the
 * database answers and the sync queue answers on the broker. The Spotler and Dataverse circuit
 * states are reported with it but do not make it DOWN: webhooks are still taken and wait on the
 * queue until the circuit closes. Served at http://127.0.0.1:9990/health/ready with WildFly's own
 * checks.
 */
@Readiness
@ApplicationScoped
public class QueueReadiness implements HealthCheck {

    @Inject Migrations migrations;

    @Inject WebhookKeys keys;

    @Inject SyncMetrics metrics;

    @Resource(lookup = "java:/ConnectionFactory")
    ConnectionFactory connectionFactory;

    @Resource(lookup = "java:jboss/datasources/SpotbridgeDS")
    DataSource dataSource;

    @Resource(lookup = Queues.SYNC)
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
        try (Connection connection = dataSource.getConnection()) {
            database = connection.isValid(2);
        } catch (SQLException e) {
            database = false;
            response.withData("databaseError", e.getClass().getSimpleName());
        }
        response.withData("databaseReachable", database);
        // reported, not a reason to stop taking webhooks: queued work waits for the circuit to
        // close
        response.withData(
                "spotlerCircuit", SyncMetrics.overall(metrics.circuitStates(SpotlerGateway.class)));
        response.withData(
                "dataverseCircuit",
                SyncMetrics.overall(metrics.circuitStates(DataverseGateway.class)));
        return response.status(broker && database && migrations.done() && keys.configured())
                .build();
    }
}
