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
 * The runtime identity's OAuth 2.0 client-credentials tokens for the Dataverse Web API. Called only
 * from {@link DataverseGateway}, whose policies cover the token request too.
 */
@ApplicationScoped
public class AccessTokens {

    /** Required: without them Spotbridge does not deploy (RequiredSettings). */
    @Inject
    @ConfigProperty(name = "dataverse.token.url")
    Optional<String> tokenUrl;

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
        credentials =
                new ClientCredentials(
                        tokenUrl.orElseThrow(),
                        clientId.orElseThrow(),
                        clientSecret.orElseThrow(),
                        scope.orElseThrow(),
                        new CallMeter(metrics, "dataverse-token"));
    }

    @PreDestroy
    void close() {
        credentials.close();
    }

    /** "Bearer …", from the cache or freshly requested. */
    public String bearer() {
        return credentials.bearer();
    }

    /** Forgets the cached token (after a 401 from the Web API). */
    public void invalidate() {
        credentials.invalidate();
    }
}
