package dev.spotbridge.admin;

import dev.spotbridge.ingest.WebhookKeys;
import dev.spotbridge.mapping.ActiveMapping;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Says at start-up where the webhook, Spotler, Dataverse and the records API are, and how to log
 * in. Prints no secret.
 */
@Singleton
@Startup
@DependsOn({"Migrations", "RequiredSettings"})
public class StartupBanner {

    private static final Logger LOG = Logger.getLogger(StartupBanner.class.getName());

    @Inject WebhookKeys keys;

    @Inject ActiveMapping mapping;

    @Inject
    @ConfigProperty(name = "spotbridge.base-url", defaultValue = "http://127.0.0.1:8080")
    String baseUrl;

    @Inject
    @ConfigProperty(name = "spotler.api.url")
    Optional<String> spotlerUrl;

    @Inject
    @ConfigProperty(name = "dataverse.api.url")
    Optional<String> dataverseUrl;

    @Inject
    @ConfigProperty(name = "spotbridge.admin.user")
    Optional<String> adminUser;

    @PostConstruct
    void announce() {
        StringBuilder text = new StringBuilder("\n==== Spotbridge is up ====\n");
        text.append("  webhook (Dataverse service endpoint): POST ")
                .append(baseUrl)
                .append("/api/d365/webhook\n");
        text.append(
                keys.configured()
                        ? "    key: from SPOTBRIDGE_WEBHOOK_KEY (spotbridge.webhook.key)\n"
                        : "    NO WEBHOOK KEY CONFIGURED: every webhook is refused until SPOTBRIDGE_WEBHOOK_KEY is set\n");
        text.append("  Spotler: ").append(spotlerUrl.orElseThrow()).append('\n');
        text.append("  Dataverse: ").append(dataverseUrl.orElseThrow()).append('\n');
        text.append("  admin page: ").append(baseUrl).append("/admin/\n");
        text.append("  records API: GET ").append(baseUrl).append("/api/records/{entity}/{id}");
        text.append(
                adminUser.filter(v -> !v.isBlank()).isPresent()
                        ? "  (login: the user of SPOTBRIDGE_ADMIN_USER/PASSWORD)\n"
                        : "  (NO ADMIN LOGIN CONFIGURED: set SPOTBRIDGE_ADMIN_USER/PASSWORD)\n");
        text.append("  readiness: http://127.0.0.1:9990/health/ready\n");
        text.append("  mapping: ").append(mapping.source());
        LOG.info(text::toString);
    }
}
