package dev.spotbridge.dataverse;

import dev.spotbridge.metrics.CallMeter;
import dev.spotbridge.metrics.SyncMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Tokens of the setup identity: the more privileged app registration that creates the solution and
 * registers the webhook steps (DATAVERSE_SETUP_CLIENT_ID / DATAVERSE_SETUP_CLIENT_SECRET). Without
 * them, setup uses the runtime identity's tokens ({@link AccessTokens}). Used only by {@link
 * SolutionGateway}.
 */
@ApplicationScoped
public class SetupTokens {

    @Inject
    @ConfigProperty(name = "dataverse.token.url")
    Optional<String> tokenUrl;

    @Inject
    @ConfigProperty(name = "dataverse.setup.client.id")
    Optional<String> setupClientId;

    @Inject
    @ConfigProperty(name = "dataverse.setup.client.secret")
    Optional<String> setupClientSecret;

    @Inject
    @ConfigProperty(name = "dataverse.scope")
    Optional<String> scope;

    @Inject AccessTokens runtime;

    @Inject SyncMetrics metrics;

    /** The setup identity's tokens; null when setup runs as the runtime identity. */
    private ClientCredentials own;

    @PostConstruct
    void connect() {
        if (separateIdentity()) {
            own =
                    new ClientCredentials(
                            tokenUrl.orElseThrow(),
                            setupClientId.get(),
                            setupClientSecret.orElse(""),
                            scope.orElseThrow(),
                            new CallMeter(metrics, "dataverse-token"));
        }
    }

    @PreDestroy
    void close() {
        if (own != null) {
            own.close();
        }
    }

    /** Whether setup has an identity of its own (else it runs as the runtime identity). */
    public boolean separateIdentity() {
        return setupClientId.filter(id -> !id.isBlank()).isPresent();
    }

    String bearer() {
        return own != null ? own.bearer() : runtime.bearer();
    }

    void invalidate() {
        if (own != null) {
            own.invalidate();
        } else {
            runtime.invalidate();
        }
    }
}
