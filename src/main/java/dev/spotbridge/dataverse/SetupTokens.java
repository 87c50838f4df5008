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
 * them, setup runs as the runtime identity. Used only by {@link SolutionGateway}.
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
    @ConfigProperty(name = "dataverse.client.id")
    Optional<String> clientId;

    @Inject
    @ConfigProperty(name = "dataverse.client.secret")
    Optional<String> clientSecret;

    @Inject
    @ConfigProperty(name = "dataverse.scope")
    Optional<String> scope;

    @Inject SyncMetrics metrics;

    private ClientCredentials credentials;

    @PostConstruct
    void connect() {
        boolean own = setupClientId.filter(id -> !id.isBlank()).isPresent();
        credentials =
                new ClientCredentials(
                        tokenUrl.orElseThrow(),
                        own ? setupClientId.get() : clientId.orElseThrow(),
                        own ? setupClientSecret.orElse("") : clientSecret.orElseThrow(),
                        scope.orElseThrow(),
                        new CallMeter(metrics, "dataverse-token"));
    }

    @PreDestroy
    void close() {
        credentials.close();
    }

    /** Whether setup has an identity of its own (else it runs as the runtime identity). */
    public boolean separateIdentity() {
        return setupClientId.filter(id -> !id.isBlank()).isPresent();
    }

    String bearer() {
        return credentials.bearer();
    }

    void invalidate() {
        credentials.invalidate();
    }
}
