package dev.spotbridge.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which outside services the built-in sandboxes stand in for. A Spotler or Dataverse URL that is
 * unset means the sandbox serves; only when both are unset (nothing real is reachable) do the
 * well-known sandbox credentials apply to the webhook key and the admin login, so a real deployment
 * never runs on a guessable key.
 */
@ApplicationScoped
public class SandboxMode {

    /**
     * Consumer key/secret the Spotler sandbox accepts when none are configured. Not secrets:
     * sandbox only.
     */
    public static final String SPOTLER_KEY = "sandbox-consumer-key";

    public static final String SPOTLER_SECRET = "sandbox-consumer-secret";

    /** Client id/secret the Dataverse sandbox's token endpoint accepts when none are configured. */
    public static final String DATAVERSE_CLIENT_ID = "sandbox-client";

    public static final String DATAVERSE_CLIENT_SECRET = "sandbox-client-secret";

    /** Webhook key and admin login of a pure sandbox run (no real URL configured). */
    public static final String WEBHOOK_KEY = "sandbox-webhook-key";

    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    @Inject
    @ConfigProperty(name = "spotler.api.url")
    Optional<String> spotlerUrl;

    @Inject
    @ConfigProperty(name = "dataverse.api.url")
    Optional<String> dataverseUrl;

    @Inject
    @ConfigProperty(name = "spotbridge.base-url", defaultValue = "http://127.0.0.1:8080")
    String baseUrl;

    public boolean spotler() {
        return spotlerUrl.filter(s -> !s.isBlank()).isEmpty();
    }

    public boolean dataverse() {
        return dataverseUrl.filter(s -> !s.isBlank()).isEmpty();
    }

    /** True when neither outside service is configured: nothing real can be touched. */
    public boolean only() {
        return spotler() && dataverse();
    }

    public String spotlerUrl() {
        return baseUrl + "/sandbox/spotler/integrationservice";
    }

    public String dataverseApiUrl() {
        return baseUrl + "/sandbox/dataverse/api/data/v9.2";
    }

    public String dataverseTokenUrl() {
        return baseUrl + "/sandbox/dataverse/oauth2/v2.0/token";
    }
}
