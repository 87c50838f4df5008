package dev.spotbridge.dataverse;

import dev.spotbridge.json.Json;
import dev.spotbridge.metrics.CallMeter;
import dev.spotbridge.metrics.SyncMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Form;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

/**
 * OAuth 2.0 client-credentials tokens for the Dataverse Web API, cached until a minute before they
 * expire. Called only from {@link DataverseGateway}, whose policies cover the token request too.
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

    private CallMeter calls;
    private TokenClient client;
    private volatile String token;
    private volatile Instant expires = Instant.EPOCH;

    @PostConstruct
    void connect() {
        calls = new CallMeter(metrics, "dataverse-token");
        client =
                RestClientBuilder.newBuilder()
                        .baseUri(URI.create(tokenUrl.orElseThrow()))
                        .connectTimeout(5, TimeUnit.SECONDS)
                        .readTimeout(10, TimeUnit.SECONDS)
                        .property("microprofile.rest.client.disable.default.mapper", true)
                        .register(calls)
                        .build(TokenClient.class);
    }

    @PreDestroy
    void close() {
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing an idle HTTP client cannot lose work
            }
        }
    }

    /** "Bearer …", from the cache or freshly requested. */
    public synchronized String bearer() {
        if (token == null || Instant.now().isAfter(expires.minusSeconds(60))) {
            request();
        }
        return "Bearer " + token;
    }

    /** Forgets the cached token (after a 401 from the Web API). */
    public synchronized void invalidate() {
        token = null;
    }

    private void request() {
        Form form =
                new Form()
                        .param("grant_type", "client_credentials")
                        .param("client_id", clientId.orElseThrow())
                        .param("client_secret", clientSecret.orElseThrow())
                        .param("scope", scope.orElseThrow());
        Response response;
        try {
            response = client.token(form);
        } catch (ProcessingException e) {
            calls.unreachable();
            throw new DataverseUnavailableException("token request: " + e.getMessage(), e);
        }
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        int status = response.getStatus();
        if (status >= 500 || status == 429) {
            throw new DataverseUnavailableException("token request: " + status);
        }
        if (status != 200) {
            // the error_description of Entra ID says what is wrong without echoing the secret
            throw new DataverseRejectedException(
                    "token request refused: "
                            + status
                            + " "
                            + (body.length() > 300 ? body.substring(0, 300) : body));
        }
        JsonObject json;
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            json = reader.readObject();
        }
        token = json.getString("access_token");
        long lifetime =
                json.containsKey("expires_in")
                        ? Long.parseLong(json.get("expires_in").toString().replace("\"", ""))
                        : 3600;
        expires = Instant.now().plusSeconds(lifetime);
    }
}
