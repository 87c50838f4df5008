package dev.spotbridge.admin;

import dev.spotbridge.ingest.WebhookKeys;
import dev.spotbridge.mapping.ActiveMapping;
import dev.spotbridge.sandbox.SandboxMode;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Says at start-up where the webhook, the sandboxes and the records API are, and how to log in.
 * Prints no secret.
 */
@Singleton
@Startup
@DependsOn("Migrations")
public class StartupBanner {

    private static final Logger LOG = Logger.getLogger(StartupBanner.class.getName());

    @Inject SandboxMode sandbox;

    @Inject WebhookKeys keys;

    @Inject ActiveMapping mapping;

    @Inject
    @ConfigProperty(name = "spotbridge.base-url", defaultValue = "http://127.0.0.1:8080")
    String baseUrl;

    @Inject org.eclipse.microprofile.config.Config config;

    @PostConstruct
    void announce() {
        for (String missing : missingSettings()) {
            LOG.severe(
                    () ->
                            "configuration incomplete: "
                                    + missing
                                    + " is not set; calls that need it fail and their records become Failed");
        }
        StringBuilder text = new StringBuilder("\n==== Spotbridge is up ====\n");
        text.append("  webhook (Dataverse service endpoint): POST ")
                .append(baseUrl)
                .append("/api/d365/webhook\n");
        if (keys.sandboxKey()) {
            text.append("    key (sandbox run): header x-spotbridge-key: ")
                    .append(SandboxMode.WEBHOOK_KEY)
                    .append("  (set SPOTBRIDGE_WEBHOOK_KEY to choose one)\n");
        } else if (!keys.configured()) {
            text.append(
                    "    NO WEBHOOK KEY CONFIGURED: every webhook is refused until SPOTBRIDGE_WEBHOOK_KEY is set\n");
        } else {
            text.append("    key: from SPOTBRIDGE_WEBHOOK_KEY\n");
        }
        text.append("  Spotler: ")
                .append(
                        sandbox.spotler()
                                ? "built-in sandbox at " + sandbox.spotlerUrl()
                                : "SPOTLER_API_URL")
                .append('\n');
        text.append("  Dataverse: ")
                .append(
                        sandbox.dataverse()
                                ? "built-in sandbox at " + sandbox.dataverseApiUrl()
                                : "DATAVERSE_API_URL")
                .append('\n');
        text.append("  admin page: ").append(baseUrl).append("/admin/\n");
        text.append("  records API: GET ").append(baseUrl).append("/api/records/{entity}/{id}");
        boolean adminConfigured =
                config.getOptionalValue("spotbridge.admin.user", String.class)
                        .filter(v -> !v.isBlank())
                        .isPresent();
        text.append(
                sandbox.only() && !adminConfigured
                        ? "  (sandbox login admin / admin; set SPOTBRIDGE_ADMIN_USER/PASSWORD)\n"
                        : "  (login from SPOTBRIDGE_ADMIN_USER/PASSWORD)\n");
        text.append("  readiness: http://127.0.0.1:9990/health/ready\n");
        text.append("  mapping: ").append(mapping.source());
        LOG.info(text::toString);
    }

    /** Settings that a real (non-sandbox) Spotler or Dataverse needs but that are not set. */
    java.util.List<String> missingSettings() {
        java.util.List<String> missing = new java.util.ArrayList<>();
        if (!sandbox.spotler()) {
            for (String key : new String[] {"spotler.consumer.key", "spotler.consumer.secret"}) {
                if (config.getOptionalValue(key, String.class)
                        .filter(v -> !v.isBlank())
                        .isEmpty()) {
                    missing.add(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
                }
            }
        }
        if (!sandbox.dataverse()) {
            for (String key :
                    new String[] {
                        "dataverse.token.url",
                        "dataverse.client.id",
                        "dataverse.client.secret",
                        "dataverse.scope"
                    }) {
                if (config.getOptionalValue(key, String.class)
                        .filter(v -> !v.isBlank())
                        .isEmpty()) {
                    missing.add(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
                }
            }
        }
        return missing;
    }
}
